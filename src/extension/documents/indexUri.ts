// `manifold-index:` URIs name an index stored in a layout by tag or digest: `/<layout folder>/<ref>.oci-index.json`.
// All of it is in the path (no query), so the tab reads `v1.oci-index.json` and the `*.oci-index.json` JSON
// schema applies to it as to files of that name.
import { basename, dirname } from 'node:path';
import vscode = require('vscode');
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
  return vscode.Uri.from({ scheme: INDEX_SCHEME, path: `${path}${ref.reference}${OCI_INDEX_SUFFIX}` });
}

export function parseStoredIndexUri(uri: vscode.Uri): StoredIndexRef | undefined {
  if (uri.scheme !== INDEX_SCHEME) return undefined;
  const name = basename(uri.path);
  if (!name.endsWith(OCI_INDEX_SUFFIX) || name === OCI_INDEX_SUFFIX) return undefined;
  return { layout: dirname(uri.path), reference: name.slice(0, -OCI_INDEX_SUFFIX.length) };
}

export function isDigestReference(reference: string): boolean {
  return reference.includes(':');
}
