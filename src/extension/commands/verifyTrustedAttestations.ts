// An image's attestations verified with what the settings trust, as verifyTrusted.ts verifies its signatures.
import { type AttestationResult, type ImageAttestations, verifyImageAttestations } from '../../oci/attestations';
import { DigestReads } from '../../oci/digestReads';
import type { CertificatePolicy, VerifyKey } from '../../oci/signatures';
import type { ReadOnlyTarget } from '../../oci/target';
import type { SignatureTrust } from '../settings/signatureTrust';

/**
 * `verifyImageAttestations` (recursive) with `keys` and `trust`: an attestation is valid when a key verifies it or its
 * certificate is for one of the identities set (once per identity, the manifests read once; each attestation's
 * result the first valid one, else the first identity's).
 */
export async function verifyTrustedAttestations(
  target: ReadOnlyTarget,
  reference: string,
  keys: readonly VerifyKey[],
  trust: SignatureTrust,
  options: { signal?: AbortSignal; predicateType?: string } = {},
): Promise<ImageAttestations> {
  const policies: Array<CertificatePolicy | undefined> = trust.policies.length > 0 ? trust.policies : [undefined];
  const through = policies.length > 1 ? new DigestReads().over(target) : target;
  const runs: ImageAttestations[] = [];
  for (const certificates of policies) {
    runs.push(
      await verifyImageAttestations(through, reference, keys, {
        recursive: true,
        signal: options.signal,
        predicateType: options.predicateType,
        ...(certificates ? { certificates } : {}),
        ...(trust.rekorKeys.length > 0 ? { rekorKeys: trust.rekorKeys } : {}),
      }),
    );
  }
  return runs.reduce(merged);
}

/** `a`'s manifests, each attestation `b`'s instead when `b`'s is valid and `a`'s is not. */
function merged(a: ImageAttestations, b: ImageAttestations): ImageAttestations {
  const key = (s: AttestationResult) => `${s.manifest} ${s.layer ?? ''}`;
  const valid = new Map(b.manifests.flatMap((m) => m.attestations.filter((s) => s.valid).map((s) => [`${m.subject.digest} ${key(s)}`, s] as const)));
  return {
    ...a,
    manifests: a.manifests.map((m) => {
      const attestations = m.attestations.map((s) => (s.valid ? s : (valid.get(`${m.subject.digest} ${key(s)}`) ?? s)));
      return { ...m, attestations, valid: attestations.some((s) => s.valid) };
    }),
  };
}
