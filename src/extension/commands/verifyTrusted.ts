// An image's signatures verified with what the settings trust: keys, and certificates for any identity set.
import { DigestReads } from '../../oci/digestReads';
import { type CertificatePolicy, type ImageVerification, type SignatureResult, type VerifyKey, verifyImage } from '../../oci/signatures';
import type { ReadOnlyTarget } from '../../oci/target';
import type { SignatureTrust } from '../settings/signatureTrust';

/**
 * `verifyImage` (recursive) with `keys` and `trust`: a signature is valid when a key verifies it or its certificate is
 * for one of the identities set (the core takes one identity at a time: with several, once per identity, the
 * signature manifests read once, each signature's result the first valid one, else the first identity's).
 */
export async function verifyTrusted(target: ReadOnlyTarget, reference: string, keys: readonly VerifyKey[], trust: SignatureTrust, options: { signal?: AbortSignal } = {}): Promise<ImageVerification> {
  const policies: Array<CertificatePolicy | undefined> = trust.policies.length > 0 ? trust.policies : [undefined];
  const through = policies.length > 1 ? new DigestReads().over(target) : target;
  const runs: ImageVerification[] = [];
  for (const certificates of policies) {
    runs.push(
      await verifyImage(through, reference, keys, {
        recursive: true,
        signal: options.signal,
        ...(certificates ? { certificates } : {}),
        ...(trust.rekorKeys.length > 0 ? { rekorKeys: trust.rekorKeys } : {}),
      }),
    );
  }
  return runs.reduce(merged);
}

/** `a`'s manifests, each signature `b`'s instead when `b`'s is valid and `a`'s is not. */
function merged(a: ImageVerification, b: ImageVerification): ImageVerification {
  const key = (s: SignatureResult) => `${s.manifest} ${s.layer ?? ''}`;
  const valid = new Map(b.manifests.flatMap((m) => m.signatures.filter((s) => s.valid).map((s) => [`${m.subject.digest} ${key(s)}`, s] as const)));
  return {
    ...a,
    manifests: a.manifests.map((m) => {
      const signatures = m.signatures.map((s) => (s.valid ? s : (valid.get(`${m.subject.digest} ${key(s)}`) ?? s)));
      return { ...m, signatures, valid: signatures.some((s) => s.valid) };
    }),
  };
}
