// Notary Project signatures damaged at random, the same way every run (seeded): notation's own JWS and COSE
// signatures of its image (test/fixtures/notary-vector) and two made here (test/helpers/notaryEnvelopes.ts), all
// referrers of that image; one of them is damaged (the JWS JSON, its protected header or payload decoded, mutated and
// re-encoded so the damage passes base64url and reaches the parsers behind the signature check, the COSE bytes, a
// certificate of its chain, or the referrer manifest holding it), then every command that reads referrers runs on
// it. None may crash; verify's exit code stays 0, 1 or 3; verify names a problem on the damaged signature, or says
// why it is still valid (the damage was in a part the signature does not cover).
// More seeds, once, outside the suite: SWEEP_SEEDS=37-400 npx mocha test/unit/damagedNotaryRandom.test.ts
// (SWEEP_LOG=1 prints what verify said of each damaged signature).
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { parseCose } from '../../src/oci/signatures/notary/notaryCose';
import { mutateBytes, mutateCbor, mutateDer } from '../helpers/byteMutations';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { attachNotary, made, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, signCose, signJws, VECTOR } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const REF = 'org.opencontainers.image.ref.name';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const imageBytes = () => readFileSync(join(VECTOR, 'manifest.json'));
const IMAGE: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(imageBytes()), size: imageBytes().length };

