import * as l10n from '@vscode/l10n';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { sourceManifestFrom } from './args';

/**
 * `manifold.openManifest`: the manifest or index as read-only, indented JSON (a `manifold:` document).
 * Arguments: a node, `{ layout, reference }` or `{ registry, repository, reference }`. Returns the document's URI.
 */
export async function openManifest(services: Services, arg?: unknown): Promise<string> {
  const target = await sourceManifestFrom(services, arg, l10n.t('Open Manifest'));
  const uri = services.documents.uri('manifest', target.ref, target.desc, target.tag ?? shortDigest(target.desc.digest));
  await services.documents.show(uri);
  return uri.toString();
}
