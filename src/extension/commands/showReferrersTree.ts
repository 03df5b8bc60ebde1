import * as l10n from '@vscode/l10n';
import type { Services } from '../services';
import { sourceManifestFrom, sourceReferenceText } from './args';

/**
 * `manifold.showReferrersTree`: the `discover --recursive` tree of a manifest or index as a read-only
 * document. Arguments: a node, `{ layout, reference }` or `{ registry, repository, reference }`. Returns the text.
 */
export async function showReferrersTree(services: Services, arg?: unknown): Promise<string> {
  const target = await sourceManifestFrom(services, arg, l10n.t('Show Referrers Tree'));
  const uri = services.documents.uri('referrers', target.ref, target.desc, sourceReferenceText(target));
  const editor = await services.documents.show(uri);
  return editor.document.getText();
}
