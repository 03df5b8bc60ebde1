import type { KeyObject } from 'node:crypto';
import { OciError } from '../errors';
import { signing } from '../nodeCrypto';

/** A public key signatures are verified with, named as the user gave it (its file). */
export interface VerifyKey {
  name: string;
  /** `ecdsa-p256`, `rsa-3072`, `ed25519`, ...: what it is, as a result says. */
  type: string;
  /** Why it cannot verify cosign signatures (a DSA or X25519 key), or undefined for a key it can. */
  unsupported?: string;
  /** Whether `signature` is this key's over `payload` (false for an unsupported key). */
  verifies(payload: Buffer, signature: Buffer): boolean;
  /** The key's DER (SubjectPublicKeyInfo): what a Rekor entry of a signature made with it names. */
  spki?: Buffer;
}

/** The hashes cosign signs with, per EC curve: SHA-256 for every key (cosign 1, skopeo), the curve's own size for P-384 and P-521 (cosign 2's default). */
const EC_HASHES: Record<string, string[]> = { prime256v1: ['sha256'], secp384r1: ['sha256', 'sha384'], secp521r1: ['sha256', 'sha512'] };
const EC_NAMES: Record<string, string> = { prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' };

/**
 * A public key from PEM (`PUBLIC KEY`, as `cosign generate-key-pair` writes cosign.pub; a private key's public half
 * also serves). Throws INVALID_ARGUMENT naming `name` when it is no key; a key of a type cosign does not sign with
 * is returned `unsupported`, so each signature says why that key verified nothing.
 */
export function loadPublicKey(name: string, pem: Buffer | string): VerifyKey {
  const crypto = signing();
  let key: KeyObject;
  try {
    key = crypto.createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${name}: not a PEM public key (${(err as Error).message})`, { cause: err });
  }
  const kind = key.asymmetricKeyType ?? 'unknown';
  const spki = key.export({ type: 'spki', format: 'der' });
  const details = key.asymmetricKeyDetails ?? {};
  const no = (type: string, why: string): VerifyKey => ({ name, type, unsupported: why, verifies: () => false, spki });
  const tryHashes = (hashes: Array<string | null>) => (payload: Buffer, signature: Buffer) =>
    hashes.some((h) => {
      try {
        return crypto.verify(h, payload, key, signature);
      } catch {
        return false; // a signature of the wrong shape for this key is simply not its
      }
    });
  if (kind === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    const hashes = EC_HASHES[curve];
    if (!hashes) return no(`ecdsa-${curve}`, `an ECDSA key on curve ${curve}: cosign signs with P-256, P-384 or P-521`);
    return { name, type: `ecdsa-${EC_NAMES[curve]}`, verifies: tryHashes(hashes), spki };
  }
  // cosign signs with RSA PKCS#1 v1.5 over SHA-256 (Node's default padding for an `rsa` key).
  if (kind === 'rsa') return { name, type: `rsa-${details.modulusLength ?? '?'}`, verifies: tryHashes(['sha256']), spki };
  if (kind === 'ed25519') return { name, type: 'ed25519', verifies: tryHashes([null]), spki };
  return no(kind, `a key of type ${kind}: cosign signs with ECDSA, RSA or Ed25519 keys`);
}
