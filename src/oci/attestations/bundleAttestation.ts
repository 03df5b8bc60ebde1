import type { Descriptor } from '../descriptor';
import { bundleSubject, readBundleLayer } from '../signatures/sigstore/bundleLayer';
import { checkBundle } from '../signatures/sigstore/bundleSignature';
import type { VerifyKey } from '../signatures/keys/publicKeys';
import { type SignatureProblem, signedByFields } from '../signatures/signatureResult';
import type { SignerTrust } from '../signatures/signer';
import { COSIGN_SIGN_PREDICATE_TYPE, parseSigstoreBundle } from '../signatures/sigstore/sigstoreBundle';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { parseStatement } from './statement';
import type { AttestationPlace, AttestationProblem, AttestationResult } from './attestationResult';

/** A bundle's problems as an attestation's are named (the signer's are the same words). */
const PROBLEMS: Partial<Record<SignatureProblem, AttestationProblem>> = {
  'malformed-signature': 'malformed-envelope',
  'wrong-type': 'wrong-payload-type',
  'malformed-payload': 'malformed-statement',
  'digest-mismatch': 'subject-mismatch',
};

/**
 * One Sigstore bundle layer of a referrer of `subject`, as an attestation: read (at most `max` bytes) and checked
 * as verify checks a bundle (bundleSignature.ts's checkBundle: the signer, with Rekor keys its log entry, the
 * statement naming the digest), then its predicate type against `predicateType`. Undefined for a bundle that is a
 * signature, not an attestation: cosign 3's `sign` (a statement of predicate type sign/v1) or a message signature.
 * That is read from the bundle before it is verified, only to tell the two apart (verify reports signatures): it
 * can hide nothing from verify-attestation that a key verifies as an attestation.
 */
export async function verifyBundleAttestation(
  target: ReadOnlyTarget,
  subject: Descriptor,
  layer: Partial<Descriptor>,
  place: AttestationPlace & { layer: number },
  keys: readonly VerifyKey[],
  options: SignerTrust & OpOptions & { predicateType?: string },
  max: number,
): Promise<AttestationResult | undefined> {
  const fail = (problem: AttestationProblem, reason: string, more: Partial<AttestationResult> = {}): AttestationResult => ({ ...place, format: 'bundle', ...more, valid: false, problem, reason });
  const read = await readBundleLayer(target, layer, place.layer, max, options);
  if ('problem' in read) return fail(read.problem === 'unreadable' ? 'unreadable' : 'malformed-attestation', read.reason, read.layerDigest ? { layerDigest: read.layerDigest } : {});
  const at = { layerDigest: read.layerDigest };
  if (isSignature(read.bytes)) return undefined;
  const trust: SignerTrust = { certificates: options.certificates, rekorKeys: options.rekorKeys, ctLogKeys: options.ctLogKeys, timestampAuthorities: options.timestampAuthorities, now: options.now };
  const checked = await checkBundle(read.bytes, bundleSubject(target, subject, options), keys, trust);
  // Only who signed and what it states are carried over (identity is a signature's: a bundle names no reference).
  const stated = checked.fields.predicateType;
  const fields: Partial<AttestationResult> = { ...at, ...signedByFields(checked.fields), ...(stated !== undefined ? { predicateType: stated } : {}) };
  const where = `layers[${place.layer}]`;
  if (!checked.ok) return fail(PROBLEMS[checked.problem] ?? (checked.problem as AttestationProblem), `${where}: ${checked.reason}`, fields);
  if (options.predicateType !== undefined && stated !== options.predicateType) return fail('wrong-predicate-type', `predicateType ${stated}, not ${options.predicateType}`, fields);
  return { ...place, format: 'bundle', ...fields, valid: true };
}

/** Whether the bundle is a signature: a message signature, or cosign 3's sign/v1 statement (unverified: see above; inspect sorts bundles by it too). */
export function isSignature(bytes: Buffer): boolean {
  const bundle = parseSigstoreBundle(bytes);
  if ('malformed' in bundle) return false;
  if ('message' in bundle.content) return true;
  const statement = parseStatement(bundle.content.dsse.payload);
  return !('malformed' in statement) && statement.predicateType === COSIGN_SIGN_PREDICATE_TYPE;
}
