// The files users hand sign, attest and verify, damaged at random, the same way every run (seeded): attest's
// --predicate (a SLSA provenance, an SPDX or CycloneDX SBOM, cosign's custom text, a URI type's JSON), attest-blob's
// --statement (an in-toto statement), --passphrase-file, cosign's encrypted cosign.key (its PEM, or the JSON sealed in
// it), notation's local key (PKCS#8) and its certificate chain (sign --notary-key), the PEM public keys verify,
// verify-attestation and verify-blob take (ECDSA P-256, RSA, Ed25519), the --ca-roots and --ca-intermediates bundles,
// --trusted-root, notation's trust policy, a certificate of its trust store and its blob trust policy, and
// verify-blob's --bundle (sign-blob's and attest-blob's). Each seed damages one of them, in turn (cut, bytes changed, a
// value of the wrong type at a real JSON path, a key repeated, a huge value, deep nesting, a BOM, CRLF line ends,
// empty, a folder, a binary file, not there, trailing junk; for PEM: its base64 broken, its DER damaged, a label of
// another type, a second key before or after it, text around it, a megabyte block) and runs the commands that read
// it. Each ends with the result the file asks for, or an error naming the file: exit 1 (verify: 0, 3 or 1), an error
// line under 4 KiB, never crash text, the layout (and attest-blob's output) as it was after a refusal; what is signed
// is what the file says (the predicate, the statement byte for byte), and what a key signed verifies (under the
// public key of the key read; a Notary signature under its chain's root).
// SWEEP_SEEDS=a-b sweeps more seeds, and prints the tally of outcomes (SWEEP_LOG=1 prints each seed's damage and
// outcome): 1-5600 swept while the bugs were fixed (signingFileErrors.test.ts has one case each).
//
// Where we differ from cosign and notation on purpose:
// - cosign.key's scrypt parameters: N must be a power of two above 1 (as Go's scrypt asks) and N, r and p together
//   may ask for at most 16 times the work and memory of cosign's own (N 2^15, r 8, p 1): Go's scrypt would run
//   p = 1,000 for minutes on a damaged file, and Node's refuses past its memory cap with a message naming no file.
// - a predicate whose JSON holds a number past a double's range (1e400) is refused, as cosign's Go decoder refuses
//   it; JavaScript would sign `null` in its place, a predicate nobody wrote.
// - a predicate nested deeper than 1,000 levels is refused (cosign's decoder reads 10,000: JSON.stringify, which
//   writes the statement, recurses); a statement given whole (--statement) is signed as its bytes are, at any depth,
//   but must be UTF-8 (its bytes are signed, and written back as text).
// - a predicate's lone surrogate ("\ud800") is signed escaped as JSON.stringify writes it; cosign's encoder writes
//   U+FFFD.
// - a passphrase file's bytes are read as UTF-8 (a byte that is none becomes U+FFFD, so a passphrase that is no
//   UTF-8 opens nothing here); cosign and skopeo take its raw bytes. A wrong passphrase names the file it came from.
// - a PEM file may hold text before and after its block (as Go's pem.Decode and OpenSSL read it); of a key file one
//   key is read, as cosign reads the first block: a second key is never a second trust.
// - sign --notary-key refuses a chain verify would refuse (not in order, without its root), as notation-core-go
//   validates it before signing.
import { strict as assert } from 'node:assert';
import { createPrivateKey, createPublicKey, type KeyObject, scryptSync } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { attestManifest } from '../../src/oci/attestations';
import { signKey, signManifest } from '../../src/oci/signatures';
import { secretboxSeal } from '../../src/oci/signatures/keys/secretbox';
import { damagedBundle, damagedPem } from '../helpers/blobInputDamage';
import { mutateBytes } from '../helpers/byteMutations';
import { cosignVector, DOCKER_MANIFEST, KEYLESS_FIXTURES, storeCosignVector } from '../helpers/cosignVectors';
import { CRASH_TEXT, mutateJson, ODD_VALUES, seededRandom } from '../helpers/jsonMutations';
import { runCliIn } from '../helpers/runCli';
import { digestOf } from '../../src/oci/digest';
import { attachNotary, VECTOR } from '../helpers/notaryEnvelopes';
import { cleanupTemps, folderSnapshot, makeImage, newLayout, tempDir } from './builders';
import { binaryBytes, type Damaged, deepNesting, duplicateKey, hugeValue, parsed, pick, place, TRAILING } from './support/damagedFiles';

after(cleanupTemps);

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 54];
const LOG = process.env.SWEEP_LOG === '1';

