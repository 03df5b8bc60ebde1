// inspect's attestations damaged at random, the same way every run (seeded): in a layout whose image has cosign's
// classic .att manifest (two key-signed DSSE layers attest made, one with cosign's real keyless envelope and its
// certificate, chain and Rekor bundle annotations) and a Sigstore bundle attestation (cosign 3's vector), one stored
// attestation is damaged (its layer bytes: cut, flipped, its envelope's JSON, its statement re-encoded; or one of its
// layer's annotations; or the manifest that holds it) and put back where inspect finds it. inspectImage must return,
// listing the damaged one with its problem or its facts, every other as it was; the text and JSON the CLI prints
// hold no crash text; nothing stored changes. SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectJson } from '../../src/cli/inspectOutput';
import { attestManifest, DSSE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, PREDICATE_TYPES } from '../../src/oci/attestations';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciError } from '../../src/oci/errors';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, type ImageInspection, type InspectedAttestation, inspectImage, inspectText, SIGNATURE_ANNOTATION, signKey } from '../../src/oci/signatures';
import { mutateBytes, mutateDer } from '../helpers/byteMutations';
import { CRASH_TEXT, mutateJson, ODD_VALUES, seededRandom } from '../helpers/jsonMutations';
import { attachBundle, attestation, FULCIO_V1, type Json, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, folderSnapshot, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

const REF = 'org.opencontainers.image.ref.name';
const ENVELOPE = readFileSync(join(__dirname, '..', 'fixtures', 'cosign-attestation', 'envelope.json'));
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** The classic layer annotations cosign writes for a keyless attestation: the real bundle's certificate and Rekor entry, Fulcio's chain. */
function keylessAnnotations(): Record<string, string> {
  const vm = attestation().verificationMaterial;
  const entry = vm.tlogEntries[0];
  const logID = Buffer.from(entry.logId.keyId, 'base64').toString('hex');
  const rekor = { SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp, Payload: { body: entry.canonicalizedBody, integratedTime: Number(entry.integratedTime), logIndex: Number(entry.logIndex), logID } };
  return {
    [SIGNATURE_ANNOTATION]: '',
    [PREDICATE_TYPE_ANNOTATION]: PREDICATE_TYPES.custom!,
    [CERTIFICATE_ANNOTATION]: new X509Certificate(Buffer.from(vm.certificate.rawBytes, 'base64')).toString(),
    [CHAIN_ANNOTATION]: readFileSync(sigstoreFixture('fulcio_intermediate.pem'), 'utf8') + readFileSync(FULCIO_V1, 'utf8'),
    [BUNDLE_ANNOTATION]: JSON.stringify(rekor),
  };
}

interface Base {
  dir: string;
  /** The .att tag, and the bundle referrer's manifest digest. */
  attTag: string;
  bundleManifest: string;
  /** The undamaged inspection. */
  clean: ImageInspection;
}

async function baseLayout(): Promise<Base> {
  const store = await newLayout();
  const image = await storeImage(store);
  const key = signKey('cosign.key', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
  await attestManifest(store, image, key, 'slsaprovenance', Buffer.from(JSON.stringify({ buildType: 'https://example.com/build@v1', builder: { id: 'https://ci.example.com' } })), 'r.example/app');
  const made = await attestManifest(store, image, key, 'custom', Buffer.from('reviewed\n'), 'r.example/app');
  // The third layer: cosign's own keyless attestation (its statement names this image) with every annotation inspect reads.
  const manifest = JSON.parse((await store.fetchBytes(made.manifest)).toString()) as { layers: Descriptor[] };
  manifest.layers.push({ ...(await pushBlob(store, ENVELOPE, DSSE_MEDIA_TYPE)), annotations: keylessAnnotations() });
  const att = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: await pushBlob(store, '{}', MediaType.ImageConfig), layers: manifest.layers });
  await store.tag(att, made.tag);
  const bundle = await attachBundle(store, image, attestation());
  const clean = await inspectImage(store, 'v1');
  return { dir: store.location, attTag: made.tag, bundleManifest: bundle.digest, clean };
}

