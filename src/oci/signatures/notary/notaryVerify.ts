import type { Descriptor } from '../../descriptor';
import { readCapped } from '../../readCapped';
import { type FoundArtifact, foundLayers } from '../../referrers/cosignFound';
import type { OpOptions, ReadOnlyTarget } from '../../target';
import { type Certificate, certificateFacts, oneLine } from '../x509/certificates';
import { validAt } from '../x509/certificateChain';
import { verifyTimestampToken } from '../x509/timestamp';
import { isoOfNanos } from '../x509/timestampAccuracy';
import { chainProblem, keyAlgorithm, parseChain, trustedBy, verifiesWith } from './notaryChain';
import { parseCose } from './notaryCose';
import { HEADER, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, NOTARY_PAYLOAD_TYPE, type NotaryEnvelope, SCHEME_SIGNING_AUTHORITY, UNDERSTOOD_CRITICAL } from './notaryEnvelope';
import { matchesIdentity, type NotaryIdentity, subjectAttributes } from './notaryIdentity';
import { parseJws } from './notaryJws';
import { signedAttributes, targetArtifact } from './notaryPayload';
import type { CertificateSummary, NotarySummary, SignatureProblem, SignatureResult } from '../signatureResult';
import { revocationUnknown } from './notaryRevocation';
import { type StampedRange, stampedRange, validOver } from './notaryTimestamp';
import type { PolicyCheck, TrustPolicyStatement, TrustStoreType } from './trustPolicy';
import { annotationMismatch } from '../signedAnnotations';

/** notation reads an envelope of at most 4 MiB (a chain of certificates, a timestamp token): a layer declared larger is not read. */
export const MAX_NOTARY_ENVELOPE_BYTES = 4 << 20;

/** What Notary signatures are trusted under: notation's trust stores and trusted identities, given as flags. */
export interface NotaryTrust {
  /** Roots of `notary.x509` signatures: notation's trust store of type `ca` (`--notary-roots`). */
  roots: readonly Certificate[];
  /** Roots of `notary.x509.signingAuthority` signatures: notation's type `signingAuthority` (`--notary-authority-roots`). */
  authorityRoots: readonly Certificate[];
  /** The signing certificate's subject must match one; any when none (notation's `"*"`). */
  identities: readonly NotaryIdentity[];
  /** Roots of timestamp authorities: notation's trust store of type `tsa` (`--notary-tsa-roots`). */
  tsaRoots?: readonly Certificate[];
  /** The time certificates and the expiry are checked at (default: the clock). */
  now?: Date;
  /**
   * Under a trust policy statement (trustPolicy.ts; the roots and identities above are its stores' and its own):
   * what each check does on a failure, enforced or only logged, and why a store it names could not be read.
   * Absent (the flags): every check is enforced, and revocation is not checked.
   */
  policy?: { statement: TrustPolicyStatement; storeProblems: Partial<Record<TrustStoreType, string>> };
  /** User metadata a signature must carry (notation's `verify --user-metadata`, our `-a`): its targetArtifact's annotations, each the same string; checked whatever the policy's level, as notation does. */
  annotations?: Readonly<Record<string, string>>;
}

type Fields = Partial<SignatureResult>;
export type NotaryCheck = { ok: true; fields: Fields } | { ok: false; problem: SignatureProblem; reason: string; fields: Fields };

/**
 * One envelope (`mediaType`: JWS or COSE) verified as a signature of `subject`, in the order of notation's
 * verification (trust-store-trust-policy.md "Signature Verification"): integrity (the envelope, its content type,
 * the leaf's algorithm, the signature, the payload naming `subject`'s digest, size and media type), authenticity
 * (the chain in order to its self-signed root, meeting the certificate requirements; one of its certificates given
 * as a root of the store its signing scheme names; the identity), expiry, then the time the chain must be valid at:
 * the authentic signing time under signingAuthority; under notary.x509 the time a timestamp countersignature gives
 * when TSA roots are given, else now (its signing time is the signer's word). Revocation is not checked. The first
 * failure is the result. `subject` without a media type: any is accepted.
 * Under a trust policy (`trust.policy`), as notation-go's verifier: a check the level only logs does not stop it (the
 * result's trustPolicy.logged says it), the authentic timestamp follows the statement's tsa stores, and revocation
 * is looked at (notaryRevocation.ts).
 */
