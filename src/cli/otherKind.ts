import { isImageIndex, otherKindDeclared } from '../oci/mediaType';

/**
 * The stderr line warning of a manifest listed as one kind whose document (verified by digest) declares the other:
 * an image manifest under an index type, or the reverse. `check` reports it as an error; a listing names it beside
 * its row.
 */
export function otherKindWarning(what: string, listed: string, own: string): string {
  return `Warning: ${what} is listed as ${listed}, but its document is ${isImageIndex(own) ? 'an image index' : 'an image manifest'} (it declares ${own}): a client reads it as the wrong kind of document\n`;
}

/** otherKindDeclared of a document's bytes: undefined for bytes that are no JSON. */
export function otherKindOf(listed: string, bytes: Buffer): string | undefined {
  try {
    return otherKindDeclared(listed, JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown } | null);
  } catch {
    return undefined;
  }
}
