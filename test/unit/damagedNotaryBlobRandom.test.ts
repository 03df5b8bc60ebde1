// Notary blob signatures (`verify-blob --signature FILE.jws.sig|FILE.cose.sig`) damaged at random, the same way every
// run (seeded): a file signed as notaryBlob.test.ts signs one (JWS or COSE; RSA or ECDSA keys of notaryCertificate.ts,
// or notary-made's chain through an intermediate), or notation's own timestamped signatures of its LICENSE, trusted under --notary-roots or a blob trust policy, then one part
// damaged: the envelope (its JSON; its protected header or payload decoded, mutated, re-encoded; a certificate of its
// chain; its bytes cut or flipped; the COSE's CBOR heads), the trust policy (trustpolicy.blob.json: statements, levels,
// stores, identities, globalPolicy), a trust store certificate, or the file itself. The core (verifyNotaryBlob under
// the trust read as the CLI reads it) and verify-blob (JSON and text, in-process) run on it: verified only when what is
// signed is intact (the envelope's signed parts, the file) and the root is still the signer's; else a named problem
// (exit 3) or an error naming the damaged file (exit 1); never another exception, never crash text.
// More seeds, once, outside the suite: SWEEP_SEEDS=1-1500 npx mocha test/unit/damagedNotaryBlobRandom.test.ts
// (it prints the tally of outcomes; SWEEP_LOG=1 prints each seed's).
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  certificateSubject,
  type CertificateKeyType,
  loadNotarySigner,
  makeSigningCertificate,
  type NotaryTrust,
  parseBlobTrustPolicy,
  readNotaryTrustStore,
  selectBlobTrustPolicy,
  signNotaryBlob,
  trustPolicyTrust,
  verifyNotaryBlob,
} from '../../src/oci/signatures';
import type { NotarySigner } from '../../src/oci/signatures/notary/notarySign';
import { parseCose } from '../../src/oci/signatures/notary/notaryCose';
import { mutateBytes, mutateCbor, mutateDer } from '../helpers/byteMutations';
import { CRASH_TEXT, mutateJson, ODD_VALUES, seededRandom } from '../helpers/jsonMutations';
import { made } from '../helpers/notaryEnvelopes';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const b64url = (text: string) => Buffer.from(text, 'base64url');
const pemOf = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
const derOfPem = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');