export function verifyNotaryEnvelope(bytes: Buffer, mediaType: string, subject: Pick<Descriptor, 'digest' | 'size'> & { mediaType?: string }, trust: NotaryTrust): NotaryCheck {
  const fields: Fields = {};
  const fail = (problem: SignatureProblem, reason: string): NotaryCheck => ({ ok: false, problem, reason, fields });
  const e = mediaType === NOTARY_COSE_MEDIA_TYPE ? parseCose(bytes) : parseJws(bytes);
  if ('malformed' in e) return fail('malformed-signature', `${mediaType === NOTARY_COSE_MEDIA_TYPE ? 'COSE' : 'JWS'} envelope: ${e.malformed}`);
  const unknown = e.critical.filter((c) => !UNDERSTOOD_CRITICAL.includes(c));
  if (unknown.length > 0) return fail('unknown-critical-header', `it marks critical ${unknown.join(', ')}, not understood here (notation would need a verification plugin for it)`);
  if (e.contentType !== NOTARY_PAYLOAD_TYPE) return fail('malformed-signature', `its content type is ${JSON.stringify(e.contentType)}, not ${NOTARY_PAYLOAD_TYPE}`);

  const chain = parseChain(e.certificates, 'the certificate chain');
  if ('malformed' in chain) return fail('malformed-certificate', chain.malformed);
  const leaf = chain[0]!;
  const certificate: CertificateSummary = certificateFacts(leaf);
  fields.certificate = certificate;
  const spec = keyAlgorithm(leaf);
  if ('unsupported' in spec) return fail('unsupported-key', `its signing certificate has ${spec.unsupported}`);
  fields.keyType = spec.keyType;
  // The leaf's key says the algorithm (signature-specification.md "Algorithm Selection"); the header must agree.
  if (e.alg !== spec.alg) return fail('bad-signature', `it says ${e.alg}, but its signing certificate's key (${spec.keyType}) signs ${spec.alg}`);
  if (!verifiesWith(leaf, spec.alg, e.signingInput, e.signature, e.envelope)) {
    return fail('bad-signature', `its signing certificate's key (${spec.keyType}, ${certificate.subject}) does not verify it: the envelope or the signature was changed`);
  }
  // What it says of itself, reported once its signature verifies.
  fields.notary = summary(e);

  const target = targetArtifact(e.payload);
  if (typeof target === 'string') return fail('malformed-payload', `payload ${target}`);
  // A file's signature (notaryBlob.ts) is checked for a media type only when one is asked, as notation's blob verify.
  const differs = (['digest', 'size', 'mediaType'] as const).filter((k) => (k !== 'mediaType' || subject.mediaType !== undefined) && target[k] !== subject[k]);
  if (differs.length > 0) {
    return fail('digest-mismatch', `signs ${differs.map((k) => `${k} ${JSON.stringify(target[k])}`).join(', ')}, not ${differs.map((k) => JSON.stringify(subject[k])).join(', ')}`);
  }
  if (target.annotations && Object.keys(target.annotations).length > 0) fields.annotations = target.annotations;

  // A chain not in order to a self-signed root, or not meeting the certificate requirements: integrity, as notation reads it (always enforced).
  const broken = chainProblem(chain);
  if (broken) return fail('untrusted-certificate', broken);
  const policy = trust.policy;
  if (policy) fields.trustPolicy = { name: policy.statement.name, level: policy.statement.level, ...(policy.statement.override ? { override: policy.statement.override } : {}) };
  /** A check failed: the result, unless a trust policy only logs this check (then the result notes it, and the next check runs). */
  const failed = (check: PolicyCheck, problem: SignatureProblem, reason: string): NotaryCheck | undefined => {
    if (policy?.statement.actions[check] !== 'log') return fail(problem, reason);
    (fields.trustPolicy!.logged ??= []).push({ check, problem, reason });
    return undefined;
  };

  const authority = e.signingScheme === SCHEME_SIGNING_AUTHORITY;
  const authenticity = trusted(chain, authority, trust);
  if (typeof authenticity === 'string') {
    const f = failed('authenticity', 'untrusted-certificate', authenticity);
    if (f) return f;
  } else certificate.root = authenticity.name;

  const identity = identityProblem(leaf.fields.subjectDer, certificate.subject, trust);
  if (identity) {
    const f = failed('authenticity', 'certificate-identity-mismatch', identity);
    if (f) return f;
  }

  const now = trust.now ?? new Date();
  // notation: expired when now is not before the expiry (trust-store-trust-policy.md: "greater than or equal to").
  if (e.expiry && now >= e.expiry) {
    const f = failed('expiry', 'signature-expired', `its signer set it to expire at ${e.expiry.toISOString()}, at or before ${now.toISOString()}`);
    if (f) return f;
  }

  const timed = policy ? policyTime(e, chain, authority, now, trust, fields) : flagsTime(e, authority, now, trust, fields);
  if ('problem' in timed) {
    const f = failed('authenticTimestamp', timed.problem, timed.reason);
    if (f) return f;
  } else {
    certificate.checkedAt = timed.at.toISOString();
    // A timestamp stands for a range (genTime ± accuracy): the chain must be valid over all of it, as notation checks.
    const expired = 'range' in timed ? validOver(chain, timed.range) : validAt(chain, timed.at);
    if (expired) {
      const f = failed('authenticTimestamp', 'certificate-expired', `${expired}${timed.why}`);
      if (f) return f;
    }
  }

  if (policy && policy.statement.actions.revocation !== 'skip') {
    const unknown = revocationUnknown(chain);
    if (unknown) {
      const f = failed('revocation', 'revocation-not-checked', unknown);
      if (f) return f;
    }
  }
  const unsigned = trust.annotations && annotationMismatch(trust.annotations, target.annotations);
  if (unsigned) return fail('annotation-mismatch', `${unsigned} (its user metadata)`);
  return { ok: true, fields };
}

