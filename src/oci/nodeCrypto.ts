import type { Hash } from 'node:crypto';

/**
 * node:crypto, loaded when first used. Loading it is half of what the CLI's bundle costs at start-up (~7 ms of
 * ~15 here), and a command that hashes nothing (a no-op copy, `--version`) should not pay for it. So src/oci and
 * src/cli take crypto from here, never from 'node:crypto' directly: one eager import brings the cost back (a unit
 * test runs a no-op copy and checks that node:crypto stayed unloaded).
 */
type Crypto = typeof import('node:crypto');
let loaded: Crypto | undefined;
const crypto = (): Crypto => (loaded ??= require('node:crypto') as Crypto);

export type { Hash };

export function createHash(algorithm: string): Hash {
  return crypto().createHash(algorithm);
}

export function randomBytes(size: number): Buffer {
  return crypto().randomBytes(size);
}

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;

/** crypto.hash (Node 20.12+): one call for a buffer's hex digest; undefined on an older Node. */
export function oneShotHash(): OneShot | undefined {
  return (crypto() as { hash?: OneShot }).hash;
}

/** X509Certificate and createPrivateKey, for the TLS files a registry command is given (tlsTrust.ts). */
export function x509(): Pick<Crypto, 'X509Certificate' | 'createPrivateKey'> {
  return crypto();
}

/** Keys, signatures and scrypt, for cosign signatures (signatures/): verify, sign and make key pairs. */
export function signing(): Pick<Crypto, 'createPublicKey' | 'createPrivateKey' | 'generateKeyPairSync' | 'verify' | 'sign' | 'scryptSync' | 'randomBytes' | 'constants'> {
  return crypto();
}
