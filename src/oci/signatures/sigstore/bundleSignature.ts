import { INTOTO_PAYLOAD_TYPE, pae } from '../../attestations/dsse';
import { parseStatement, statementNames } from '../../attestations/statement';
import { createHash } from '../../nodeCrypto';
import { type LoggedSignature, verifyBundleLog } from './bundleLog';
import { CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, loggedFields, verifyWithCertificate } from '../keyless';
import { keyVerifying, type VerifyKey } from '../keys/publicKeys';
import { annotationMismatch } from '../signedAnnotations';
import type { SignatureProblem, SignatureResult } from '../signatureResult';
import type { SignerTrust } from '../signer';
import { parseSigstoreBundle, type SigstoreBundle } from './sigstoreBundle';
import { verifyTimestamps } from '../x509/timestamp';
import { type RekorEntry, untimedEntryProblem } from '../rekorBundle';

type Fields = Partial<SignatureResult>;
export type BundleCheck = { ok: true; fields: Fields } | { ok: false; problem: SignatureProblem; reason: string; fields: Fields };


/** The messageDigest algorithms a message signature may name (protobuf-specs' HashAlgorithm, as sigstore-go reads them). */
const MESSAGE_DIGESTS: Readonly<Record<string, string>> = { SHA2_256: 'sha256', SHA2_384: 'sha384', SHA2_512: 'sha512' };
/** What a bundle is checked against: the manifest (or file) it must sign, and (for a message signature) its bytes. */
export interface BundleSubject {
  digest: string;
  bytes: () => Promise<Buffer>;
  /** What it is called in reasons: `manifest` (the default) or `file` (blobVerify.ts). */
  kind?: string;
}

/**
 * Whether the Sigstore bundle `bytes` is a valid signature of `subject`, with the same trust as a classic signature
 * (signer.ts): a key given verifies it, else its certificate under `trust.certificates` (keyless.ts: chain, identity,
 * OIDC issuer, validity at Rekor's time); with `trust.rekorKeys`, one of its tlog entries' SET verifies and logs this
 * signature (bundleLog.ts); with `trust.timestampAuthorities`, each RFC 3161 timestamp verifies (timestamp.ts) and
 * its time is one the certificate is checked at. Then what it signs must be `subject`: a DSSE envelope's in-toto statement must name the
 * digest (as cosign 3's verify asks: any predicate type, reported), a message signature must be over the manifest's
 * bytes and its messageDigest their SHA-256. `identity`, when asked, must be the statement's subject name; `annotations`
 * (cosign's `verify -a`) that subject's annotations.
 */
