import { OciError } from './errors';

/** Registries refuse larger manifests (distribution's default), and readers load a manifest whole: stores and readers enforce it. */
export const MAX_MANIFEST_BYTES = 4 << 20;

/**
 * Refuses a manifest about to be built that no reader would accept. Called before anything is
 * written, so an oversized document is not stored where nothing lists it.
 */
export function checkManifestSize(what: string, size: number): void {
  if (size <= MAX_MANIFEST_BYTES) return;
  throw new OciError('INVALID_MANIFEST', `${what} would be ${size.toLocaleString('en-US')} bytes, over the 4 MiB limit registries and readers accept for manifests`);
}
