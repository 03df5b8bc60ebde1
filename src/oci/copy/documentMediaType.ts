import type { Descriptor } from '../descriptor';
import { isImageIndex, isManifestMediaType } from '../mediaType';

/**
 * The media type to store a root manifest under: its document's own (the bytes are verified by digest, so the
 * document is the truth) where a registry's answer gave the other flavor of the same kind (Docker's schema2 type
 * for an OCI manifest, a manifest list for an OCI index, or the reverse), which the registry client accepts but a
 * layout refuses and would list wrongly. A document of the other kind, or of no manifest type, keeps `listed` for
 * the checks to name; so does one with no mediaType of its own (OCI's is only a SHOULD).
 */
export function documentMediaType(listed: string, own: unknown): string {
  if (typeof own !== 'string' || own === listed || !isManifestMediaType(own) || !isManifestMediaType(listed)) return listed;
  return isImageIndex(own) === isImageIndex(listed) ? own : listed;
}

/** `desc` with the media type its document `bytes` gives itself (see documentMediaType); as it is when the bytes are no JSON object. */
export function asDocumentSays(desc: Descriptor, bytes: Buffer): Descriptor {
  let own: unknown;
  try {
    own = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown } | null)?.mediaType;
  } catch {
    return desc;
  }
  const mediaType = documentMediaType(desc.mediaType, own);
  return mediaType === desc.mediaType ? desc : { ...desc, mediaType };
}