export async function checkBundle(bytes: Buffer, subject: BundleSubject, keys: readonly VerifyKey[], trust: SignerTrust & { identity?: string; annotations?: Record<string, string> }): Promise<BundleCheck> {
  const base: Fields = { format: 'bundle' };
  const fail = (problem: SignatureProblem, reason: string, fields: Fields = {}): BundleCheck => ({ ok: false, problem, reason, fields: { ...base, ...fields } });
  const bundle = parseSigstoreBundle(bytes);
  if ('malformed' in bundle) return fail('malformed-signature', `the bundle: ${bundle.malformed}`);

  let signed: Buffer;
  let signature: Buffer;
  let logged: LoggedSignature['signed'];
  if ('dsse' in bundle.content) {
    const env = bundle.content.dsse;
    signed = pae(env.payloadType, env.payload);
    signature = env.signatures[0]!.sig;
    logged = { dssePayload: env.payload, pae: signed };
  } else {
    signature = bundle.content.message.signature;
    try {
      signed = await subject.bytes();
    } catch (err) {
      return fail('unreadable', `the ${subject.kind ?? 'manifest'} it signs: ${(err as Error).message}`);
    }
    logged = { message: signed };
  }

  const signer = checkSigner(bundle, signed, signature, logged, keys, trust);
  if (!signer.ok) return fail(signer.problem, signer.reason, signer.fields);
  const by = { ...base, ...signer.fields };

  if ('message' in bundle.content) {
    const m = bundle.content.message;
    // The digest in the algorithm it names, as sigstore-go computes it (cosign states a P-384 or P-521 key's own hash).
    // Own names only: "constructor" or "toString" would find Object's.
    const hash = Object.hasOwn(MESSAGE_DIGESTS, m.algorithm) ? MESSAGE_DIGESTS[m.algorithm] : undefined;
    if (!hash) return fail('digest-mismatch', `its messageDigest.algorithm ${JSON.stringify(m.algorithm)} is none read here (${Object.keys(MESSAGE_DIGESTS).join(', ')})`, by);
    const hex = createHash(hash).update(signed).digest('hex');
    if (m.digest.toString('hex') !== hex) return fail('digest-mismatch', `its messageDigest is ${m.algorithm} ${m.digest.toString('hex')}, not ${m.algorithm} ${hex}`, by);
    const checked = identityCheck(undefined, by, trust.identity, fail);
    // A message signature signs the manifest's bytes only: nothing else is signed with it.
    const unsigned = checked.ok && trust.annotations && annotationMismatch(trust.annotations, undefined);
    return unsigned ? fail('annotation-mismatch', `${unsigned} (a message signature signs the ${subject.kind ?? 'manifest'}'s bytes only)`, checked.fields) : checked;
  }
  const env = bundle.content.dsse;
  if (env.payloadType !== INTOTO_PAYLOAD_TYPE) return fail('wrong-type', `its envelope's payloadType is "${env.payloadType}", not "${INTOTO_PAYLOAD_TYPE}"`, by);
  const statement = parseStatement(env.payload);
  if ('malformed' in statement) return fail('malformed-payload', `its statement: ${statement.malformed}`, by);
  const claimed = { ...by, predicateType: statement.predicateType };
  if (!statementNames(statement, subject.digest)) {
    const named = statement.subjects.flatMap((s) => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
    return fail('digest-mismatch', `signs ${named.join(', ')}, not ${subject.digest}`, claimed);
  }
  const named = statement.subjects.find((s) => statementNames({ ...statement, subjects: [s] }, subject.digest));
  const signedWith = named?.annotations ? { ...claimed, annotations: named.annotations } : claimed;
  const checked = identityCheck(named?.name, signedWith, trust.identity, fail);
  const unsigned = checked.ok && trust.annotations && annotationMismatch(trust.annotations, named?.annotations);
  return unsigned ? fail('annotation-mismatch', unsigned, checked.fields) : checked;
}

/** `--identity`: a bundle names no docker reference; only its statement's subject name can be compared. */
function identityCheck(name: string | undefined, fields: Fields, identity: string | undefined, fail: (p: SignatureProblem, r: string, f: Fields) => BundleCheck): BundleCheck {
  const named = name !== undefined && name !== '' ? { ...fields, identity: name } : fields;
  if (identity !== undefined && name !== identity) {
    return fail('identity-mismatch', name ? `signed as ${name}, not ${identity}` : `a Sigstore bundle names no reference (its statement's subject has no name), not ${identity}`, named);
  }
  return { ok: true, fields: named };
}

/** Who made the bundle's signature: a key given (the first that verifies it), else its certificate; with Rekor keys, its log entry too. */
function checkSigner(bundle: SigstoreBundle, signed: Buffer, signature: Buffer, logged: LoggedSignature['signed'], keys: readonly VerifyKey[], trust: SignerTrust): BundleCheck {
  const rekorKeys = trust.rekorKeys ?? [];
  // Without TSAs given, timestamps are not read (as without a Rekor key, entries are not); with them, every one must verify.
  const tsa = trust.timestampAuthorities;
  const timestamped = () => (tsa && bundle.timestamps.length > 0 ? verifyTimestamps(bundle.timestamps, signature, tsa) : []);
  const supported = keys.filter((k) => !k.unsupported);
  const verified = keyVerifying(supported, signed, [signature]);
  if (verified) {
    const key = verified.key;
    let fields: Fields = verified.fields;
    let entry: RekorEntry | undefined;
    if (rekorKeys.length > 0) {
      if (!key.spki) return { ok: false, problem: 'bad-bundle', reason: `${key.name}: its DER is not known`, fields };
      const found = verifyBundleLog(bundle.tlogEntries, rekorKeys, { signature, publicKey: key.spki, signed: logged });
      if ('bad' in found) return { ok: false, problem: 'bad-bundle', reason: found.bad, fields };
      entry = found;
      fields = { ...fields, ...loggedFields(entry) };
    }
    const stamps = timestamped();
    if ('bad' in stamps) return { ok: false, problem: 'bad-bundle', reason: stamps.bad, fields };
    const untimed = entry && untimedEntryProblem(entry, rekorKeys, stamps.map((t) => new Date(t.time)));
    if (untimed) return { ok: false, problem: 'bad-bundle', reason: untimed, fields };
    return { ok: true, fields: { ...fields, ...(stamps.length > 0 ? { timestamp: stamps[0]! } : {}) } };
  }
  const tried = supported.length > 0 ? `no key given verifies it (${supported.map((k) => k.name).join(', ')})` : undefined;
  const unsupported = keys.filter((k) => k.unsupported).map((k) => `${k.name}: ${k.unsupported}`);
  if (trust.certificates && (bundle.certificates || keys.length === 0)) {
    if (!bundle.certificates) return { ok: false, problem: 'no-certificate', reason: `the bundle holds no certificate (signed with a key${bundle.keyHint ? `, hint ${bundle.keyHint}` : ''}) to verify it with`, fields: {} };
    // keyless.ts reads a certificate and its chain as cosign's annotations hold them: PEM.
    const [leaf, ...chain] = bundle.certificates.map(pem);
    const annotations: Record<string, string> = { [CERTIFICATE_ANNOTATION]: leaf!, ...(chain.length > 0 ? { [CHAIN_ANNOTATION]: chain.join('') } : {}) };
    const checked = verifyWithCertificate(annotations, signed, signature, trust.certificates, rekorKeys, trust.ctLogKeys ?? [], trust.now ?? new Date(), (publicKey) =>
      verifyBundleLog(bundle.tlogEntries, rekorKeys, { signature, publicKey, signed: logged }),
      timestamped,
    );
    if (!checked.ok && checked.problem === 'bad-signature' && tried) return { ...checked, reason: `${tried}; ${checked.reason}` };
    return checked;
  }
  const hint = bundle.keyHint ? ` (the bundle's key hint: ${bundle.keyHint})` : '';
  if (!tried) return { ok: false, problem: 'unsupported-key', reason: `no key can verify it (${unsupported.join('; ')})${hint}`, fields: {} };
  return { ok: false, problem: 'bad-signature', reason: `${[tried, ...unsupported].join('; ')}${hint}`, fields: {} };
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}