/** The root of the store the signing scheme names that the chain holds, or why none (the store unreadable, none of its roots). */
function trusted(chain: Certificate[], authority: boolean, trust: NotaryTrust): Certificate | string {
  const type = authority ? 'signingAuthority' : 'ca';
  // A store of the type that cannot be read fails, whatever the others hold: notation stops at the first such store.
  const problem = trust.policy?.storeProblems[type];
  if (problem) return problem;
  const roots = authority ? trust.authorityRoots : trust.roots;
  const root = trustedBy(chain, roots);
  if (root) return root;
  const subjects = chain.map((c) => oneLine(c.x509.subject)).join(' <- ');
  if (trust.policy) {
    const named = trust.policy.statement.trustStores.filter((s) => s.type === type).map((s) => `${s.type}:${s.name}`);
    if (named.length === 0) return `trust policy "${trust.policy.statement.name}" names no trust store of type ${type} (${authority ? SCHEME_SIGNING_AUTHORITY : 'notary.x509'} signatures are trusted through it only)`;
    return `its chain (${subjects}) holds none of the roots of ${named.join(', ')} (${roots.map((r) => r.name).join(', ')})`;
  }
  const flag = authority ? '--notary-authority-roots' : '--notary-roots';
  const given = roots.length === 0 ? `no ${flag} given (${authority ? SCHEME_SIGNING_AUTHORITY : 'notary.x509'} signatures are trusted through ${flag} only)` : `none of ${flag} (${roots.map((r) => r.name).join(', ')})`;
  return `its chain (${subjects}) holds ${given}`;
}