const PASS = 'correct horse';
const FIXTURES = join(__dirname, '..', 'fixtures');
const made = (name: string) => createPrivateKey(readFileSync(join(FIXTURES, 'notary-made', name)));
/** Fixed keys, so a seed replays: P-256 (cosign's default), RSA 2048, Ed25519 of a fixed seed. */
const EC = made('leaf.key.pem');
const OTHER_EC = made('root.key.pem');
const RSA = made('rsaleaf.key.pem');
const ED = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
const pubOf = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'pem' }).toString();

/** cosign.key as cosign seals it (privateKeys.ts's encryptCosignKey), with a fixed salt and nonce: the same bytes every run. */
function sealed(key: KeyObject, passphrase: string, fill: number): string {
  const salt = Buffer.alloc(32, fill);
  const nonce = Buffer.alloc(24, fill + 1);
  const params = { N: 32768, r: 8, p: 1 };
  const secret = scryptSync(Buffer.from(passphrase), salt, 32, { ...params, maxmem: 64 << 20 });
  const doc = {
    kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: secretboxSeal(key.export({ type: 'pkcs8', format: 'der' }), nonce, secret).toString('base64'),
  };
  const body = Buffer.from(JSON.stringify(doc)).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
}

/** The predicates attest takes, as their writers write them, by --type. */
const PREDICATES: Array<{ type: string; text: string }> = [
  {
    type: 'slsaprovenance',
    text: JSON.stringify({ builder: { id: 'https://github.com/actions/runner' }, buildType: 'https://github.com/slsa-framework/slsa-github-generator/generic@v1', invocation: { configSource: { uri: 'git+https://github.com/org/app@refs/heads/main', digest: { sha1: '1a2b3c' }, entryPoint: '.github/workflows/release.yml' } }, metadata: { buildStartedOn: '2026-12-07T00:00:00Z', completeness: { parameters: true, environment: false } }, materials: [{ uri: 'git+https://github.com/org/app', digest: { sha1: '1a2b3c' } }] }, null, 2),
  },
  {
    type: 'spdxjson',
    text: JSON.stringify({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'app', packages: [{ SPDXID: 'SPDXRef-Package-musl', name: 'musl', versionInfo: '1.2.4', licenseConcluded: 'MIT' }], relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Package-musl' }] }, null, 2),
  },
  {
    type: 'cyclonedx',
    text: JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [{ type: 'library', name: 'musl', version: '1.2.4', purl: 'pkg:apk/alpine/musl@1.2.4' }] }, null, 2),
  },
  { type: 'https://example.com/scan/v1', text: JSON.stringify({ scanner: { name: 'grype', version: '0.74' }, findings: [{ id: 'CVE-2026-0001', severity: 'high' }] }) },
  { type: 'custom', text: 'built by the release workflow\nsha 1a2b3c\n' },
  { type: 'spdx', text: 'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nDocumentName: app\n' },
];

/** notation's blob trust policy (trustpolicy.blob.json), as its docs write one: a global statement, a TSA store. */
const BLOB_POLICY = JSON.stringify({ version: '1.0', trustPolicies: [{ name: 'blobs', signatureVerification: { level: 'strict', override: { revocation: 'skip' } }, trustStores: ['ca:jws', 'tsa:ms'], trustedIdentities: ['*'], globalPolicy: true }] }, null, 2);

/** Values a JSON file's fields are replaced by: the generic ones, and those that matter to scrypt's parameters. */
const VALUES = [...ODD_VALUES, '3', '1', '1000', '65536', '1048576', '1073741824', '"scrypt"', '"nacl/secretbox"', '"AAAA"', '"in-toto"'];

/** A JSON file damaged once: its JSON or bytes, its shape (BOM, CRLF, junk after it), or the file itself. */
function damagedJson(text: string, random: () => number): Damaged {
  const r = random();
  if (r < 0.3) return { what: 'JSON mutated', bytes: Buffer.from(mutateJson(text, random, VALUES)) };
  if (r < 0.4) return { what: 'bytes mutated', bytes: mutateBytes(Buffer.from(text), random) };
  if (r < 0.46) return { what: 'a key repeated', bytes: Buffer.from(duplicateKey(text, random, VALUES)) };
  if (r < 0.52) {
    const deep = deepNesting(text, random);
    return { what: `nested ${deep.depth} deep`, bytes: Buffer.from(deep.text) };
  }
  if (r < 0.57) return { what: 'a huge value', bytes: Buffer.from(hugeValue(text, random)) };
  if (r < 0.61) return { what: 'a BOM first', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) };
  if (r < 0.66) return { what: 'CRLF', bytes: Buffer.from(text.replace(/\n/g, '\r\n')) };
  if (r < 0.71) {
    const junk = pick(random, TRAILING);
    return { what: `${JSON.stringify(junk)} after it`, bytes: Buffer.from(text + junk) };
  }
  if (r < 0.74) return { what: 'empty', bytes: Buffer.alloc(0) };
  if (r < 0.77) return { what: 'a folder', folder: true };
  if (r < 0.8) return { what: 'not there' };
  if (r < 0.84) return { what: 'binary', bytes: binaryBytes(random) };
  return { what: 'cut', bytes: Buffer.from(text).subarray(0, Math.floor(random() * text.length)) };
}

