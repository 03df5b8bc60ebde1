import { isSha256Digest, nounOf, parseDigest, verifyBytes } from '../digest';
import { oneShotHash } from '../nodeCrypto';

export { nounOf } from '../digest';

// crypto.hash (Node 20.12+) hashes a buffer in one call: for the small blobs a listing reads by the
// thousand (manifests, configs) it costs a quarter of createHash().update().digest(). Looked up at the first
// verification, not at load (see nodeCrypto.ts).
let oneShot: ReturnType<typeof oneShotHash> | null = null;

/**
 * verifyBytes, faster: when the bytes hash to the digest's own hex the digest is well formed by
 * construction and nothing else needs checking; any other case goes through verifyBytes, which
 * throws the usual error naming the blob (the manifest, when `expected` has a manifest's media type).
 */
export function verifyBlob(bytes: Uint8Array, expected: { digest: string; size?: number; mediaType?: string }, where = ''): void {
  if (oneShot === null) oneShot = oneShotHash();
  if (oneShot && (expected.size === undefined || bytes.length === expected.size)) {
    const { digest } = expected;
    const colon = digest.indexOf(':');
    const algorithm = digest.slice(0, colon);
    if ((algorithm === 'sha256' || algorithm === 'sha512') && oneShot(algorithm, bytes, 'hex') === digest.slice(colon + 1)) return;
  }
  verifyBytes(bytes, expected, where, nounOf(expected));
}

/** `blobs/<alg>/<hex>`, only ever built from a digest that parsed: nothing else reaches the file system. */
export function blobPath(digest: string): string {
  // The common case without parseDigest's three regular expressions; the same strings pass.
  if (typeof digest === 'string' && isSha256Digest(digest)) return `blobs/sha256/${digest.slice(7)}`;
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}
