// An image's signatures and attestations verified with what the settings trust: keys, and certificates for any
// identity set.
import * as l10n from '@vscode/l10n';
import { type ImageAttestations, verifyImageAttestations } from '../../oci/attestations';
import { DigestReads } from '../../oci/digestReads';
import { type CertificatePolicy, type CosignLayerResult, type CtLogKey, type ImageVerification, type NotaryTrust, type RekorKey, type TimestampAuthorities, type VerifyKey, verifyImage } from '../../oci/signatures';
import type { ReadOnlyTarget } from '../../oci/target';
import type { SignatureTrust } from '../settings/signatureTrust';

/**
 * `verifyImage` (recursive) with `keys` and `trust`: a signature is valid when a key verifies it or its certificate is
 * for one of the identities set (the core takes one identity at a time: with several, once per identity, the
 * signature manifests read once, each signature's result the first valid one, else why not for each identity).
 */
export function verifyTrusted(target: ReadOnlyTarget, reference: string, keys: readonly VerifyKey[], trust: SignatureTrust, options: { signal?: AbortSignal } = {}): Promise<ImageVerification> {
  return perIdentity(target, trust, 'signatures', (through, trusted) => verifyImage(through, reference, keys, { recursive: true, signal: options.signal, ...trusted }));
}

/** `verifyImageAttestations` (recursive) as verifyTrusted verifies signatures: by a key, or a certificate for an identity set. */
export function verifyTrustedAttestations(
  target: ReadOnlyTarget,
  reference: string,
  keys: readonly VerifyKey[],
  trust: SignatureTrust,
  options: { signal?: AbortSignal; predicateType?: string } = {},
): Promise<ImageAttestations> {
  return perIdentity(target, trust, 'attestations', (through, trusted) =>
    verifyImageAttestations(through, reference, keys, { recursive: true, signal: options.signal, predicateType: options.predicateType, ...trusted }),
  );
}

/** A result of one signature or attestation layer, as both kinds of report hold them. */
type LayerResult = CosignLayerResult<string>;

type Report<F extends string> = { manifests: Array<{ subject: { digest: string }; valid: boolean } & Record<F, LayerResult[]>> };

/** `verify` once per identity set (once with none), the reads shared; the runs merged under `field`. */
async function perIdentity<F extends string, R extends Report<F>>(
  target: ReadOnlyTarget,
  trust: SignatureTrust,
  field: F,
  verify: (through: ReadOnlyTarget, trusted: { certificates?: CertificatePolicy; rekorKeys?: RekorKey[]; ctLogKeys?: CtLogKey[]; timestampAuthorities?: TimestampAuthorities; notary?: NotaryTrust; annotations?: Record<string, string> }) => Promise<R>,
): Promise<R> {
  const policies: Array<CertificatePolicy | undefined> = trust.policies.length > 0 ? trust.policies : [undefined];
  const through = policies.length > 1 ? new DigestReads().over(target) : target;
  // What every run trusts beside its identity. Notary signatures do not depend on the identity: verified in the
  // first run only (merged keeps every run's results), not once more per identity.
  const logs = {
    ...(trust.rekorKeys.length > 0 ? { rekorKeys: trust.rekorKeys } : {}),
    ...(trust.ctLogKeys.length > 0 ? { ctLogKeys: trust.ctLogKeys } : {}),
    ...(trust.annotations ? { annotations: trust.annotations } : {}),
    ...(trust.timestampAuthorities ? { timestampAuthorities: trust.timestampAuthorities } : {}),
  };
  const runs: R[] = [];
  for (const [i, certificates] of policies.entries()) {
    runs.push(await verify(through, { ...(certificates ? { certificates } : {}), ...logs, ...(trust.notary && i === 0 ? { notary: trust.notary } : {}) }));
  }
  return runs.length === 1 ? runs[0]! : merged(runs, field);
}

/**
 * The first run's manifests, each result the first run's that is valid; when none is, one that says why for every
 * identity: the first run's, its reason the distinct reasons of all runs (identity A's "the certificate is for X, not
 * A" alone would be untrue of B).
 */
function merged<F extends string, R extends Report<F>>(runs: readonly R[], field: F): R {
  const key = (m: { subject: { digest: string } }, s: LayerResult) => `${m.subject.digest} ${s.manifest} ${s.layer ?? ''}`;
  const byKey = new Map<string, LayerResult[]>();
  for (const run of runs) for (const m of run.manifests) for (const s of m[field]) byKey.set(key(m, s), [...(byKey.get(key(m, s)) ?? []), s]);
  const first = runs[0]!;
  return {
    ...first,
    manifests: first.manifests.map((m) => {
      const results = m[field].map((s) => {
        const all = byKey.get(key(m, s)) ?? [s];
        return all.find((r) => r.valid) ?? refusedByAll(all);
      });
      return { ...m, [field]: results, valid: results.some((s) => s.valid) };
    }),
  };
}

/** A result no identity's run found valid: the first, saying each run's distinct reason. */
function refusedByAll(all: readonly LayerResult[]): LayerResult {
  const first = all[0]!;
  const reasons = [...new Set(all.map((r) => r.reason ?? r.problem ?? ''))];
  if (reasons.length <= 1) return first;
  return { ...first, reason: l10n.t('not for any identity set: {0}', reasons.join('; ')) };
}