const blobFile = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice(7));
const writeBlob = (dir: string, bytes: Buffer): Descriptor => {
  const d = { mediaType: '', digest: digestOf(bytes), size: bytes.length };
  writeFileSync(blobFile(dir, d.digest), bytes);
  return d;
};

/** index.json's entry for `digest` (the tag's, or the untagged referrer's) pointed at `bytes`, written as a blob. */
function replaceManifest(dir: string, digest: string, bytes: Buffer): string {
  const stored = writeBlob(dir, bytes);
  const file = join(dir, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
  index.manifests = index.manifests.map((m) => (m.digest === digest ? { ...m, digest: stored.digest, size: stored.size } : m));
  writeFileSync(file, JSON.stringify(index));
  return stored.digest;
}

/** A PEM text damaged: cut, a base64 character changed, its DER damaged and re-encoded, its label changed, or text around it. */
function damagePem(pem: string, random: () => number): { text: string; what: string } {
  const kind = Math.floor(random() * 5);
  if (kind === 0) {
    const at = Math.floor(random() * pem.length);
    return { text: pem.slice(0, at), what: `cut at ${at}` };
  }
  if (kind === 1) {
    const b64 = [...pem.matchAll(/^[A-Za-z0-9+/=]+$/gm)];
    const line = pick(random, b64);
    const at = line.index! + Math.floor(random() * line[0].length);
    return { text: pem.slice(0, at) + pick(random, ['A', '/', '=', '-', '', '\n', '*']) + pem.slice(at + 1), what: `base64 at ${at}` };
  }
  if (kind === 2) {
    const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----\r?\n?/g)];
    const b = pick(random, blocks);
    const mutated = mutateDer(Buffer.from(b[1]!.replace(/\s+/g, ''), 'base64'), random);
    const again = `-----BEGIN CERTIFICATE-----\n${mutated.bytes.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    return { text: pem.slice(0, b.index) + again + pem.slice(b.index! + b[0].length), what: `DER: ${mutated.what}` };
  }
  if (kind === 3) return { text: pem.replace(/CERTIFICATE/, pick(random, ['PUBLIC KEY', 'CERTIFICATE REQUEST', 'X509 CRL', ''])), what: 'a label' };
  return { text: pick(random, ['', '\n', 'junk\n', pem + pem]) + pem.replace(/-----END CERTIFICATE-----\n?$/, pick(random, ['', '-----END CERTIFICATE', '-----END CERTIFICATE-----\n\0'])), what: 'text around' };
}

/** `bytes` (a DSSE envelope's JSON) with its payload (a statement) damaged as JSON and re-encoded. */
function damagePayload(envelope: Json, random: () => number): Json {
  const statement = Buffer.from(envelope.payload as string, 'base64').toString();
  return { ...envelope, payload: Buffer.from(mutateJson(statement, random)).toString('base64') };
}

interface Damage {
  /** The manifest holding the damaged attestation (its new digest) and the layer; undefined layer: the manifest itself. */
  manifest: string;
  layer?: number;
  format: 'cosign' | 'bundle';
  what: string;
}

/** One stored attestation damaged in the layout at `dir`. */
function damage(base: Base, dir: string, random: () => number): Damage {
  const classic = random() < 0.7;
  const oldManifest = classic ? base.clean.manifests[0]!.attestations.find((a) => a.format === 'cosign')!.manifest : base.bundleManifest;
  const manifest = JSON.parse(readFileSync(blobFile(dir, oldManifest), 'utf8')) as Json;
  const format = classic ? 'cosign' : 'bundle';
  const kind = random();
  if (kind < 0.1) {
    const text = mutateJson(JSON.stringify(manifest), random);
    return { manifest: replaceManifest(dir, oldManifest, Buffer.from(text)), format, what: `the manifest: ${text}` };
  }
  const layer = Math.floor(random() * manifest.layers.length);
  const desc = manifest.layers[layer] as Json;
  let what = '';
  if (classic && kind < 0.4) {
    // One annotation inspect reads: the keyless layer's (the one with all) most of the time.
    const at = random() < 0.7 ? 2 : layer;
    const annotations = manifest.layers[at].annotations as Record<string, string>;
    const name = pick(random, [PREDICATE_TYPE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, BUNDLE_ANNOTATION]);
    const old = annotations[name] ?? '';
    if (name === BUNDLE_ANNOTATION) annotations[name] = random() < 0.8 ? mutateJson(old || '{}', random) : mutateBytes(Buffer.from(old), random).toString('latin1');
    else if (name === PREDICATE_TYPE_ANNOTATION) annotations[name] = pick(random, ['', '\u202e', 'x'.repeat(5000), '\n\ninjected', old.slice(0, -3)]);
    else if (old) {
      const d = damagePem(old, random);
      annotations[name] = d.text;
      what = d.what;
    } else annotations[name] = pick(random, ODD_VALUES);
    if (random() < 0.1) (manifest.layers[at] as Json).annotations = { ...annotations, [name]: pick(random, [null, 7, {}, []]) };
    const text = JSON.stringify(manifest);
    return { manifest: replaceManifest(dir, oldManifest, Buffer.from(text)), layer: at, format, what: `layers[${at}] ${name}: ${what} ${JSON.stringify((manifest.layers[at] as Json).annotations[name]).slice(0, 400)}` };
  }
  const bytes = readFileSync(blobFile(dir, desc.digest as string));
  const doc = JSON.parse(bytes.toString()) as Json;
  const how = Math.floor(random() * 4);
  let damaged: Buffer;
  if (how === 0) {
    damaged = mutateBytes(bytes, random);
    what = 'bytes';
  } else if (how === 1) {
    damaged = bytes.subarray(0, Math.floor(random() * bytes.length));
    what = `cut at ${damaged.length}`;
  } else if (how === 2) {
    damaged = Buffer.from(mutateJson(bytes.toString(), random));
    what = 'JSON';
  } else {
    // The statement inside, damaged as JSON and re-encoded (the envelope, or the bundle's dsseEnvelope).
    if (classic) damaged = Buffer.from(JSON.stringify(damagePayload(doc, random)));
    else damaged = Buffer.from(JSON.stringify({ ...doc, dsseEnvelope: damagePayload(doc.dsseEnvelope as Json, random) }));
    what = 'the statement';
  }
  const stored = writeBlob(dir, damaged);
  manifest.layers[layer] = { ...desc, digest: stored.digest, size: stored.size };
  return { manifest: replaceManifest(dir, oldManifest, Buffer.from(JSON.stringify(manifest))), layer, format, what: `layers[${layer}] ${what}: ${damaged.toString().slice(0, 400)}` };
}

/** An attestation as it reads apart from the manifest it was found in (a damaged neighbour gives the manifest a new digest). */
const placeless = (a: InspectedAttestation) => ({ ...a, manifest: '' });

/** What is wrong with the damaged run's inspection `got`, against the undamaged one. */
function judged(base: Base, got: ImageInspection, d: Damage): string[] {
  const bad: string[] = [];
  const atts = got.manifests[0]!.attestations;
  const clean = base.clean.manifests[0]!.attestations;
  const isDamaged = (a: { manifest: string; layer?: number }) => a.manifest === d.manifest && (d.layer === undefined || a.layer === d.layer);
  // Every other attestation as it was.
  for (const c of clean) {
    if (c.format === d.format && (d.layer === undefined || c.layer === d.layer)) continue;
    if (!atts.some((a) => !isDamaged(a) && JSON.stringify(placeless(a)) === JSON.stringify(placeless(c)))) bad.push(`changed or gone: ${JSON.stringify(c).slice(0, 300)}`);
  }
  // A damaged bundle may read as a signature now (its statement's predicate type is what sorts it).
  const sigs = got.manifests[0]!.signatures.filter((s) => s.manifest !== d.manifest);
  if (sigs.length > 0) bad.push(`a signature appears: ${JSON.stringify(sigs).slice(0, 300)}`);
  const damaged = [...atts.filter(isDamaged), ...got.manifests[0]!.signatures.filter(isDamaged)] as InspectedAttestation[];
  // A damaged manifest may no longer be found at all (its subject or tag gone) or list no layer: then it is named, or gone.
  if (damaged.length === 0 && d.layer !== undefined) bad.push('the damaged attestation is not listed');
  for (const a of damaged) {
    if (a.problem !== undefined && (typeof a.problem !== 'string' || a.problem === '' || CRASH_TEXT.test(a.problem))) bad.push(`problem: ${a.problem}`);
    // The place: the layer, or the manifest (by digest) when the damage is the manifest's.
    if (a.problem && !a.problem.includes(`layers[${a.layer}]`) && !a.problem.includes(d.manifest)) bad.push(`problem names no place: ${a.problem}`);
    if (a.problem === undefined && !a.envelope && !('bundle' in a && a.bundle && 'content' in a.bundle)) bad.push(`neither a problem nor an envelope: ${JSON.stringify(a)}`);
    const cert = a.cosign?.certificate;
    if (cert && !('sha256' in cert) && !(typeof cert.malformed === 'string' && cert.malformed !== '')) bad.push(`certificate: ${JSON.stringify(cert)}`);
    const rekor = a.cosign?.rekorBundle;
    if (rekor && !('logIndex' in rekor) && typeof rekor.malformed !== 'string') bad.push(`rekor bundle: ${JSON.stringify(rekor)}`);
  }
  return bad;
}

/** For SWEEP_LOG: what the damaged attestation's inspection names wrong (its problem, its signer's parts), or that it reads. */
const shownProblem = (a: InspectedAttestation) => {
  const c = a.cosign;
  const parts = [a.problem, c?.certificate && 'malformed' in c.certificate ? c.certificate.malformed : undefined, c?.chainProblem, c?.rekorBundle && 'malformed' in c.rekorBundle ? c.rekorBundle.malformed : undefined];
  return parts.filter((p) => p !== undefined).join(' / ') || 'reads';
};

describe("inspect's attestations damaged at random (seeded): each listed with its problem or its facts, the others intact", function () {
  this.timeout(120_000);
  let base: Base;
  before(async () => {
    base = await baseLayout();
  });

  it('undamaged: three classic attestations and the bundle attestation, each read whole (the sweep starts from attestations that read)', () => {
    const atts = base.clean.manifests[0]!.attestations;
    assert.deepEqual(atts.map((a) => [a.format, a.layer, a.problem, a.envelope?.statement?.namesThisManifest]).sort(), [
      ['bundle', 0, undefined, true],
      ['cosign', 0, undefined, true],
      ['cosign', 1, undefined, true],
      ['cosign', 2, undefined, true],
    ]);
    const keyless = atts.find((a) => a.format === 'cosign' && a.layer === 2)!;
    assert.deepEqual([typeof (keyless.cosign!.certificate as Json).sha256, keyless.cosign!.chainLength, typeof (keyless.cosign!.rekorBundle as Json).logIndex], ['string', 2, 'number']);
  });

  let lastWork: string | undefined;
  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      // The previous seed's copy removed now: a long sweep leaves no pile for cleanupTemps.
      if (lastWork) rmSync(lastWork, { recursive: true, force: true });
      const work = (lastWork = tempDir());
      const dir = join(work, 'layout');
      cpSync(base.dir, dir, { recursive: true });
      const d = damage(base, dir, random);
      const before = folderSnapshot(dir);
      const store = await OciLayoutStore.open(dir);
      let got: ImageInspection;
      try {
        got = await inspectImage(store, 'v1');
      } catch (err) {
        // Only damage to the layout itself (a manifest) may stop inspect, and then by an OciError naming it.
        assert.ok(err instanceof OciError && d.layer === undefined && !CRASH_TEXT.test(err.message), `${(err as Error).stack}\n${d.what}`);
        return;
      }
      const bad = judged(base, got, d);
      for (const text of [inspectText(dir, got), JSON.stringify(inspectJson(dir, got))]) {
        const line = text.split('\n').find((l) => CRASH_TEXT.test(l));
        if (line) bad.push(`rendered: ${line.slice(0, 300)}`);
      }
      if (process.env.SWEEP_LOG) console.log(`${seed} ${d.what.slice(0, 100).replace(/\n/g, ' ')}: ${got.manifests[0]!.attestations.filter((a) => a.manifest === d.manifest && (d.layer === undefined || a.layer === d.layer)).map(shownProblem).join('; ')}`);
      assert.deepEqual(folderSnapshot(dir), before, 'inspect changed the layout');
      assert.deepEqual(bad, [], d.what);
    });
  }
});