/** A text file (custom and spdx predicates) damaged once: its bytes, a BOM, CRLF, a huge line, or the file itself. */
function damagedText(text: string, random: () => number): Damaged {
  const r = random();
  if (r < 0.3) return { what: 'bytes mutated', bytes: mutateBytes(Buffer.from(text), random) };
  if (r < 0.4) return { what: 'a BOM first', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) };
  if (r < 0.5) return { what: 'CRLF', bytes: Buffer.from(text.replace(/\n/g, '\r\n')) };
  if (r < 0.6) return { what: 'a huge line', bytes: Buffer.from(text + 'x'.repeat(1 << 20)) };
  if (r < 0.65) return { what: 'empty', bytes: Buffer.alloc(0) };
  if (r < 0.7) return { what: 'a folder', folder: true };
  if (r < 0.75) return { what: 'not there' };
  if (r < 0.85) return { what: 'binary', bytes: binaryBytes(random) };
  return { what: 'cut', bytes: Buffer.from(text).subarray(0, Math.floor(random() * text.length)) };
}

/** A PEM file damaged once: its block (blobInputDamage's damagedPem), a second block, a BOM, the file itself. */
function damagedPemFile(pem: string, random: () => number, second: string): Damaged {
  const r = random();
  if (r < 0.45) {
    const d = damagedPem(pem, random);
    return { what: d.what, bytes: Buffer.from(d.text) };
  }
  if (r < 0.55) return random() < 0.5 ? { what: 'another key after it', bytes: Buffer.from(pem + second) } : { what: 'another key before it', bytes: Buffer.from(second + pem) };
  if (r < 0.6) return { what: 'a BOM first', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(pem)]) };
  if (r < 0.65) {
    const junk = pick(random, TRAILING);
    return { what: `${JSON.stringify(junk)} after it`, bytes: Buffer.from(pem + junk) };
  }
  if (r < 0.7) {
    // A huge block: a megabyte of base64 where the key was.
    const label = /-----BEGIN ([^-]*)-----/.exec(pem)![1];
    return { what: 'a huge block', bytes: Buffer.from(`-----BEGIN ${label}-----\n${'QUFB'.repeat(1 << 18).replace(/.{64}/g, '$&\n')}-----END ${label}-----\n`) };
  }
  if (r < 0.74) return { what: 'empty', bytes: Buffer.alloc(0) };
  if (r < 0.78) return { what: 'a folder', folder: true };
  if (r < 0.81) return { what: 'not there' };
  if (r < 0.87) return { what: 'binary', bytes: binaryBytes(random) };
  return { what: 'bytes mutated', bytes: mutateBytes(Buffer.from(pem), random) };
}

/** cosign.key damaged: as a PEM file, or the JSON sealed in it mutated (re-encoded, so the damage reaches its fields). */
function damagedCosignKey(pem: string, random: () => number, second: string): Damaged {
  if (random() < 0.5) return damagedPemFile(pem, random, second);
  const body = /-----BEGIN [^-]*-----\n([\s\S]*?)-----END/.exec(pem)![1]!.replace(/\s+/g, '');
  const json = Buffer.from(body, 'base64').toString('utf8');
  const text = random() < 0.8 ? mutateJson(json, random, VALUES) : duplicateKey(json, random, VALUES);
  const b64 = Buffer.from(text).toString('base64').replace(/.{64}/g, '$&\n');
  return { what: `sealed JSON: ${text}`, bytes: Buffer.from(`-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`) };
}

