import type { Descriptor } from '../descriptor';

// buildx lists an image's attestations in the index beside it: an unknown/unknown entry naming the image.
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';

/** The digest of the image an index entry is buildx's attestation manifest for, or undefined for any other entry. */
export function attestedDigest(entry: Descriptor): string | undefined {
  return entry.annotations?.[REFERENCE_TYPE] === 'attestation-manifest' ? entry.annotations[REFERENCE_DIGEST] : undefined;
}