const FILE = 'release.tar.gz';
const CONTENT = Buffer.from('release 1.0\n');
const BLOB_VECTOR = join(__dirname, '..', 'fixtures', 'notary-blob-vector');
const SUBJECT = 'CN=release signer, O=Example, ST=WA, C=US';
const KEY_TYPES: CertificateKeyType[] = ['rsa-2048', 'rsa-3072', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521'];
/** What a policy's fields are replaced by, over the odd values: the words a blob trust policy is made of. */
const POLICY_VALUES = [
  ...ODD_VALUES,
  '"skip"', '"strict"', '"audit"', '"permissive"', '"1.0"', '"ca:release"', '"tsa:release"', '"signingAuthority:release"', '"ca:.."',
  '"ca:other"', '"*"', '["*"]', '"x509.subject: CN=x"', '["x509.subject: CN=release signer"]', 'false', '{"revocation":"skip"}', '{"authenticity":"log"}',
  '{"integrity":"log"}', '"afterCertExpiry"', '["ca:release","ca:release"]', '["ca:release","tsa:release"]',
];

interface Signer {
  what: string;
  signer: NotarySigner;
  /** The root the store holds (PEM): the self-signed leaf, or notary-made's root. */
  rootPem: string;
  /** The leaf's subject, for an identity. */
  subject: string;
  /** notation's own signature of its LICENSE, timestamped (notary-blob-vector): the envelope and what it signs, the TSA's root trusted beside. */
  vector?: { format: 'jws' | 'cose'; envelope: Buffer; content: Buffer; tsaPem: string };
}

/** A file's signature and where it is checked: the folder (the file, its signature, the roots, the policy and its truststore). */
interface Case {
  dir: string;
  content: Buffer;
  format: 'jws' | 'cose';
  sigName: string;
  envelope: Buffer;
  mode: 'roots' | 'policy';
  policyName?: string;
  mediaType?: string;
  annotation?: string;
  s: Signer;
}

interface Damage {
  part: 'envelope' | 'policy' | 'store' | 'file' | 'none';
  what: string;
  /** Whether a "verified" is still right: what is signed is intact and the signer's root is still given. */
  mayVerify: boolean;
  /**
   * The checks that alone see the damage (a trust store's certificate, the chain past the leaf: authenticity; the
   * timestamp token: the authentic timestamp, and the expiry it vouches for): verified too when the policy's level
   * only logs one of them, and the result says so.
   */
  loggable?: string[];
  /** The file a usage error must name (exit 1), when one is allowed. */
  named?: string;
  shown: string;
}

let signers: Signer[];

function signerOf(keyType: CertificateKeyType): Signer {
  const m = makeSigningCertificate({ keyType, subject: certificateSubject(SUBJECT), days: 30 });
  return { what: keyType, signer: loadNotarySigner('signer.key', Buffer.from(m.keyPem), 'signer.crt', Buffer.from(m.certificatePem)), rootPem: m.certificatePem, subject: m.subject };
}

/** notary-made's P-256 leaf with its intermediate and root carried: a chain of three. */
/** notation's blob signature in `format` of its LICENSE: its certificate (expired, valid when the TSA stamped it) and the TSA's root. */
function notationVector(format: 'jws' | 'cose'): Signer {
  const at = (name: string) => join(BLOB_VECTOR, name);
  return {
    what: `notation's ${format}`,
    signer: undefined as unknown as NotarySigner, // it signs nothing here
    rootPem: readFileSync(at(`${format}-signer.crt`), 'utf8'),
    subject: `C=US, ST=WA, L=Seattle, O=Notary, CN=${format === 'jws' ? 'testcert2' : 'testcert3'}`,
    vector: { format, envelope: readFileSync(at(`blob.${format}.sig`)), content: readFileSync(at('LICENSE')), tsaPem: readFileSync(at('microsoft-identity-verification-root-2020.crt'), 'utf8') },
  };
}

function madeChain(): Signer {
  const chain = ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join('');
  return {
    what: 'notary-made chain',
    signer: loadNotarySigner('leaf.key.pem', readFileSync(made('leaf.key.pem')), 'chain.pem', Buffer.from(chain)),
    rootPem: readFileSync(made('root.pem'), 'utf8'),
    subject: 'C=US, ST=WA, L=Seattle, O=example.com, OU=Release, CN=release signer',
  };
}

/** The blob trust policy: the global statement trusting the store `release`, one named, one of level skip. */
function policyOf(c: Case, random: () => number): Json {
  const identity = random() < 0.5 ? '*' : `x509.subject: ${c.s.subject}`;
  const stores = c.s.vector ? ['ca:release', 'tsa:microsoft'] : ['ca:release'];
  const verifying = (name: string, level: string, extra: Json = {}) => ({ name, signatureVerification: { level, ...extra }, trustStores: stores, trustedIdentities: [identity] });
  return {
    version: '1.0',
    trustPolicies: [
      { ...verifying('release', pick(random, ['strict', 'permissive', 'audit'])), globalPolicy: true },
      verifying('named', 'strict', { override: { revocation: 'skip' }, verifyTimestamp: 'afterCertExpiry' }),
      { name: 'unchecked', signatureVerification: { level: 'skip' } },
    ],
  };
}

/** A signed file in a folder of its own, trusted one way (drawn by `random`). */
function signedCase(random: () => number, signer?: Signer): Case {
  const s = signer ?? pick(random, signers);
  const v = s.vector;
  const format = v?.format ?? (random() < 0.5 ? 'jws' : 'cose');
  // notation's own signed neither a media type nor metadata: none is asked of it.
  const mediaType = !v && random() < 0.3 ? 'application/vnd.example+tar; version=1' : undefined;
  const annotation = !v && random() < 0.3 ? 'build=42' : undefined;
  const content = v?.content ?? CONTENT;
  const options = { format, ...(mediaType ? { mediaType } : {}), ...(annotation ? { annotations: { build: '42' } } : {}), ...(random() < 0.3 ? { expiresIn: 3_600_000 } : {}) };
  const envelope = v?.envelope ?? signNotaryBlob(CONTENT, s.signer, options).envelope;
  const dir = tempDir('manifold-notary-blob-sweep-');
  const sigName = `${FILE}.${format}.sig`;
  const c: Case = { dir, content, format, sigName, envelope, mode: random() < 0.5 ? 'roots' : 'policy', s, ...(mediaType ? { mediaType } : {}), ...(annotation ? { annotation } : {}) };
  if (random() < 0.3) c.policyName = 'named';
  writeFileSync(join(dir, FILE), content);
  writeFileSync(join(dir, sigName), envelope);
  writeFileSync(join(dir, 'signer.crt'), s.rootPem);
  mkdirSync(join(dir, 'truststore', 'x509', 'ca', 'release'), { recursive: true });
  writeFileSync(join(dir, 'truststore', 'x509', 'ca', 'release', 'signer.crt'), s.rootPem);
  if (v) {
    writeFileSync(join(dir, 'tsa.crt'), v.tsaPem);
    mkdirSync(join(dir, 'truststore', 'x509', 'tsa', 'microsoft'), { recursive: true });
    writeFileSync(join(dir, 'truststore', 'x509', 'tsa', 'microsoft', 'tsa.crt'), v.tsaPem);
  }
  writeFileSync(join(dir, 'trustpolicy.blob.json'), JSON.stringify(policyOf(c, random), null, 2));
  return c;
}

/** The signed parts of a JWS (protected, payload, signature, the leaf) and its timestamp token (the TSA signs it), to tell damage outside them. */
function jwsSigned(text: string): { signed: string; token: unknown } | undefined {
  try {
    const e = JSON.parse(text) as Json;
    return { signed: JSON.stringify([e.protected, e.payload, e.signature, e.header?.x5c?.[0]]), token: e.header?.['io.cncf.notary.timestampSignature'] };
  } catch {
    return undefined;
  }
}

/** Whether two envelopes sign the same (JWS: the same texts; COSE: Sig_structure, signature) with the same leaf, and whether their timestamp tokens are the same. */
function signedSame(format: 'jws' | 'cose', a: Buffer, b: Buffer): { signed: boolean; token: boolean } {
  if (format === 'jws') {
    const [x, y] = [jwsSigned(a.toString()), jwsSigned(b.toString())];
    return { signed: x !== undefined && y !== undefined && x.signed === y.signed, token: x !== undefined && y !== undefined && x.token === y.token };
  }
  const [x, y] = [parseCose(a), parseCose(b)];
  if ('malformed' in x || 'malformed' in y) return { signed: false, token: false };
  const token = x.timestampToken === undefined ? y.timestampToken === undefined : y.timestampToken !== undefined && x.timestampToken.equals(y.timestampToken);
  return { signed: x.signingInput.equals(y.signingInput) && x.signature.equals(y.signature) && x.certificates[0]!.equals(y.certificates[0]!), token };
}

/** `cose` with the byte string `from` (found in it) replaced by `to`, its head rewritten. */
function replaceCborBytes(cose: Buffer, from: Buffer, to: Buffer): Buffer {
  const at = cose.indexOf(from);
  const headLength = from.length < 24 ? 1 : from.length < 0x100 ? 2 : from.length < 0x10000 ? 3 : 5;
  const n = to.length;
  const head = n < 24 ? Buffer.from([0x40 | n]) : n < 0x100 ? Buffer.from([0x58, n]) : Buffer.from([0x59, n >> 8, n & 0xff]);
  return Buffer.concat([cose.subarray(0, at - headLength), head, to, cose.subarray(at + from.length)]);
}

/** The envelope damaged one way: its bytes and what was done. */
function damagedEnvelope(c: Case, random: () => number): { bytes: Buffer; what: string; pastLeaf?: boolean } {
  const kind = random();
  if (c.format === 'jws') {
    const e = JSON.parse(c.envelope.toString()) as Json;
    if (kind < 0.25) return { bytes: Buffer.from(mutateJson(c.envelope.toString(), random)), what: 'its JSON' };
    if (kind < 0.45) {
      e.protected = Buffer.from(mutateJson(b64url(e.protected).toString(), random)).toString('base64url');
      return { bytes: Buffer.from(JSON.stringify(e)), what: `its protected header: ${b64url(e.protected).toString()}` };
    }
    if (kind < 0.6) {
      e.payload = Buffer.from(mutateJson(b64url(e.payload).toString(), random)).toString('base64url');
      return { bytes: Buffer.from(JSON.stringify(e)), what: `its payload: ${b64url(e.payload).toString()}` };
    }
    if (kind < 0.8) {
      const chain = e.header.x5c as string[];
      const i = Math.floor(random() * chain.length);
      const d = mutateDer(Buffer.from(chain[i]!, 'base64'), random);
      chain[i] = d.bytes.toString('base64');
      return { bytes: Buffer.from(JSON.stringify(e)), what: `x5c[${i}]: ${d.what}`, pastLeaf: i > 0 };
    }
    return { bytes: mutateBytes(c.envelope, random), what: 'its bytes' };
  }
  if (kind < 0.3) return { bytes: mutateBytes(c.envelope, random), what: 'its bytes' };
  if (kind < 0.65) {
    const d = mutateCbor(c.envelope, random);
    return { bytes: d.bytes, what: `its CBOR: ${d.what}` };
  }
  const parsed = parseCose(c.envelope);
  if ('malformed' in parsed) throw new Error(`the COSE made does not parse: ${parsed.malformed}`);
  if (kind < 0.8) {
    // The payload's JSON mutated and re-encoded as its byte string: the damage reaches what reads it.
    const to = Buffer.from(mutateJson(parsed.payload.toString(), random));
    return { bytes: replaceCborBytes(c.envelope, parsed.payload, to), what: `its payload: ${to.toString()}` };
  }
  const i = Math.floor(random() * parsed.certificates.length);
  const d = mutateDer(parsed.certificates[i]!, random);
  return { bytes: replaceCborBytes(c.envelope, parsed.certificates[i]!, d.bytes), what: `certificate ${i} of its chain (label 33): ${d.what}`, pastLeaf: i > 0 };
}

/** A certificate file's text or bytes damaged once (as PEM or DER). */
function damagedCertificate(pem: string, random: () => number): { bytes: Buffer; what: string } {
  const der = derOfPem(pem);
  const kind = Math.floor(random() * 5);
  if (kind <= 1) {
    const m = mutateDer(der, random);
    const asPem = random() < 0.5;
    return { bytes: asPem ? Buffer.from(pemOf(m.bytes)) : m.bytes, what: `${asPem ? 'PEM' : 'DER'}, ${m.what}` };
  }
  if (kind === 2) return { bytes: mutateBytes(random() < 0.5 ? der : Buffer.from(pem), random), what: 'bytes' };
  if (kind === 3) {
    const at = Math.floor(random() * pem.length);
    const by = pick(random, ['', 'A', '/', '=', '\n', '*', '-----END CERTIFICATE-----\n', '\0']);
    return { bytes: Buffer.from(random() < 0.5 ? pem.slice(0, at) : pem.slice(0, at) + by + pem.slice(at + 1)), what: `PEM changed at ${at}` };
  }
  const extra = pick(random, ['junk\n', '\ufeff', '-----BEGIN CERTIFICATE-----\n', '-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n', '\r\n', pemOf(mutateDer(der, random).bytes)]);
  const before = random() < 0.5;
  return { bytes: Buffer.from(before ? extra + pem : pem + extra), what: `PEM, text ${before ? 'before' : 'after'}: ${JSON.stringify(extra.slice(0, 40))}` };
}

/** Whether a "verified" is right: the damage left it verifiable, or only a check the policy logs saw it (and its failure is logged). */
const verifiedRight = (d: Damage, logged: Array<{ check?: string }> | undefined): boolean => d.mayVerify || (logged ?? []).some((l) => d.loggable?.includes(l.check ?? '') === true);

/**
 * Whether `bytes` (a certificate file) still holds the certificate `pem`: its DER, or a PEM block of its base64 once
 * characters outside base64 are dropped (as Node's decoder drops them: a NUL or a space inside the block leaves the
 * same DER; Go's pem.Decode would refuse the block, a leniency the report names).
 */
const stillHolds = (bytes: Buffer, pem: string): boolean => {
  const b64 = pem.replace(/-----[^-]+-----|\s+/g, '');
  const blocks = [...bytes.toString('latin1').matchAll(/-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/[^A-Za-z0-9+/=]/g, ''));
  return bytes.includes(derOfPem(pem)) || blocks.some((b) => b.startsWith(b64) || Buffer.from(b, 'base64').equals(derOfPem(pem)));
};

/** One part of the case damaged (drawn by `random`), written over the good one. */
function damage(c: Case, random: () => number): Damage {
  const kind = random();
  if (kind < 0.5) {
    const { bytes, what, pastLeaf } = damagedEnvelope(c, random);
    writeFileSync(join(c.dir, c.sigName), bytes);
    const same = signedSame(c.format, c.envelope, bytes);
    const loggable = [...(pastLeaf ? ['authenticity'] : []), ...(same.signed && !same.token ? ['authenticTimestamp', 'expiry'] : [])];
    return { part: 'envelope', what, mayVerify: (same.signed && same.token) || bytes.equals(c.envelope), loggable, shown: bytes.toString('latin1').slice(0, 1500) };
  }
  if (kind < 0.75) {
    // The policy counts only when it is read: damaged, it is the trust.
    c.mode = 'policy';
    const file = join(c.dir, 'trustpolicy.blob.json');
    const text = random() < 0.5 ? readFileSync(file, 'utf8') : JSON.stringify(JSON.parse(readFileSync(file, 'utf8')));
    const damaged = mutateJson(text, random, POLICY_VALUES);
    writeFileSync(file, damaged);
    return { part: 'policy', what: 'trustpolicy.blob.json', mayVerify: true, named: 'trustpolicy.blob.json', shown: damaged };
  }
  if (kind < 0.93) {
    const { bytes, what } = damagedCertificate(c.s.rootPem, random);
    const file = c.mode === 'roots' ? 'signer.crt' : 'truststore/x509/ca/release/signer.crt';
    writeFileSync(join(c.dir, file), bytes);
    // Under the policy a store it cannot read is the signature's problem (exit 3), not an argument's.
    return { part: 'store', what: `${file}: ${what}`, mayVerify: stillHolds(bytes, c.s.rootPem), loggable: ['authenticity'], ...(c.mode === 'roots' ? { named: 'signer.crt' } : {}), shown: bytes.toString('latin1').slice(0, 1500) };
  }
  const changed = mutateBytes(c.content, random);
  writeFileSync(join(c.dir, FILE), changed);
  return { part: 'file', what: `the file: ${JSON.stringify(changed.toString('latin1').slice(0, 200))}`, mayVerify: changed.equals(c.content), shown: changed.toString('latin1') };
}

function cliArgs(c: Case): string[] {
  const trust = c.mode === 'roots' ? ['--notary-roots', 'signer.crt', ...(c.s.vector ? ['--notary-tsa-roots', 'tsa.crt'] : [])] : ['--notary-trust-policy', '.', ...(c.policyName ? ['--notary-policy-name', c.policyName] : [])];
  return ['verify-blob', ...trust, ...(c.mediaType ? ['--media-type', c.mediaType] : []), ...(c.annotation ? ['-a', c.annotation] : []), '--signature', c.sigName, FILE];
}

const isCrash = (err: unknown) => !(err instanceof Error) || err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;

/** The core, as verify-blob calls it: the trust read (an Error naming the file allowed), then the envelope checked (never a throw). */
async function core(c: Case, d: Damage): Promise<{ wrong?: string; outcome: string }> {
  let trust: NotaryTrust;
  try {
    if (c.mode === 'roots') {
      const tsaRoots = c.s.vector ? await readNotaryTrustStore(join(c.dir, 'tsa.crt'), { tsa: true }) : [];
      trust = { roots: await readNotaryTrustStore(join(c.dir, 'signer.crt')), authorityRoots: [], identities: [], ...(c.s.vector ? { tsaRoots } : {}) };
    }
    else {
      const file = join(c.dir, 'trustpolicy.blob.json');
      trust = await trustPolicyTrust(selectBlobTrustPolicy(parseBlobTrustPolicy(readFileSync(file, 'utf8'), file), c.policyName, file), join(c.dir, 'truststore'));
    }
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (isCrash(err)) return { wrong: `core: a crash reading the trust: ${(err as Error)?.stack ?? String(err)}`, outcome: 'crash' };
    if (CRASH_TEXT.test(message)) return { wrong: `core: crash text reading the trust: ${message}`, outcome: 'crash' };
    if (!d.named || !message.includes(d.named)) return { wrong: `core: an error not naming ${d.named ?? 'a damaged file'}: ${message}`, outcome: 'error' };
    return { outcome: 'error' };
  }
  if (trust.policy?.statement.level === 'skip') return { outcome: 'skipped' };
  try {
    const annotations = c.annotation ? { annotations: { build: '42' } } : {};
    const r = verifyNotaryBlob(readFileSync(join(c.dir, c.sigName)), c.format, readFileSync(join(c.dir, FILE)), { ...trust, ...annotations }, c.mediaType);
    const verified = r.fields.trustPolicy?.logged?.length ? `verified, ${r.fields.trustPolicy.logged.map((l) => l.check).join(', ')} logged` : 'verified';
    if (r.ok) return verifiedRight(d, r.fields.trustPolicy?.logged) ? { outcome: verified } : { wrong: 'core: verified, yet what is signed was damaged', outcome: verified };
    if (typeof r.problem !== 'string' || typeof r.reason !== 'string' || r.reason === '') return { wrong: `core: no named problem: ${JSON.stringify(r)}`, outcome: 'unnamed' };
    if (CRASH_TEXT.test(r.reason)) return { wrong: `core: crash text: ${r.problem}: ${r.reason}`, outcome: r.problem };
    return { outcome: r.problem };
  } catch (err) {
    return { wrong: `core: verifyNotaryBlob threw: ${(err as Error)?.stack ?? String(err)}`, outcome: 'crash' };
  }
}

/** verify-blob in JSON and in text: the same exit code, 0 only when it may verify, 3 with a named problem, 1 naming the damaged file. */
async function cli(c: Case, d: Damage): Promise<{ wrong: string[]; outcome: string; said?: string }> {
  const wrong: string[] = [];
  const args = cliArgs(c);
  const json = await runCliIn(c.dir, ...args.slice(0, 1), '--format', 'json', ...args.slice(1));
  const text = await runCliIn(c.dir, ...args);
  for (const [how, r] of [['json', json], ['text', text]] as const) {
    const shown = r.stderr + r.stdout;
    if (CRASH_TEXT.test(shown)) wrong.push(`cli ${how}: crash text: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
    if (![0, 1, 3].includes(r.code)) wrong.push(`cli ${how}: exit ${r.code}: ${shown}`);
    if (r.code === 1 && (!d.named || !r.stderr.includes(d.named))) wrong.push(`cli ${how}: exit 1 not naming ${d.named ?? 'a damaged file'}: ${r.stderr}`);
  }
  if (json.code !== text.code) wrong.push(`cli: exit ${json.code} in JSON, ${text.code} in text`);
  if (json.code === 1) return { wrong, outcome: 'error', said: text.stderr.trim() };
  let doc: Json = {};
  try {
    doc = JSON.parse(json.stdout) as Json;
  } catch {
    wrong.push(`cli json: not JSON: ${json.stdout}`);
  }
  if (json.code === 0) {
    if (!verifiedRight(d, doc.trustPolicy?.logged)) wrong.push(`cli: verified, yet what is signed was damaged: ${json.stdout}`);
    if (doc.valid !== true) wrong.push(`cli json: exit 0, not valid: ${json.stdout}`);
    if (!/: (verified by Notary signature of |passed: )/.test(text.stdout)) wrong.push(`cli text: exit 0 without verified: ${text.stdout}`);
    const logged = (doc.trustPolicy?.logged as Json[] | undefined)?.length ? `verified, ${(doc.trustPolicy.logged as Json[]).map((l) => l.check).join(', ')} logged` : 'verified';
    return { wrong, outcome: doc.notarySkipped !== undefined ? 'skipped' : logged, said: text.stdout.trim() };
  }
  if (json.code === 3) {
    if (doc.valid !== false || typeof doc.problem !== 'string' || typeof doc.reason !== 'string' || doc.reason === '') wrong.push(`cli json: exit 3 without a named problem: ${json.stdout}`);
    if (!new RegExp(`^${FILE.replace(/\./g, '\\.')} \\((?:sha256|sha384|sha512):[0-9a-f]+\\): ${doc.problem}: .+\\n$`).test(text.stdout)) wrong.push(`cli text: not the problem's line: ${text.stdout}`);
    if (text.stderr !== `Error: ${FILE}: no valid signature\n`) wrong.push(`cli text: stderr ${JSON.stringify(text.stderr)}`);
  }
  return { wrong, outcome: String(doc.problem), said: text.stdout.trim() };
}

describe('Notary blob signatures and blob trust policies damaged at random (seeded): verified only when intact, else a named problem', function () {
  this.timeout(120_000);
  const tally = new Map<string, number>();
  before(() => {
    signers = [...KEY_TYPES.map(signerOf), madeChain(), notationVector('jws'), notationVector('cose')];
  });
  after(() => {
    if (SWEEP) console.log(`seeds ${FIRST}-${LAST}, part: core / verify-blob outcome: count\n${[...tally].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`).join('\n')}`);
  });

  it('undamaged: every signer and format verifies under --notary-roots and under the blob trust policy (the sweep starts from valid signatures)', async () => {
    for (const [i, s] of [...signers, ...signers].entries()) {
      const c = signedCase(seededRandom(i + 1), s);
      for (const mode of ['roots', 'policy'] as const) {
        c.mode = mode;
        const none: Damage = { part: 'none', what: 'nothing', mayVerify: true, shown: '' };
        const r = await core(c, none);
        const v = await cli(c, none);
        assert.deepEqual([r.wrong, r.outcome, v.wrong, v.outcome], [undefined, 'verified', [], 'verified'], `${c.s.what} ${c.format} ${mode}`);
      }
    }
  });

  it("a COSE protected header whose alg (1) is missing or a map: malformed-signature saying so, not 'undefined'", () => {
    const s = signers.find((x) => x.what === 'ecdsa-p256')!;
    const { envelope } = signNotaryBlob(CONTENT, s.signer, { format: 'cose' });
    const head = envelope[2] === 0x58 ? 2 : 3; // the protected bstr's head after d2 84: its length in 1 or 2 bytes
    const protectedBytes = envelope.subarray(2 + head, 2 + head + (head === 2 ? envelope[3]! : envelope.readUInt16BE(3)));
    const at = protectedBytes.indexOf(Buffer.from([0x01, 0x26])); // 1: -7 (ES256)
    for (const [to, said] of [[[0x18, 0x63, 0x26], 'missing'], [[0x01, 0xa0], 'a map']] as const) {
      const changed = Buffer.concat([protectedBytes.subarray(0, at), Buffer.from(to), protectedBytes.subarray(at + 2)]);
      const r = verifyNotaryBlob(replaceCborBytes(envelope, protectedBytes, changed), 'cose', CONTENT, { roots: [], authorityRoots: [], identities: [] });
      assert.deepEqual(r.ok ? r : [r.problem, r.reason], ['malformed-signature', `COSE envelope: protected alg (1): ${said} is none of PS256, PS384, PS512, ES256, ES384, ES512 (-37, -38, -39, -7, -35, -36)`]);
    }
  });

  // Seeds past the suite's that found a crash once (each fixed in its own commit): replayed every run.
  const found = [97, 242, 410].filter((s) => s < FIRST || s > LAST);
  for (const seed of [...found, ...Array.from({ length: LAST - FIRST + 1 }, (_, i) => FIRST + i)]) {
    it(`seed ${seed}${found.includes(seed) ? ' (found by the sweep)' : ''}`, async () => {
      const random = seededRandom(seed);
      const c = signedCase(random);
      const d = damage(c, random);
      const r = await core(c, d);
      const v = await cli(c, d);
      const key = `${d.part}: ${r.outcome} / ${v.outcome}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      if (process.env.SWEEP_LOG) console.log(`${seed} ${c.s.what} ${c.format} ${c.mode} ${d.part} ${d.what.slice(0, 100)}: ${r.outcome} / ${v.outcome}${v.said ? `: ${v.said.slice(0, 300)}` : ''}`);
      const wrong = [...(r.wrong ? [r.wrong] : []), ...v.wrong];
      // Gone now, not at the end: a sweep of thousands of seeds would leave their removal to a hook's timeout.
      if (wrong.length === 0) rmSync(c.dir, { recursive: true, force: true });
      assert.deepEqual(wrong, [], `${c.s.what} ${c.format} under ${c.mode}, ${d.part} damaged: ${d.what}\n${d.shown.slice(0, 800)}`);
    });
  }
});