/** The passphrase file damaged: the passphrase's line with others, other line ends, a BOM, or the file itself. */
function damagedPassphrase(random: () => number): Damaged {
  const r = random();
  if (r < 0.15) return { what: 'CRLF, a line after', bytes: Buffer.from(`${PASS}\r\nsecond line\r\n`) };
  if (r < 0.25) return { what: 'no line end', bytes: Buffer.from(PASS) };
  if (r < 0.35) return { what: 'a BOM first', bytes: Buffer.from(`\ufeff${PASS}\n`) };
  if (r < 0.45) return { what: 'a blank line first', bytes: Buffer.from(`\n${PASS}\n`) };
  if (r < 0.55) return { what: 'bytes mutated', bytes: mutateBytes(Buffer.from(`${PASS}\n`), random) };
  if (r < 0.62) return { what: 'empty', bytes: Buffer.alloc(0) };
  if (r < 0.69) return { what: 'a folder', folder: true };
  if (r < 0.75) return { what: 'not there' };
  if (r < 0.82) return { what: 'binary', bytes: binaryBytes(random) };
  if (r < 0.88) return { what: 'a huge line', bytes: Buffer.from(`${'p'.repeat(1 << 20)}\n`) };
  return { what: 'CR line ends', bytes: Buffer.from(`${PASS}\rsecond\r`) };
}

/** The passphrase a passphrase file gives, as skopeo's --sign-passphrase-file reads it: its first line. */
const firstLine = (d: Damaged): string | undefined => (d.bytes ? d.bytes.toString('utf8').split(/\r?\n/)[0] : undefined);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A run's problems: crash text, an exit code outside `codes`, an exit 1 whose error does not name `file`. */
function problems(name: string, r: Run, file: string, codes: number[]): string[] {
  const bad: string[] = [];
  const shown = r.stdout + r.stderr;
  if (CRASH_TEXT.test(shown)) bad.push(`${name}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))?.slice(0, 400)}`);
  if (!codes.includes(r.code)) bad.push(`${name}: exit ${r.code}: ${r.stderr.slice(0, 400)}`);
  if (r.code === 1 && !/^Error: .+/m.test(r.stderr)) bad.push(`${name}: exit 1 without an error line: ${r.stderr.slice(0, 400)}`);
  if (r.code === 1 && !r.stderr.includes(file)) bad.push(`${name}: the error names no ${file}: ${r.stderr.trim().slice(0, 400)}`);
  // A megabyte value is shown cut, not whole: an error is a line one reads.
  if (r.stderr.length > 4096) bad.push(`${name}: an error of ${r.stderr.length} characters: ${r.stderr.slice(0, 300)}`);
  return bad;
}

/** The statement of the last attestation the layout's `.att` tag holds. */
function lastStatement(layout: string): Record<string, unknown> | undefined {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const att = index.manifests.find((m: any) => /\.att$/.test(m.annotations?.['org.opencontainers.image.ref.name'] ?? ''));
  if (!att) return undefined;
  const blob = (d: string) => readFileSync(join(layout, 'blobs', 'sha256', d.slice(7)));
  const manifest = JSON.parse(blob(att.digest).toString());
  const envelope = JSON.parse(blob(manifest.layers.at(-1).digest).toString());
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
}

/** How deep a JSON value nests, and whether it holds a number JavaScript cannot keep (1e400); walked without recursion (the sweep nests 200,000 deep). */
function jsonShape(v: unknown): { depth: number; infinite: boolean } {
  let depth = 0;
  let infinite = false;
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    depth = Math.max(depth, d);
    if (typeof x === 'number' && !Number.isFinite(x)) infinite = true;
    if (x !== null && typeof x === 'object') for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return { depth, infinite };
}

