import * as vscode from 'vscode';
import type { Services } from '../services';
import { manifestFrom, referenceText } from './args';

/**
 * `manifold.showReferrersTree`: the `discover --recursive` tree of a manifest or index as a read-only
 * document. Arguments: a node or `{ layout, reference }`. Returns the document's text.
 */
export async function showReferrersTree(s: Services, arg?: unknown): Promise<string> {
  const target = await manifestFrom(s, arg, vscode.l10n.t('Show Referrers Tree'));
  const uri = s.documents.uri('referrers', target.layout.path, target.desc, referenceText(target));
  const editor = await s.documents.show(uri);
  return editor.document.getText();
}
