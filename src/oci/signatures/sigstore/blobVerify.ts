import { createHash } from '../../nodeCrypto';
import { decodeBase64 } from '../cosignFormat';
import { keyVerifying, type VerifyKey } from '../keys/publicKeys';
import type { SignerTrust } from '../signer';
import { type BundleCheck, checkBundle } from './bundleSignature';

/**
 * Files signed as cosign signs them (`cosign sign-blob`, checked by `cosign verify-blob`): a Sigstore bundle whose
 * subject is the file, a message signature over its bytes or a DSSE in-toto statement naming its SHA-256; or
 * cosign's classic form, the base64 signature over its bytes alone, checked with a key.
 */

/** A file's SHA-256 as an OCI digest: what a bundle's statement must name. */
export function blobDigest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Whether the bundle `bundle` signs the file `blob`: the same checks as an image's bundle (bundleSignature.ts:
 * signer, log entries, timestamps, what it signs), the file's digest and bytes in the manifest's place.
 */
export function verifyBlobBundle(bundle: Buffer, blob: Buffer, keys: readonly VerifyKey[], trust: SignerTrust): Promise<BundleCheck> {
  return checkBundle(bundle, { digest: blobDigest(blob), bytes: () => Promise.resolve(blob), kind: 'file' }, keys, trust);
}

/**
 * cosign's classic blob signature: `signature` is the file cosign's `--output-signature` writes (base64 of the
 * signature, a line ending allowed), verified over the file's bytes by one of `keys`. Nothing else is signed or
 * logged with it: no Rekor entry is read (as `cosign verify-blob --insecure-ignore-tlog`).
 */
export function verifyBlobSignature(signature: Buffer, blob: Buffer, keys: readonly VerifyKey[]): BundleCheck {
  // No `format`: the classic form, as a simplesigning layer's result has none.
  const base = {};
  const decoded = decodeBase64(signature.toString('utf8').trim());
  if (!decoded || decoded.length === 0) return { ok: false, problem: 'malformed-signature', reason: 'the signature: expected base64 (as cosign sign-blob --output-signature writes it)', fields: base };
  const supported = keys.filter((k) => !k.unsupported);
  const verified = keyVerifying(supported, blob, [decoded]);
  if (verified) return { ok: true, fields: { ...base, ...verified.fields } };
  const unsupported = keys.filter((k) => k.unsupported).map((k) => `${k.name}: ${k.unsupported}`);
  if (supported.length === 0) return { ok: false, problem: 'unsupported-key', reason: `no key can verify it (${unsupported.join('; ')})`, fields: base };
  return { ok: false, problem: 'bad-signature', reason: [`no key given verifies it over this file (${supported.map((k) => k.name).join(', ')})`, ...unsupported].join('; '), fields: base };
}