/** The four envelopes: notation's JWS and COSE, and a JWS and a COSE made here (an EC leaf, its chain of three). */
function envelopes(): Array<[Buffer, string]> {
  const target = { mediaType: IMAGE.mediaType, digest: IMAGE.digest, size: IMAGE.size };
  return [
    [readFileSync(join(VECTOR, 'jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE],
    [readFileSync(join(VECTOR, 'cose_signature.sig')), NOTARY_COSE_MEDIA_TYPE],
    [signJws({ target }), NOTARY_JWS_MEDIA_TYPE],
    [signCose({ target }), NOTARY_COSE_MEDIA_TYPE],
  ];
}

const b64url = (text: string) => Buffer.from(text, 'base64url');

/** `cose` with the certificate `der` (held as a CBOR byte string) replaced by `to`, its byte string's head rewritten. */
function replaceCborBytes(cose: Buffer, der: Buffer, to: Buffer): Buffer {
  const at = cose.indexOf(der);
  const headLength = der.length < 24 ? 1 : der.length < 0x100 ? 2 : der.length < 0x10000 ? 3 : 5;
  const n = to.length;
  const head = n < 24 ? Buffer.from([0x40 | n]) : n < 0x100 ? Buffer.from([0x58, n]) : Buffer.from([0x59, n >> 8, n & 0xff]);
  return Buffer.concat([cose.subarray(0, at - headLength), head, to, cose.subarray(at + der.length)]);
}

/** The DER certificates a COSE envelope carries (label 33), found by their SEQUENCE heads in its bytes. */
function coseCertificates(cose: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 4 < cose.length; i++) {
    if (cose[i] === 0x59 && cose[i + 3] === 0x30 && cose[i + 4] === 0x82) {
      const n = cose.readUInt16BE(i + 1);
      if (cose.readUInt16BE(i + 5) + 4 === n) out.push(cose.subarray(i + 3, i + 3 + n));
    }
  }
  return out;
}

interface Damage {
  /** Which envelope (0-3), and what was done to it. */
  which: number;
  what: string;
  /** Why it may still verify, when the damage cannot reach what is signed; undefined when it must not. */
  ignorable?: string;
  /** The damaged envelope's digest (the layer verify names), or the damaged manifest's. */
  layerDigest?: string;
  manifestDigest?: string;
  shown: string;
}

/** The signed parts of a JWS (protected, payload, signature, the leaf), to tell damage outside them. */
function jwsSigned(text: string): string | undefined {
  try {
    const e = JSON.parse(text) as Json;
    return JSON.stringify([e.protected, e.payload, e.signature, e.header?.x5c]);
  } catch {
    return undefined;
  }
}

/** `envelope` damaged one way (drawn by `random`). */
function damage(envelope: Buffer, mediaType: string, random: () => number): { bytes: Buffer; what: string } {
  const kind = random();
  if (mediaType === NOTARY_JWS_MEDIA_TYPE) {
    const e = JSON.parse(envelope.toString()) as Json;
    if (kind < 0.3) return { bytes: Buffer.from(mutateJson(envelope.toString(), random)), what: 'its JSON' };
    if (kind < 0.5) {
      e.protected = Buffer.from(mutateJson(b64url(e.protected).toString(), random)).toString('base64url');
      return { bytes: Buffer.from(JSON.stringify(e)), what: `its protected header: ${b64url(e.protected).toString()}` };
    }
    if (kind < 0.7) {
      e.payload = Buffer.from(mutateJson(b64url(e.payload).toString(), random)).toString('base64url');
      return { bytes: Buffer.from(JSON.stringify(e)), what: `its payload: ${b64url(e.payload).toString()}` };
    }
    const chain = e.header.x5c as string[];
    const i = Math.floor(random() * chain.length);
    const d = mutateDer(Buffer.from(chain[i]!, 'base64'), random);
    chain[i] = d.bytes.toString('base64');
    return { bytes: Buffer.from(JSON.stringify(e)), what: `x5c[${i}]: ${d.what}` };
  }
  if (kind < 0.35) return { bytes: mutateBytes(envelope, random), what: 'its bytes' };
  if (kind < 0.7) {
    const d = mutateCbor(envelope, random);
    return { bytes: d.bytes, what: `its CBOR: ${d.what}` };
  }
  const certs = coseCertificates(envelope);
  const i = Math.floor(random() * certs.length);
  const d = mutateDer(certs[i]!, random);
  return { bytes: replaceCborBytes(envelope, certs[i]!, d.bytes), what: `certificate ${i} of its chain (label 33): ${d.what}` };
}

/** Whether two COSE envelopes sign the same (Sig_structure, signature) with the same leaf: what differs is not signed. */
function coseSignedSame(a: Buffer, b: Buffer): boolean {
  const [x, y] = [parseCose(a), parseCose(b)];
  if ('malformed' in x || 'malformed' in y) return false;
  return x.signingInput.equals(y.signingInput) && x.signature.equals(y.signature) && x.certificates[0]!.equals(y.certificates[0]!);
}

/** A layout with the image tagged v2 and the four envelopes as its referrers, one damaged at random (none without `random`). */
async function damagedLayout(random?: () => number): Promise<{ dir: string; damage?: Damage }> {
  const store = await newLayout();
  await store.push(IMAGE, imageBytes());
  await store.tag(IMAGE, 'v2');
  const list = envelopes();
  const which = random ? Math.floor(random() * list.length) : -1;
  const manifestDamage = random ? random() < 0.2 : false;
  let d: Damage | undefined;
  if (which >= 0 && !manifestDamage) {
    const [original, mediaType] = list[which]!;
    const { bytes, what } = damage(original, mediaType, random!);
    list[which] = [bytes, mediaType];
    // Outside what a JWS signs (its unprotected header but x5c), or a COSE envelope's (its unprotected map, the chain
    // past the leaf): still valid.
    const unsigned =
      mediaType === NOTARY_JWS_MEDIA_TYPE ? jwsSigned(bytes.toString()) !== undefined && jwsSigned(bytes.toString()) === jwsSigned(original.toString()) : coseSignedSame(bytes, original);
    const sameLeaf = what.startsWith('x5c[') && !what.startsWith('x5c[0]') ? 'a certificate of the chain past the leaf, when the chain built still reaches the root given' : undefined;
    const ignorable = unsigned ? 'its unprotected header or a chain certificate past the leaf (not signed)' : sameLeaf ?? (bytes.equals(original) ? 'no change' : undefined);
    d = { which, what, ignorable, layerDigest: digestOf(bytes), shown: bytes.toString('latin1').slice(0, 3000) };
  }
  const made: Descriptor[] = [];
  for (const [bytes, mediaType] of list) made.push(await attachNotary(store, IMAGE, bytes, mediaType));
  if (which < 0 || !manifestDamage) return { dir: store.location, damage: d };
  const path = (digest: string) => join(store.location, 'blobs', 'sha256', digest.slice(7));
  const original = readFileSync(path(made[which]!.digest), 'utf8');
  const damaged = mutateJson(original, random!);
  const stored = { digest: digestOf(Buffer.from(damaged)), size: Buffer.byteLength(damaged) };
  // Written as a file: the store refuses to push a damaged manifest, as it should.
  writeFileSync(path(stored.digest), damaged);
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Array<{ digest: string; size: number; annotations?: Record<string, string> }> };
  index.manifests = index.manifests.map((m) => (m.digest === made[which]!.digest && !m.annotations?.[REF] ? { ...m, digest: stored.digest, size: stored.size } : m));
  writeFileSync(file, JSON.stringify(index));
  let ignorable: string | undefined;
  try {
    const [a, b] = [JSON.parse(original) as Json, JSON.parse(damaged) as Json];
    // The subject's digest finds the referrer; what is verified is the envelope's payload, which names the image itself
    // (its digest, size and media type, checked against the image's): the rest of the subject descriptor signs nothing.
    if (JSON.stringify(a.layers) === JSON.stringify(b.layers) && a.subject?.digest === b.subject?.digest && a.artifactType === b.artifactType) ignorable = 'the manifest around the envelope (its config, annotations, the subject but its digest)';
  } catch {
    // Not JSON: must be named.
  }
  return { dir: store.location, damage: { which, what: 'its referrer manifest', ignorable, manifestDigest: stored.digest, shown: damaged } };
}

/** A trust store of notation's root (alpine.crt) and the made root. */
function roots(): string {
  const dir = join(tempDir(), 'roots');
  mkdirSync(dir);
  copyFileSync(join(VECTOR, 'alpine.crt'), join(dir, 'alpine.crt'));
  copyFileSync(made('root.pem'), join(dir, 'root.pem'));
  return dir;
}

function commands(dir: string, trust: string, out: string): string[][] {
  const ref = ['--oci-layout', `${dir}:v2`];
  return [
    ['verify', '--notary-roots', trust, '--format', 'json', ...ref],
    ['verify', '--notary-roots', trust, ...ref],
    ['verify', '--notary-roots', trust, '--recursive', ...ref],
    ['coverage', ...ref],
    ['coverage', ...ref, '--format', 'json'],
    ['discover', ...ref, '--recursive'],
    ['check', ...ref],
    ['cp', '-r', '--from-oci-layout', '--to-oci-layout', `${dir}:v2`, `${join(out, 'copy')}:v2`],
  ];
}

/** What verify's JSON says of the damaged signature: undefined when fine, else what is wrong. */
function judged(doc: Json, d: Damage): string | undefined {
  const sigs = (doc.manifests?.[0]?.signatures ?? []) as Json[];
  const s = sigs.find((x) => (d.layerDigest ? x.layerDigest === d.layerDigest : x.manifest === d.manifestDigest));
  if (!s) return d.manifestDigest ? undefined : `the damaged signature is not listed: ${JSON.stringify(sigs)}`; // a manifest with no subject any more is no referrer
  if (process.env.SWEEP_LOG) console.log(`${d.which} ${d.what.slice(0, 80)}: ${s.valid ? `valid (${d.ignorable})` : `${s.problem}: ${s.reason}`}`);
  if (s.valid) return d.ignorable ? undefined : `the damaged signature is valid: ${JSON.stringify(s)}`;
  if (typeof s.problem !== 'string' || typeof s.reason !== 'string' || s.reason === '') return `no named problem: ${JSON.stringify(s)}`;
  return undefined;
}

describe('Notary signatures damaged at random (seeded): every command names the problem', function () {
  this.timeout(120_000);
  let trust: string;
  before(() => {
    trust = roots();
  });

  it('undamaged: all four verify under the two roots (the sweep starts from valid signatures)', async () => {
    const { dir } = await damagedLayout();
    const r = await runCli(...commands(dir, trust, tempDir())[0]!);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const sigs = JSON.parse(r.stdout).manifests[0].signatures as Json[];
    assert.deepEqual(sigs.map((s) => [s.valid, s.format]), [[true, 'notary'], [true, 'notary'], [true, 'notary'], [true, 'notary']]);
  });

  const seeds = (process.env.SWEEP_SEEDS ?? '1-36').split('-').map(Number);
  for (let seed = seeds[0]!; seed <= seeds[1]!; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const work = tempDir();
      const { dir, damage: d } = await damagedLayout(random);
      const bad: string[] = [];
      for (const argv of commands(dir, trust, work)) {
        const r = await runCli(...argv);
        const shown = r.stderr + r.stdout;
        if (CRASH_TEXT.test(shown)) bad.push(`${argv.slice(0, 2).join(' ')}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
        if (argv[0] === 'verify' && ![0, 1, 3].includes(r.code)) bad.push(`verify: exit code ${r.code}: ${shown}`);
        if (argv[0] === 'verify' && argv.includes('json') && r.code !== 1) {
          const wrong = judged(JSON.parse(r.stdout) as Json, d!);
          if (wrong) bad.push(`verify: ${wrong}`);
        }
      }
      assert.deepEqual(bad, [], `envelope ${d!.which}, ${d!.what}: ${d!.shown.slice(0, 600)}`);
    });
  }
});