/** Why the signing certificate's subject matches no trusted identity; undefined when it matches one, or any is trusted. */
function identityProblem(subjectDer: Buffer, subject: string, trust: NotaryTrust): string | undefined {
  const statement = trust.policy?.statement;
  if (statement?.anyIdentity) return undefined;
  // Only a plugin's kinds of identity: notation-go finds no x509.subject identity to match, and fails.
  if (statement && trust.identities.length === 0) return `trust policy "${statement.name}" has no x509.subject identity to match (${statement.otherIdentities.join(', ')} are a verification plugin's, not read here)`;
  if (trust.identities.length === 0) return undefined;
  const attributes = subjectAttributes(subjectDer);
  if ('unmatchable' in attributes) return `the certificate's subject cannot be matched to an identity: ${attributes.unmatchable}`;
  if (trust.identities.some((i) => matchesIdentity(i, attributes))) return undefined;
  return `the certificate is for ${subject}, not ${trust.identities.map((i) => i.text).join(' nor ')}`;
}

type Timed = { at: Date; why: string } | { at: Date; why: string; range: StampedRange } | { problem: SignatureProblem; reason: string };

/**
 * The time the chain must be valid at, under the flags: the authentic signing time under signingAuthority; under
 * notary.x509 a timestamp countersignature's, verified under the TSA roots given, else now (its own signing time is
 * the signer's word).
 */
function flagsTime(e: NotaryEnvelope, authority: boolean, now: Date, trust: NotaryTrust, fields: Fields): Timed {
  if (authority) return { at: e.authenticSigningTime!, why: ' (its authentic signing time)' };
  if (e.timestampToken && (trust.tsaRoots?.length ?? 0) > 0) {
    const stamped = stampedTime(e, trust, fields);
    return 'bad' in stamped ? { problem: 'bad-timestamp', reason: stamped.bad } : stamped;
  }
  return { at: now, why: e.timestampToken ? ' (now: its timestamp countersignature is not verified without --notary-tsa-roots)' : ' (now: the signing time of a notary.x509 signature is not trusted)' };
}

/**
 * The same under a trust policy, as notation-go decides it: a timestamp countersignature is verified when the
 * statement names a `tsa` store (and, with verifyTimestamp afterCertExpiry, only once a certificate of the chain
 * has expired), and is then required; otherwise the chain is checked now.
 */
function policyTime(e: NotaryEnvelope, chain: Certificate[], authority: boolean, now: Date, trust: NotaryTrust, fields: Fields): Timed {
  if (authority) return { at: e.authenticSigningTime!, why: ' (its authentic signing time)' };
  const statement = trust.policy!.statement;
  const tsa = statement.trustStores.some((s) => s.type === 'tsa');
  const expiredNow = chain.some((c) => now > c.fields.notAfter);
  if (!tsa) return { at: now, why: ` (now: trust policy "${statement.name}" names no tsa trust store, so a timestamp is not verified)` };
  if (statement.verifyTimestamp === 'afterCertExpiry' && !expiredNow) return { at: now, why: ' (now: verifyTimestamp afterCertExpiry, and the chain has not expired)' };
  if (!e.timestampToken) return { problem: 'bad-timestamp', reason: `it carries no timestamp countersignature, which trust policy "${statement.name}" asks (it names a tsa trust store)` };
  const problem = trust.policy!.storeProblems.tsa;
  if (problem) return { problem: 'bad-timestamp', reason: problem };
  if ((trust.tsaRoots?.length ?? 0) === 0) return { problem: 'bad-timestamp', reason: 'no TSA root in its tsa trust stores' };
  const stamped = stampedTime(e, trust, fields);
  return 'bad' in stamped ? { problem: 'bad-timestamp', reason: stamped.bad } : stamped;
}

