import type { Descriptor } from '../../descriptor';
import type { OpOptions, Target } from '../../target';
import { type BundleReferrer, pushBundleReferrer } from './bundleReferrer';
import { cosignSignStatement, makeKeyBundle } from './bundleWrite';
import type { SignKey } from '../keys/privateKeys';
import { COSIGN_SIGN_PREDICATE_TYPE } from './sigstoreBundle';

/**
 * Signs `subject` as `cosign sign --key --new-bundle-format --tlog-upload=false` does (cosign 3's default format):
 * a DSSE envelope of the sign/v1 statement naming its digest, in a Sigstore bundle naming the key by its hint,
 * pushed as an OCI 1.1 referrer of the subject (bundleReferrer.ts). Each signing is a referrer of its own.
 * `options.annotations` (cosign's `-a`) are signed as the statement subject's annotations.
 */
export async function signManifestBundle(target: Target, subject: Descriptor, key: SignKey, options: OpOptions & { now?: Date; annotations?: Record<string, string> } = {}): Promise<BundleReferrer> {
  const bundle = makeKeyBundle(cosignSignStatement(subject.digest, options.annotations), key);
  return pushBundleReferrer(target, subject, bundle, COSIGN_SIGN_PREDICATE_TYPE, options);
}
