import * as l10n from '@vscode/l10n';
import type { Services } from '../services';
import { sourceManifestFrom, sourceReferenceText } from './args';

/**
 * `manifold.showReferrersTree`: the `discover --recursive` tree of a manifest or index as a read-only
 * document. Arguments: a node, `{ layout, reference }` or `{ registry, repository, reference }`. Returns the text.
 */
export async function showReferrersTree(s: Services, arg?: unknown): Promise<string> {
  const target = await sourceManifestFrom(s, arg, l10n.t('Show Referrers Tree'));
  const uri = s.documents.uri('referrers', target.ref, target.desc, sourceReferenceText(target));
  const editor = await s.documents.show(uri);
  return editor.document.getText();
}