/** The timestamp countersignature verified under the TSA roots: the time and the range it gives (recorded in `fields`), or what is wrong. */
function stampedTime(e: NotaryEnvelope, trust: NotaryTrust, fields: Fields): { at: Date; why: string; range: StampedRange } | { bad: string } {
  const where = `its timestamp countersignature (${HEADER.timestampSignature})`;
  const token = verifyTimestampToken(e.timestampToken!, e.signature, { leaves: [], intermediates: [], roots: trust.tsaRoots ?? [] });
  if ('bad' in token) return { bad: `${where}: ${token.bad}` };
  const range = stampedRange(token.info);
  if ('bad' in range) return { bad: `${where}: ${range.bad}` };
  fields.timestamp = { ...token.verified, earliest: isoOfNanos(range.earliest), latest: isoOfNanos(range.latest) };
  if (fields.notary) delete fields.notary.timestampNotVerified;
  // validOver's reasons name the range themselves.
  return { at: token.info.genTime, why: '', range };
}

/**
 * The Notary signatures of one referrer of `subject` (artifact type application/vnd.cncf.notary.signature): its one
 * layer, a JWS or COSE envelope, read and verified. Results as verify's, `format: 'notary'`.
 */
export async function verifyNotaryManifest(
  target: ReadOnlyTarget,
  subject: Descriptor,
  found: FoundArtifact,
  trust: NotaryTrust,
  op: OpOptions,
  base: Pick<SignatureResult, 'manifest' | 'via' | 'tag'>,
): Promise<SignatureResult> {
  const fail = (problem: SignatureProblem, reason: string, at: Partial<SignatureResult> = {}): SignatureResult => ({ ...base, format: 'notary', ...at, valid: false, problem, reason });
  const read = await foundLayers(target, found, 'signature manifest', op);
  if ('problem' in read) return fail(read.problem === 'malformed' ? 'malformed-signature' : 'unreadable', read.reason);
  // notation writes one envelope per signature manifest, and reads only such.
  if (read.layers.length !== 1) return fail('malformed-signature', `signature manifest ${found.desc.digest}: ${read.layers.length} layers, not one envelope`);
  const layer = read.layers[0] as Partial<Descriptor> | null;
  const where = 'layers[0]';
  if (!layer || typeof layer !== 'object' || typeof layer.digest !== 'string' || typeof layer.size !== 'number' || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    return fail('malformed-signature', `${where}: expected a digest and a size`, { layer: 0 });
  }
  const at = { layer: 0, layerDigest: layer.digest };
  if (layer.mediaType !== NOTARY_JWS_MEDIA_TYPE && layer.mediaType !== NOTARY_COSE_MEDIA_TYPE) {
    return fail('malformed-signature', `${where}: media type ${JSON.stringify(layer.mediaType)}, neither ${NOTARY_JWS_MEDIA_TYPE} nor ${NOTARY_COSE_MEDIA_TYPE}`, at);
  }
  if (layer.size > MAX_NOTARY_ENVELOPE_BYTES) return fail('unreadable', `${where}: envelope of ${layer.size} bytes, over the ${MAX_NOTARY_ENVELOPE_BYTES} read`, at);
  let bytes: Buffer;
  try {
    const stream = await target.fetch({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }, op);
    bytes = await readCapped(stream, MAX_NOTARY_ENVELOPE_BYTES, (n) => new Error(`${where}: envelope over ${n} bytes`));
  } catch (err) {
    if (op.signal?.aborted) throw err;
    return fail('unreadable', `${where}: envelope ${layer.digest}: ${(err as Error).message}`, at);
  }
  const checked = verifyNotaryEnvelope(bytes, layer.mediaType, subject, trust);
  if (!checked.ok) return fail(checked.problem, `${where}: ${checked.reason}`, { ...at, ...checked.fields });
  return { ...base, format: 'notary', ...at, ...checked.fields, valid: true };
}

function summary(e: NotaryEnvelope): NotarySummary {
  return { envelope: e.envelope, ...signedAttributes(e), ...(e.timestampToken ? { timestampNotVerified: true as const } : {}) };
}
