/**
 * Which JSON documents are OCI indexes or manifests, so diagnostics appear on those and nowhere else: by name
 * where the name says it (`*.oci-index.json`, a layout's `index.json`), by content otherwise.
 */

/** File names that are OCI documents by convention (and get the JSON schemas through `jsonValidation`). */
export const OCI_INDEX_SUFFIX = '.oci-index.json';
export const OCI_MANIFEST_SUFFIX = '.oci-manifest.json';

export function kindByName(fileName: string): 'index' | 'manifest' | undefined {
  if (fileName.endsWith(OCI_INDEX_SUFFIX)) return 'index';
  if (fileName.endsWith(OCI_MANIFEST_SUFFIX)) return 'manifest';
  return undefined;
}

// Both must appear: schemaVersion alone is in many JSON formats, a `manifests` or `layers` key alone too.
const SCHEMA_VERSION = /"schemaVersion"\s*:/;
const SHAPE = /"(manifests|layers|config)"\s*:/;
const OCI_TYPE = /"mediaType"\s*:\s*"application\/vnd\.(oci\.image\.(index|manifest)\.v1\+json|docker\.distribution\.manifest\.(list\.)?v2\+json)"/;

/**
 * Whether the text reads as an image index or manifest, also while half-typed (not JSON yet): a key test on the
 * text, not a parse.
 */
export function looksLikeOciDocument(text: string): boolean {
  const head = text.length > 1 << 20 ? text.slice(0, 1 << 20) : text;
  return (SCHEMA_VERSION.test(head) && SHAPE.test(head)) || OCI_TYPE.test(head);
}
