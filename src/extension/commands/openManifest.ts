import * as vscode from 'vscode';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { manifestFrom } from './args';

/**
 * `manifold.openManifest`: the manifest or index as read-only, indented JSON (a `manifold:` document).
 * Arguments: a node or `{ layout, reference }`. Returns the document's URI as a string.
 */
export async function openManifest(s: Services, arg?: unknown): Promise<string> {
  const target = await manifestFrom(s, arg, vscode.l10n.t('Open Manifest'));
  const uri = s.documents.uri('manifest', target.layout.path, target.desc, target.tag ?? shortDigest(target.desc.digest));
  await s.documents.show(uri);
  return uri.toString();
}
