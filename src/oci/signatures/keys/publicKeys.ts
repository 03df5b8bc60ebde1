import type { KeyObject } from 'node:crypto';
import { OciError } from '../../errors';
import { signing } from '../../nodeCrypto';
import { verifyEd25519ph } from './ed25519ph';

/** A public key signatures are verified with, named as the user gave it (its file). */
export interface VerifyKey {
  name: string;
  /** `ecdsa-p256`, `rsa-3072`, `ed25519`, ...: what it is, as a result says. */
  type: string;
  /** Why it cannot verify cosign signatures (a DSA or X25519 key), or undefined for a key it can. */
  unsupported?: string;
  /** Whether `signature` is this key's over `payload` (false for an unsupported key). */
  verifies(payload: Buffer, signature: Buffer): boolean;
  /** The algorithm `signature` verifies under (`ecdsa-p384-sha384`, `ed25519ph`, `ed25519`, ...), or undefined when it does not. */
  verifiedBy(payload: Buffer, signature: Buffer): string | undefined;
  /** The key's DER (SubjectPublicKeyInfo): what a Rekor entry of a signature made with it names. */
  spki?: Buffer;
}

/** The hashes cosign signs with, per EC curve: SHA-256 for every key (cosign 1 to 2.4, skopeo), the curve's own size for P-384 and P-521 (cosign 2.5+'s default). */
const EC_HASHES: Record<string, string[]> = { prime256v1: ['sha256'], secp384r1: ['sha384', 'sha256'], secp521r1: ['sha512', 'sha256'] };
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
  const no = (type: string, why: string): VerifyKey => ({ name, type, unsupported: why, verifies: () => false, verifiedBy: () => undefined, spki });
  const verifying = (type: string, verifiedBy: VerifyKey['verifiedBy']): VerifyKey => ({ name, type, verifies: (p, s) => verifiedBy(p, s) !== undefined, verifiedBy, spki });
  /** The first of `algorithms` (a name and Node's digest, null for Ed25519) under which the signature verifies. */
  const tryHashes = (algorithms: Array<[string, string | null]>) => (payload: Buffer, signature: Buffer) =>
    algorithms.find(([, h]) => {
      try {
        return crypto.verify(h, payload, key, signature);
      } catch {
        return false; // a signature of the wrong shape for this key is simply not its
      }
    })?.[0];
  if (kind === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    const hashes = EC_HASHES[curve];
    if (!hashes) return no(`ecdsa-${curve}`, `an ECDSA key on curve ${curve}: cosign signs with P-256, P-384 or P-521`);
    const type = `ecdsa-${EC_NAMES[curve]}`;
    return verifying(type, tryHashes(hashes.map((h) => [`${type}-${h}`, h])));
  }
  // cosign signs with RSA PKCS#1 v1.5 over SHA-256 (Node's default padding for an `rsa` key).
  if (kind === 'rsa') return verifying(`rsa-${details.modulusLength ?? '?'}`, tryHashes([['rsa-pkcs1v15-sha256', 'sha256']]));
  if (kind === 'ed25519') {
    // Pure Ed25519 (cosign before 2.5, other tools) first: node:crypto's, and no library loaded for it; then
    // Ed25519ph (cosign 2.5+). A signature verifies under at most one of them (Ed25519ph's dom2 prefix sets it apart).
    const pure = tryHashes([['ed25519', null]]);
    return verifying('ed25519', (payload, signature) => pure(payload, signature) ?? (verifyEd25519ph(payload, signature, key) ? 'ed25519ph' : undefined));
  }
  return no(kind, `a key of type ${kind}: cosign signs with ECDSA, RSA or Ed25519 keys`);
}

/** Who signed, as a result says it: the key's name and type, and `keyAlgorithm` `ed25519ph` when that is what verified (pure Ed25519 and the ECDSA hashes are not named). */
export interface KeyFields {
  key: string;
  keyType: string;
  keyAlgorithm?: string;
}

/** The first of `keys` (supported ones) that verifies any of `signatures` over `payload`, and the fields a result says of it. */
export function keyVerifying(keys: readonly VerifyKey[], payload: Buffer, signatures: readonly Buffer[]): { key: VerifyKey; fields: KeyFields } | undefined {
  for (const key of keys) {
    if (key.unsupported) continue;
    for (const signature of signatures) {
      const algorithm = key.verifiedBy(payload, signature);
      if (algorithm !== undefined) return { key, fields: { key: key.name, keyType: key.type, ...keyAlgorithmField(algorithm) } };
    }
  }
  return undefined;
}

/** `{ keyAlgorithm }` for an algorithm a key's type does not imply (Ed25519ph), else nothing: JSON only adds this field. */
export function keyAlgorithmField(algorithm: string): { keyAlgorithm?: string } {
  return algorithm === 'ed25519ph' ? { keyAlgorithm: algorithm } : {};
}
