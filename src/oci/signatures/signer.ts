import { CERTIFICATE_ANNOTATION, type CertificateCheck, type CertificatePolicy, loggedFields, verifyWithCertificate } from './keyless';
import { keyVerifying, type VerifyKey } from './keys/publicKeys';
import type { TimestampAuthorities } from './x509/timestamp';
import type { CtLogKey } from './x509/sct';
import { BUNDLE_ANNOTATION, type EntryCheck, type RekorKey, verifyBundle } from './rekorBundle';

/** What may sign: public keys, certificates under a policy, and the Rekor keys a signature's bundle must verify with. */
export interface SignerTrust {
  certificates?: CertificatePolicy;
  /** Given: every signature (key or certificate) must carry a Rekor bundle they verify, for this signature. */
  rekorKeys?: readonly RekorKey[];
  /** Given: a certificate's signature needs an SCT in the certificate that one of these CT log keys verifies (keyless.ts). */
  ctLogKeys?: readonly CtLogKey[];
  /** The timestamp authorities a Sigstore bundle's RFC 3161 timestamps are verified under (each must verify); their times are when a certificate is checked. */
  timestampAuthorities?: TimestampAuthorities;
  /** The time a certificate is checked at when no Rekor key or timestamp gives one (default: the clock). */
  now?: Date;
}

/**
 * Who made `signature` over `payload`: a key given (as before keyless: the first that verifies it), else the layer's
 * certificate under the policy. Either way, with Rekor keys, the layer's bundle must be verified and of this
 * signature (`entryOf`: the kind of entry it must be, hashedrekord unless told). The problem, when neither: the
 * certificate's (when there is one to judge), else the keys'.
 */
export function checkSigner(annotations: Readonly<Record<string, string>>, payload: Buffer, signature: Buffer, keys: readonly VerifyKey[], trust: SignerTrust, entryOf?: EntryCheck): CertificateCheck {
  const rekorKeys = trust.rekorKeys ?? [];
  const supported = keys.filter((k) => !k.unsupported);
  const verified = keyVerifying(supported, payload, [signature]);
  if (verified) {
    const { key, fields } = verified;
    if (rekorKeys.length === 0) return { ok: true, fields };
    const entry = key.spki ? verifyBundle(annotations[BUNDLE_ANNOTATION], rekorKeys, { signature, publicKey: key.spki, payload }, entryOf) : { bad: `${key.name}: its DER is not known` };
    if ('bad' in entry) return { ok: false, problem: 'bad-bundle', reason: entry.bad, fields };
    return { ok: true, fields: { ...fields, ...loggedFields(entry) } };
  }
  const unsupported = keys.filter((k) => k.unsupported).map((k) => `${k.name}: ${k.unsupported}`);
  const tried = supported.length > 0 ? `no key given verifies it (${supported.map((k) => k.name).join(', ')})` : undefined;
  if (trust.certificates && (annotations[CERTIFICATE_ANNOTATION] !== undefined || keys.length === 0)) {
    const checked = verifyWithCertificate(annotations, payload, signature, trust.certificates, rekorKeys, trust.ctLogKeys ?? [], trust.now ?? new Date(), (publicKey) =>
      verifyBundle(annotations[BUNDLE_ANNOTATION], rekorKeys, { signature, publicKey, payload }, entryOf),
    );
    // Keys given too: a signature neither verifies says both.
    if (!checked.ok && checked.problem === 'bad-signature' && tried) return { ...checked, reason: `${tried}; ${checked.reason}` };
    return checked;
  }
  const noCertificate = trust.certificates ? `; no certificate (annotation ${CERTIFICATE_ANNOTATION})` : '';
  if (!tried) return { ok: false, problem: 'unsupported-key', reason: `no key can verify it (${unsupported.join('; ')})${noCertificate}`, fields: {} };
  return { ok: false, problem: 'bad-signature', reason: `${[tried, ...unsupported].join('; ')}${noCertificate}`, fields: {} };
}
