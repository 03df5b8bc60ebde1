import type { KeyObject } from 'node:crypto';

/**
 * Ed25519ph (RFC 8032 section 5.1: SHA-512 of the message, signed under the dom2 prefix), which cosign 2.5+ signs
 * and verifies with for Ed25519 keys (sigstore's default algorithm for them). Node's crypto has only pure Ed25519,
 * so this one comes from @noble/curves, loaded on first use: a command that signs or verifies with no Ed25519 key
 * (and the CLI's start-up) never loads it.
 */
// In the bundles '@noble/curves/ed25519' is dist/ed25519ph.js, just what ed25519phEntry.ts exports.
type Noble = Pick<typeof import('@noble/curves/ed25519'), 'ed25519ph'>;
let loaded: Noble | undefined;
const noble = (): Noble => (loaded ??= require('@noble/curves/ed25519') as Noble);

/** The 32 raw bytes of an Ed25519 key: the seed of a private key, the point of a public one (JWK's d and x). */
function raw(key: KeyObject, part: 'd' | 'x'): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const v = jwk[part];
  if (jwk.crv !== 'Ed25519' || typeof v !== 'string') throw new Error(`not an Ed25519 ${part === 'd' ? 'private' : 'public'} key`);
  return Buffer.from(v, 'base64url');
}

/** The Ed25519ph signature (64 bytes, deterministic) of `message` with the private key `key`, empty context. */
export function signEd25519ph(message: Uint8Array, key: KeyObject): Buffer {
  return Buffer.from(noble().ed25519ph.sign(message, raw(key, 'd')));
}

/** Whether `signature` is `key`'s (public) Ed25519ph signature of `message`, empty context; false for one of the wrong shape. */
export function verifyEd25519ph(message: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  if (signature.length !== 64) return false;
  try {
    // zip215 false: RFC 8032's strict checks, as Go's crypto/ed25519 (cosign) makes them.
    return noble().ed25519ph.verify(signature, message, raw(key, 'x'), { zip215: false });
  } catch {
    return false;
  }
}