describe('the files sign, attest and verify read, damaged at random (seeded): the result they ask for, or an error naming the file', function () {
  this.timeout(120_000);
  let signed: string; // a layout whose v1 is signed by the three keys and attested by the P-256 one
  let keyless: string; // cosign's keyless vector (mitr@redhat.com), v1
  let notary: string; // notation's signature of its vector, v2
  let fixtures: string; // the good files, copied into each seed's folder
  const GOOD = {
    'cosign.key': sealed(EC, PASS, 1),
    'other.key': sealed(OTHER_EC, PASS, 3),
    'pass.txt': `${PASS}\n`,
    'cosign.pub': pubOf(EC),
    'rsa.pub': pubOf(RSA),
    'ed.pub': pubOf(ED),
    'other.pub': pubOf(OTHER_EC),
    // notation's local key (PKCS#8, unencrypted) and its chain, leaf first, to its root, for sign --notary-key.
    'notary.key': EC.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'notary-chain.pem': ['leaf.pem', 'intermediate.pem', 'root.pem'].map((f) => readFileSync(join(FIXTURES, 'notary-made', f), 'utf8')).join(''),
  };

  before(async () => {
    fixtures = tempDir();
    for (const [name, text] of Object.entries(GOOD)) writeFileSync(join(fixtures, name), text);
    writeFileSync(join(fixtures, 'release.txt'), 'release 1.0\n');
    cpSync(join(KEYLESS_FIXTURES, 'fulcio_v1.crt.pem'), join(fixtures, 'fulcio.pem'));
    cpSync(join(KEYLESS_FIXTURES, 'rekor.pub'), join(fixtures, 'rekor.pub'));
    cpSync(join(FIXTURES, 'trusted-root', 'public-good.json'), join(fixtures, 'trusted_root.json'));
    cpSync(join(FIXTURES, 'notary-policy', 'trustpolicy.json'), join(fixtures, 'trustpolicy.json'));
    cpSync(join(FIXTURES, 'notary-policy', 'truststore'), join(fixtures, 'truststore'), { recursive: true });
    // notation's blob signature of its LICENSE, trusted by a blob trust policy beside its trust store.
    const blobVector = join(FIXTURES, 'notary-blob-vector');
    cpSync(join(blobVector, 'LICENSE'), join(fixtures, 'LICENSE'));
    cpSync(join(blobVector, 'blob.jws.sig'), join(fixtures, 'LICENSE.jws.sig'));
    cpSync(join(blobVector, 'jws-signer.crt'), join(fixtures, 'blobtrust', 'truststore', 'x509', 'ca', 'jws', 'jws-signer.crt'), { recursive: true });
    cpSync(join(blobVector, 'microsoft-identity-verification-root-2020.crt'), join(fixtures, 'blobtrust', 'truststore', 'x509', 'tsa', 'ms', 'root.crt'), { recursive: true });
    writeFileSync(join(fixtures, 'blobtrust', 'trustpolicy.blob.json'), BLOB_POLICY);
    for (const p of PREDICATES) writeFileSync(join(fixtures, `predicate-${p.type.replace(/\W/g, '_')}`), p.text);

    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    for (const [name, key] of [['cosign', EC], ['rsa', RSA], ['ed', ED]] as const) {
      await signManifest(store, image, signKey(`${name}.key`, key), 'registry.example.com/app:v1');
      await attestManifest(store, image, signKey(`${name}.key`, key), 'slsaprovenance', Buffer.from(PREDICATES[0]!.text), 'registry.example.com/app');
    }
    signed = store.location;

    const k = await newLayout();
    await storeCosignVector(k, 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor'));
    keyless = k.location;

    const n = await newLayout();
    const bytes = readFileSync(join(VECTOR, 'manifest.json'));
    const vector = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(bytes), size: bytes.length };
    await n.push(vector, bytes);
    await n.tag(vector, 'v2');
    await attachNotary(n, vector, readFileSync(join(VECTOR, 'jws_signature.sig')));
    notary = n.location;

    const b = await runCliIn(fixtures, 'sign-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--bundle', 'release.sigstore.json', 'release.txt');
    assert.equal(b.code, 0, b.stderr);
    const a = await runCliIn(fixtures, 'attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--predicate', 'predicate-slsaprovenance', '--type', 'slsaprovenance', '--bundle', 'release.att.sigstore.json', 'release.txt');
    assert.equal(a.code, 0, a.stderr);
  });

  const MITR = ['--certificate-identity', 'mitr@redhat.com', '--certificate-oidc-issuer', 'https://github.com/login/oauth'];

  /**
   * The files swept: for each, the good file, how it is damaged, and the commands that read it (run in the seed's
   * folder, where every other file is good), with the exit codes each may end with.
   */
  interface Swept {
    file: string;
    damage(random: () => number): Damaged;
    runs(random: () => number, layout: string): Array<{ name: string; argv: string[]; codes: number[]; writes?: boolean }>;
  }
  const keyRuns = (key: string, layout: string) => [
    { name: 'verify', argv: ['verify', '--key', key, '--oci-layout', `${layout}:v1`], codes: [0, 1, 3] },
    { name: 'verify-attestation', argv: ['verify-attestation', '--key', key, '--type', 'slsaprovenance', '--format', 'json', '--oci-layout', `${layout}:v1`], codes: [0, 1, 3] },
    { name: 'verify-blob', argv: ['verify-blob', '--key', key, '--bundle', 'release.sigstore.json', 'release.txt'], codes: [0, 1, 3] },
  ];
  const attestArgv = (predicate: string, type: string, layout: string, bundle: boolean) => [
    'attest', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--predicate', predicate, '--type', type, '--subject-name', 'registry.example.com/app', ...(bundle ? ['--new-bundle-format'] : []), '--oci-layout', `${layout}:v1`,
  ];
  const signArgv = (layout: string) => ['sign', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--identity', 'registry.example.com/app:v1', '--oci-layout', `${layout}:v1`];
  const SWEPT: Swept[] = [
    ...PREDICATES.map((p): Swept => {
      const file = `predicate-${p.type.replace(/\W/g, '_')}`;
      return {
        file,
        damage: (random) => (p.type === 'custom' || p.type === 'spdx' ? damagedText(p.text, random) : damagedJson(p.text, random)),
        runs: (random, layout) => [
          { name: 'attest', argv: attestArgv(file, p.type, layout, random() < 0.25), codes: [0, 1], writes: true },
          { name: 'attest-blob', argv: ['attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--predicate', file, '--type', p.type, '--bundle', 'out.sigstore.json', '--output-attestation', 'out.statement.json', 'release.txt'], codes: [0, 1] },
        ],
      };
    }),
    {
      file: 'statement.json',
      damage: (random) => damagedJson(statementText, random),
      runs: () => [{ name: 'attest-blob', argv: ['attest-blob', '--key', 'cosign.key', '--passphrase-file', 'pass.txt', '--statement', 'statement.json', '--bundle', 'out.sigstore.json', '--output-attestation', 'out.statement.json', 'release.txt'], codes: [0, 1] }],
    },
    {
      file: 'pass.txt',
      damage: damagedPassphrase,
      runs: (_, layout) => [{ name: 'sign', argv: signArgv(layout), codes: [0, 1], writes: true }],
    },
    {
      file: 'cosign.key',
      damage: (random) => damagedCosignKey(GOOD['cosign.key'], random, GOOD['other.key']),
      runs: (random, layout) => [
        random() < 0.5 ? { name: 'sign', argv: signArgv(layout), codes: [0, 1], writes: true } : { name: 'attest', argv: attestArgv('predicate-slsaprovenance', 'slsaprovenance', layout, false), codes: [0, 1], writes: true },
      ],
    },
    ...(['cosign.pub', 'rsa.pub', 'ed.pub'] as const).map((file): Swept => ({
      file,
      damage: (random) => damagedPemFile(GOOD[file], random, GOOD['other.pub']),
      runs: (_, layout) => keyRuns(file, layout),
    })),
    ...(['notary.key', 'notary-chain.pem'] as const).map((file): Swept => ({
      file,
      damage: (random) =>
        damagedPemFile(GOOD[file], random, file === 'notary.key' ? RSA.export({ type: 'pkcs8', format: 'pem' }).toString() : readFileSync(join(FIXTURES, 'notary-made', 'otherleaf.pem'), 'utf8')),
      runs: (random, layout) => [{ name: 'sign --notary-key', argv: ['sign', '--notary-key', 'notary.key', '--notary-certificate', 'notary-chain.pem', ...(random() < 0.3 ? ['--signature-format', 'cose'] : []), '--oci-layout', `${layout}:v1`], codes: [0, 1], writes: true }],
    })),
    {
      file: 'fulcio.pem',
      damage: (random) => damagedPemFile(readFileSync(join(KEYLESS_FIXTURES, 'fulcio_v1.crt.pem'), 'utf8'), random, readFileSync(join(FIXTURES, 'cosign-keyless-made', 'root.pem'), 'utf8')),
      runs: () => [
        { name: 'verify --ca-roots', argv: ['verify', ...MITR, '--ca-roots', 'fulcio.pem', '--rekor-key', 'rekor.pub', '--oci-layout', `${keyless}:v1`], codes: [0, 1, 3] },
        { name: 'verify --ca-intermediates', argv: ['verify', ...MITR, '--ca-roots', join(KEYLESS_FIXTURES, 'fulcio_v1.crt.pem'), '--ca-intermediates', 'fulcio.pem', '--rekor-key', 'rekor.pub', '--format', 'json', '--oci-layout', `${keyless}:v1`], codes: [0, 1, 3] },
      ],
    },
    {
      file: 'trusted_root.json',
      damage: (random) => damagedJson(readFileSync(join(FIXTURES, 'trusted-root', 'public-good.json'), 'utf8'), random),
      runs: () => [
        { name: 'verify --trusted-root', argv: ['verify', ...MITR, '--trusted-root', 'trusted_root.json', '--oci-layout', `${keyless}:v1`], codes: [0, 1, 3] },
        { name: 'verify --trusted-root (json)', argv: ['verify', ...MITR, '--trusted-root', 'trusted_root.json', '--format', 'json', '--oci-layout', `${keyless}:v1`], codes: [0, 1, 3] },
      ],
    },
    {
      file: 'trustpolicy.json',
      damage: (random) => damagedJson(readFileSync(join(FIXTURES, 'notary-policy', 'trustpolicy.json'), 'utf8'), random),
      runs: () => [{ name: 'verify --notary-trust-policy', argv: ['verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/alpine', '--oci-layout', `${notary}:v2`], codes: [0, 1, 3] }],
    },
    {
      file: 'blobtrust/trustpolicy.blob.json',
      damage: (random) => damagedJson(BLOB_POLICY, random),
      runs: () => [{ name: 'verify-blob --notary-trust-policy', argv: ['verify-blob', '--notary-trust-policy', 'blobtrust/trustpolicy.blob.json', '--signature', 'LICENSE.jws.sig', '--format', 'json', 'LICENSE'], codes: [0, 1, 3] }],
    },
    {
      file: 'alpine.crt',
      damage: (random) => damagedPemFile(readFileSync(join(FIXTURES, 'notary-policy', 'truststore', 'x509', 'ca', 'alpine', 'alpine.crt'), 'utf8'), random, readFileSync(join(FIXTURES, 'notary-made', 'root.pem'), 'utf8')),
      runs: () => [{ name: 'verify --notary-trust-policy', argv: ['verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/alpine', '--format', 'json', '--oci-layout', `${notary}:v2`], codes: [0, 1, 3] }],
    },
    {
      file: 'release.sigstore.json',
      damage: (random) => {
        const text = readFileSync(join(fixtures, 'release.sigstore.json'), 'utf8');
        return random() < 0.3 ? { what: 'bundle damaged', bytes: Buffer.from(damagedBundle(text, random)) } : damagedJson(text, random);
      },
      runs: () => [{ name: 'verify-blob --bundle', argv: ['verify-blob', '--key', 'cosign.pub', '--bundle', 'release.sigstore.json', '--format', 'json', 'release.txt'], codes: [0, 1, 3] }],
    },
    {
      // attest-blob's: a DSSE envelope in the bundle.
      file: 'release.att.sigstore.json',
      damage: (random) => {
        const text = readFileSync(join(fixtures, 'release.att.sigstore.json'), 'utf8');
        return random() < 0.3 ? { what: 'bundle damaged', bytes: Buffer.from(damagedBundle(text, random)) } : damagedJson(JSON.stringify(JSON.parse(text), null, 2), random);
      },
      runs: () => [{ name: 'verify-blob --bundle (DSSE)', argv: ['verify-blob', '--key', 'cosign.pub', '--bundle', 'release.att.sigstore.json', '--type', 'slsaprovenance', 'release.txt'], codes: [0, 1, 3] }],
    },
  ];
  let statementText: string;
  before(() => {
    const digest = digestOf(readFileSync(join(fixtures, 'release.txt'))).slice(7);
    statementText = JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'release.txt', digest: { sha256: digest } }], predicateType: 'https://slsa.dev/provenance/v1', predicate: { buildDefinition: { buildType: 'https://example.com/build/v1', externalParameters: { ref: 'main' } }, runDetails: { builder: { id: 'https://example.com/builder' } } } }, null, 2);
    writeFileSync(join(fixtures, 'statement.json'), statementText);
  });

  /** A seed's folder: the good files, a copy of the layout it may write to, and the trust store where trustpolicy.json looks. */
  function seedFolder(): { work: string; layout: string } {
    const work = tempDir();
    cpSync(fixtures, work, { recursive: true });
    const layout = join(work, 'layout');
    cpSync(signed, layout, { recursive: true });
    return { work, layout };
  }

  it('undamaged: every run ends as the good files ask (the sweep starts from files that work)', async () => {
    const { work, layout } = seedFolder();
    for (const s of SWEPT) {
      for (const run of s.runs(() => 0.9, layout)) {
        const r = await runCliIn(work, ...run.argv);
        const want = run.name === 'verify-blob' && s.file !== 'cosign.pub' ? 3 : 0; // the blob is signed by cosign.key alone
        assert.equal(r.code, want, `${s.file}: ${run.argv.join(' ')}: ${r.stderr}${r.stdout}`);
      }
    }
  });

  const tally = new Map<string, number>();
  after(() => {
    if (SWEEP) console.log([...tally].sort().map(([k, n]) => `${n}\t${k}`).join('\n'));
  });

  let lastWork: string | undefined;
  for (let seed = FIRST!; seed <= LAST!; seed++) {
    it(`seed ${seed}`, async () => {
      if (lastWork) rmSync(lastWork, { recursive: true, force: true });
      const { work, layout } = seedFolder();
      lastWork = work;
      const random = seededRandom(seed);
      // Each file in turn, so the default seeds reach every one; the damage is the seed's.
      const s = SWEPT[(seed - 1) % SWEPT.length]!;
      const d = s.damage(random);
      const path = s.file === 'alpine.crt' ? join(work, 'truststore', 'x509', 'ca', 'alpine', 'alpine.crt') : join(work, s.file);
      place(path, d);
      const said = `${s.file} (${d.what}): ${d.bytes?.toString('utf8').slice(0, 400)}`;
      const bad: string[] = [];
      for (const run of s.runs(random, layout)) {
        const before = folderSnapshot(layout);
        rmSync(join(work, 'out.sigstore.json'), { force: true });
        rmSync(join(work, 'out.statement.json'), { force: true });
        const r = await runCliIn(work, ...run.argv);
        tally.set(`${s.file} ${run.name} exit ${r.code}`, (tally.get(`${s.file} ${run.name} exit ${r.code}`) ?? 0) + 1);
        if (LOG) console.log(`seed ${seed} ${said.slice(0, 120)}\n  ${run.name}: exit ${r.code} ${(r.stderr || r.stdout).split('\n')[0]!.slice(0, 300)}`);
        bad.push(...problems(run.name, r, s.file, run.codes));
        if (r.code !== 0 || !run.writes) assert.deepEqual(folderSnapshot(layout), before, `${run.name} (exit ${r.code}) changed the layout: ${r.stderr}`);
        if (r.code !== 0 && existsSync(join(work, 'out.sigstore.json'))) bad.push(`${run.name}: refused, and wrote its bundle anyway`);
        if (r.code !== 0) continue;

        // Accepted: what is signed is what the file says.
        if (s.file.startsWith('predicate-')) {
          const p = PREDICATES.find((x) => s.file === `predicate-${x.type.replace(/\W/g, '_')}`)!;
          const statement = run.name === 'attest' ? (run.argv.includes('--new-bundle-format') ? undefined : lastStatement(layout)) : JSON.parse(readFileSync(join(work, 'out.statement.json'), 'utf8'));
          if (statement) {
            const text = d.bytes!.toString('utf8');
            const want = p.type === 'custom' ? text : p.type === 'spdx' ? text : parsed(d);
            const got = p.type === 'custom' ? (statement.predicate as { Data: string }).Data : statement.predicate;
            if (!isDeepStrictEqual(got, want)) bad.push(`${run.name}: signed another predicate than the file's: ${JSON.stringify(got)?.slice(0, 200)}`);
            if (p.type !== 'custom' && p.type !== 'spdx') {
              const shape = jsonShape(want);
              if (shape.infinite) bad.push(`${run.name}: signed a predicate with a number past a double's range (cosign refuses it)`);
              if (shape.depth > 10_000) bad.push(`${run.name}: signed a predicate nested ${shape.depth} deep (cosign's decoder refuses past 10,000)`);
            }
          }
        }
        if (s.file === 'statement.json') {
          if (!readFileSync(join(work, 'out.statement.json')).equals(d.bytes!)) bad.push('attest-blob: signed another statement than the file');
          const doc = parsed(d) as Record<string, unknown> | undefined;
          if (!doc || typeof doc._type !== 'string' || !doc._type.startsWith('https://in-toto.io/Statement/')) bad.push('attest-blob: signed a file that is no in-toto statement');
        }
        if (s.file === 'pass.txt' && firstLine(d) !== PASS) bad.push(`sign: opened cosign.key with ${JSON.stringify(firstLine(d)?.slice(0, 40))}`);
        if (run.name === 'sign --notary-key') {
          // The Notary signature added verifies under the chain's root (the only Notary signature of v1).
          const v = await runCliIn(work, 'verify', '--notary-roots', join(FIXTURES, 'notary-made', 'root.pem'), '--oci-layout', `${layout}:v1`);
          if (v.code !== 0) bad.push(`sign --notary-key: what it signed does not verify: ${v.stdout.slice(0, 300)}`);
        }
        if (run.writes && (s.file === 'pass.txt' || s.file === 'cosign.key')) {
          // The signature or attestation added (the tag's last layer) verifies with cosign.key's public key, or (a
          // second key first in the file) the other's.
          const v = await runCliIn(work, run.name === 'sign' ? 'verify' : 'verify-attestation', '--key', 'cosign.pub', '--key', 'other.pub', '--format', 'json', '--oci-layout', `${layout}:v1`);
          const found = (JSON.parse(v.stdout).manifests[0][run.name === 'sign' ? 'signatures' : 'attestations'] as Array<{ layer: number; valid: boolean; key?: string }>).sort((a, b) => b.layer - a.layer)[0];
          if (!found?.valid || (found.key === 'other.pub' && !d.what.includes('before'))) bad.push(`${run.name}: what it signed does not verify with the key in the file: ${JSON.stringify(found)}`);
        }
      }
      assert.deepEqual(bad, [], said);
    });
  }
});
