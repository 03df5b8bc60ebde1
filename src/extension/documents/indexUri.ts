// `manifold-index:` URIs name an index stored in a layout by tag or digest: `/<layout folder>/<ref>.oci-index.json`.
// All of it is in the path (no query), so the tab reads `v1.oci-index.json` and the `*.oci-index.json` JSON
// schema applies to it as to files of that name. A name in index.json may be a full reference
// (`example.com/team/app:1.0`, as the image-spec's ref.name grammar allows and other tools write): its `/` is
// written `%2F` (and `%` itself `%25`), so the name stays one path segment and the folder above it the layout.
import { basename, dirname } from 'node:path';
import vscode = require('vscode');
import { isDigest } from '../../oci/digest';
import { isValidTag } from '../../oci/reference';
import { OCI_INDEX_SUFFIX } from '../../oci/indexDocument';

export const INDEX_SCHEME = 'manifold-index';

export interface StoredIndexRef {
  /** The layout folder. */
  layout: string;
  /** A tag (saving moves it) or a digest (read-only: nothing would name the saved index). */
  reference: string;
}

export function storedIndexUri(ref: StoredIndexRef): vscode.Uri {
  const path = ref.layout.endsWith('/') ? ref.layout : `${ref.layout}/`;
  const name = ref.reference.replace(/%/g, '%25').replace(/\//g, '%2F');
  return vscode.Uri.from({ scheme: INDEX_SCHEME, path: `${path}${name}${OCI_INDEX_SUFFIX}` });
}

export function parseStoredIndexUri(uri: vscode.Uri): StoredIndexRef | undefined {
  if (uri.scheme !== INDEX_SCHEME) return undefined;
  const name = basename(uri.path);
  if (!name.endsWith(OCI_INDEX_SUFFIX) || name === OCI_INDEX_SUFFIX) return undefined;
  const reference = name.slice(0, -OCI_INDEX_SUFFIX.length).replace(/%(2F|25)/gi, (_, code: string) => (code === '25' ? '%' : '/'));
  return { layout: dirname(uri.path), reference };
}

/** Opened by digest (read-only), not by name: a name may hold a colon too (`app:1.0`). */
export function isDigestReference(reference: string): boolean {
  return isDigest(reference);
}

/**
 * Whether a save can move the name: a tag can; a digest names no tag, and a name that is no tag (a full reference
 * another tool wrote) is one Manifold's tag refuses to write, so such a document opens read-only.
 */
export function isMovableName(reference: string): boolean {
  return isValidTag(reference);
}
