import type { Descriptor } from '../descriptor';
import { type BundleReferrer, pushBundleReferrer } from '../signatures/sigstore/bundleReferrer';
import { makeKeyBundle } from '../signatures/sigstore/bundleWrite';
import type { SignKey } from '../signatures/keys/privateKeys';
import type { Target } from '../target';
import type { AttestOptions } from './attest';
import { makeStatement, predicateTypeOf } from './statement';

/**
 * Attests `subject` as `cosign attest --key --new-bundle-format --tlog-upload=false` does: the same statement as
 * the `.att` format (cosign's GenerateStatement: statement.ts), its DSSE envelope in a Sigstore bundle naming the
 * key by its hint, pushed as an OCI 1.1 referrer annotated with the predicate type (bundleReferrer.ts).
 */
export async function attestManifestBundle(
  target: Target,
  subject: Descriptor,
  key: SignKey,
  type: string,
  predicate: Buffer,
  repository: string,
  options: AttestOptions = {},
): Promise<BundleReferrer & { predicateType: string }> {
  const predicateType = predicateTypeOf(type);
  const bundle = makeKeyBundle(makeStatement(type, predicate, subject.digest, repository, options.now, options.source), key);
  return { ...(await pushBundleReferrer(target, subject, bundle, predicateType, { signal: options.signal, now: options.now })), predicateType };
}
