// inspect's attestations, listed apart from the signatures and read without trusting anything: those `attest` makes
// (cosign's classic `.att` DSSE layer, and cosign 3's Sigstore bundle), cosign's own attestation (its test data)
// stored as the classic format stores it with its real certificate and Rekor entry, and damaged ones, each listed
// with its problem. Digests, sizes and fingerprints are computed here from the bytes.
import { strict as assert } from 'node:assert';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DSSE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, PREDICATE_TYPES } from '../../src/oci/attestations';
import type { Descriptor } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, type InspectedAttestation, type InspectedSignature, SIGNATURE_ANNOTATION } from '../../src/oci/signatures';
import { cosignKeyFiles } from '../helpers/cosignKeys';
import { runCli } from '../helpers/runCli';
import { attestation, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, makeMultiArchLayout, newLayout, pushBlob, pushManifest } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ENVELOPE = readFileSync(join(__dirname, '..', 'fixtures', 'cosign-attestation', 'envelope.json'));
const IN_TOTO = 'application/vnd.in-toto+json';

const inspectJson = async (ref: string, ...flags: string[]) => {
  const r = await runCli('inspect', '--format', 'json', ...flags, '--oci-layout', ref);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout) as Json;
};
const inspectText = async (ref: string, ...flags: string[]) => {
  const r = await runCli('inspect', ...flags, '--oci-layout', ref);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return r.stdout;
};
/** The lines of the text under the manifest `digest`'s header, up to the next header. */
const under = (text: string, digest: string) => {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes(`@${digest}: `));
  const next = lines.findIndex((l, i) => i > at && /^[^├└│ ]/.test(l));
  return lines.slice(at, next < 0 ? undefined : next).join('\n');
};

/** The bytes a layout's tag names, from its index.json and blob files (not through the store). */
function taggedBytes(store: OciLayoutStore, tag: string): Buffer {
  const index = JSON.parse(readFileSync(join(store.location, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const d = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)!;
  return readFileSync(join(store.location, 'blobs', 'sha256', d.digest.slice(7)));
}

/** The classic layer annotations cosign writes for a keyless attestation, from the real bundle's certificate and Rekor entry. */
function keylessAnnotations(): { annotations: Record<string, string>; der: Buffer; entry: Json; logID: string } {
  const vm = attestation().verificationMaterial;
  const der = Buffer.from(vm.certificate.rawBytes, 'base64');
  const entry = vm.tlogEntries[0];
  const logID = Buffer.from(entry.logId.keyId, 'base64').toString('hex');
  // cosign's classic Rekor bundle: the entry's SET and what it signs (body, integrated time, log index, log ID in hex).
  const rekor = { SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp, Payload: { body: entry.canonicalizedBody, integratedTime: Number(entry.integratedTime), logIndex: Number(entry.logIndex), logID } };
  const annotations = { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: PREDICATE_TYPES.custom!, [CERTIFICATE_ANNOTATION]: new X509Certificate(der).toString(), [BUNDLE_ANNOTATION]: JSON.stringify(rekor) };
  return { annotations, der, entry, logID };
}

/** An attestation manifest of `layers` (each envelope bytes, or a descriptor of a blob never stored), as cosign's `.att` manifest. */
async function attManifest(store: OciLayoutStore, layers: Array<Buffer | Descriptor>, annotations: Record<string, string>): Promise<Descriptor> {
  const descs: Descriptor[] = [];
  for (const l of layers) descs.push({ ...(Buffer.isBuffer(l) ? await pushBlob(store, l, DSSE_MEDIA_TYPE) : l), annotations });
  return pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: await pushBlob(store, '{}', MediaType.ImageConfig), layers: descs });
}

describe('inspect: attestations attest made, apart from the signatures', () => {
  it("classic (.att) on the index, twice; a Sigstore bundle on linux/amd64: each's predicate type, subject, envelope and signer; the signatures unmoved", async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const k = cosignKeyFiles();
    const at = `${store.location}:multi`;
    const provenance = { buildType: 'https://example.com/build@v1', builder: { id: 'https://ci.example.com' } };
    const sbom = { spdxVersion: 'SPDX-2.3', name: 'app' };
    writeFileSync(join(k.dir, 'provenance.json'), JSON.stringify(provenance, null, 2));
    writeFileSync(join(k.dir, 'sbom.json'), JSON.stringify(sbom));
    writeFileSync(join(k.dir, 'note.txt'), 'reviewed\n');
    const ok = async (...argv: string[]) => {
      const r = await runCli(...argv);
      assert.equal(r.code, 0, r.stderr);
    };
    const key = ['--key', k.key, '--passphrase-file', k.pass, '--subject-name', 'r.example/app'];
    await ok('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--oci-layout', at);
    await ok('attest', ...key, '--predicate', join(k.dir, 'provenance.json'), '--type', 'slsaprovenance', '--oci-layout', at);
    await ok('attest', ...key, '--predicate', join(k.dir, 'note.txt'), '--type', 'custom', '--oci-layout', at);
    await ok('attest', ...key, '--predicate', join(k.dir, 'sbom.json'), '--type', 'spdxjson', '--new-bundle-format', '--platform', 'linux/amd64', '--oci-layout', at);

    const indexHex = sha256(taggedBytes(store, 'multi'));
    assert.equal(`sha256:${indexHex}`, index.digest);
    const doc = await inspectJson(at, '--recursive');
    const of = (d: Descriptor) => (doc.manifests as Json[]).find((m) => m.digest === d.digest)! as { signatures: InspectedSignature[]; attestations: InspectedAttestation[] };
    assert.deepEqual(of(index).signatures.map((s) => s.format), ['cosign']);
    const classic = of(index).attestations;
    assert.deepEqual(classic.map((a) => [a.format, a.layer, a.envelope?.statement?.predicateType, a.annotatedPredicateType]), [
      ['cosign', 0, 'https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v0.2'],
      ['cosign', 1, 'https://cosign.sigstore.dev/attestation/v1', 'https://cosign.sigstore.dev/attestation/v1'],
    ]);
    const [slsa] = classic;
    assert.deepEqual(slsa!.via, ['cosign-tag']);
    assert.equal(slsa!.tag, `sha256-${indexHex}.att`);
    assert.equal(slsa!.mediaType, DSSE_MEDIA_TYPE);
    assert.equal(slsa!.problem, undefined);
    assert.equal(slsa!.envelope!.payloadType, IN_TOTO);
    assert.deepEqual(slsa!.envelope!.signatures, [{}]);
    assert.deepEqual(slsa!.envelope!.statement, {
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subjects: [{ name: 'r.example/app', digest: { sha256: indexHex }, thisManifest: true }],
      namesThisManifest: true,
      predicateSize: Buffer.byteLength(JSON.stringify(provenance)),
    });
    // Key-signed, no Rekor bundle (attest does not upload): the signer as a signature's.
    assert.deepEqual(slsa!.cosign, { chainLength: 0, rfc3161Timestamp: false });

    const amd64 = children.find((c) => c.platform?.architecture === 'amd64')!;
    assert.deepEqual(of(amd64).signatures, []);
    const [b, ...more] = of(amd64).attestations;
    assert.deepEqual(more, []);
    assert.deepEqual([b!.format, b!.via, b!.envelope!.statement!.predicateType], ['bundle', ['referrers'], 'https://spdx.dev/Document']);
    assert.deepEqual(b!.envelope!.statement!.subjects, [{ name: 'r.example/app', digest: { sha256: sha256(await store.fetchBytes(amd64)) }, thisManifest: true }]);
    assert.equal(b!.envelope!.statement!.predicateSize, Buffer.byteLength(JSON.stringify(sbom)));
    assert.equal(typeof b!.bundle!.keyHint, 'string');
    assert.deepEqual([b!.bundle!.certificates, b!.bundle!.tlogEntries, b!.bundle!.timestamps], [undefined, [], 0]);
    for (const c of children.filter((c) => c !== amd64)) assert.deepEqual(of(c).attestations, []);

    const text = await inspectText(at, '--recursive');
    const ofIndex = under(text, index.digest);
    assert.match(ofIndex, /: 1 signature, 2 attestations \(claims as they read: nothing verified\)\n├── cosign signature \(simplesigning\) sha256:[0-9a-f]{64} layers\[0\]\n/);
    assert.match(ofIndex, /\n└── attestations\n    ├── cosign attestation \(DSSE\) sha256:[0-9a-f]{64} layers\[0\]\n/);
    for (const l of [
      `found via cosign-tag (tag sha256-${indexHex}.att)`,
      'payload type: application/vnd.in-toto+json',
      '_type: https://in-toto.io/Statement/v0.1',
      'predicate type: https://slsa.dev/provenance/v0.2',
      `subject: r.example/app sha256:${indexHex} (this manifest)`,
      `predicate: ${Buffer.byteLength(JSON.stringify(provenance))} bytes (as compact JSON)`,
      'signature 0: no key ID',
      'no certificate (key-signed)',
    ]) {
      assert.ok(ofIndex.includes(l), `${l} in\n${ofIndex}`);
    }
    const ofAmd64 = under(text, amd64.digest);
    assert.match(ofAmd64, /: no signatures found, 1 attestation \(claims as they read: nothing verified\)\n└── attestations\n    └── Sigstore bundle attestation sha256:[0-9a-f]{64} layers\[0\]\n/);
    assert.ok(ofAmd64.includes('no certificate (key-signed, key hint '), ofAmd64);
    assert.equal((text.match(/: no signatures found\n└── no attestations\n/g) ?? []).length, children.length - 1, text);
  });
});

describe("inspect: cosign's own attestation (its test data) as cosign's classic .att stores it", () => {
  it("the real envelope, with its Fulcio certificate and Rekor entry as the layer's annotations: the statement, the certificate's facts, the entry's claims", async () => {
    const store = await newLayout();
    const image = await storeImage(store); // the image the statement names
    const other = await makeImage(store);
    await store.tag(other, 'other');
    const { annotations, der, entry, logID } = keylessAnnotations();
    const att = await attManifest(store, [ENVELOPE], annotations);
    await store.tag(att, cosignTag(image.digest, 'att'));
    // The same attestation under another image's tag: found there, and said to state another manifest.
    await store.tag(att, cosignTag(other.digest, 'att'));

    const [a, ...more] = (await inspectJson(`${store.location}:v1`)).manifests[0].attestations as InspectedAttestation[];
    assert.deepEqual(more, []);
    const payload = Buffer.from(JSON.parse(ENVELOPE.toString()).payload, 'base64');
    const statement = JSON.parse(payload.toString());
    assert.deepEqual(a!.envelope, {
      payloadType: IN_TOTO,
      payloadSize: payload.length,
      signatures: [{}],
      statement: {
        type: statement._type,
        predicateType: 'https://cosign.sigstore.dev/attestation/v1',
        subjects: [{ name: statement.subject[0].name, digest: { sha256: image.digest.slice(7) }, thisManifest: true }],
        namesThisManifest: true,
        predicateSize: Buffer.byteLength(JSON.stringify(statement.predicate)),
      },
    });
    const cert = a!.cosign!.certificate as Json;
    assert.equal(cert.sha256, sha256(der));
    assert.deepEqual(cert.identities, ['cody@soyland.com']);
    assert.equal(cert.oidcIssuer, 'https://github.com/login/oauth');
    assert.deepEqual(a!.cosign!.rekorBundle, { logIndex: Number(entry.logIndex), integratedTime: Number(entry.integratedTime), logID, inclusionPromise: true });
    const text = await inspectText(`${store.location}:v1`);
    assert.ok(text.includes(`SHA-256 fingerprint: ${sha256(der)}`), text);
    assert.ok(text.includes(`integrated time: ${new Date(Number(entry.integratedTime) * 1000).toISOString()} (${entry.integratedTime})`), text);
    assert.ok(!text.includes('no subject is this manifest'), text);

    const o = (await inspectJson(`${store.location}:other`)).manifests[0].attestations as InspectedAttestation[];
    assert.deepEqual(o.map((x) => [x.envelope?.statement?.namesThisManifest, x.envelope?.statement?.subjects[0]?.thisManifest]), [[false, false]]);
    assert.ok((await inspectText(`${store.location}:other`)).includes(`no subject is this manifest (${other.digest})`));
  });
});

describe('inspect: damaged attestations are listed with their problem', () => {
  it('an envelope not JSON, a payload not base64, a payload not a statement, another payload type, an envelope not there, a manifest without one: each listed, the signer beside it', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const good = JSON.parse(ENVELOPE.toString());
    const env = (doc: Json) => Buffer.from(JSON.stringify(doc));
    const missing = Buffer.from('{"never":"stored"}');
    const { annotations, der } = keylessAnnotations();
    const att = await attManifest(
      store,
      [
        Buffer.from('not json'),
        env({ ...good, payload: '!not base64!' }),
        env({ ...good, payload: Buffer.from('{"hello":"world"}').toString('base64') }),
        env({ ...good, payloadType: 'text/plain' }),
        { mediaType: DSSE_MEDIA_TYPE, digest: `sha256:${sha256(missing)}`, size: missing.length },
      ],
      annotations,
    );
    await store.tag(att, cosignTag(image.digest, 'att'));
    // A referrer of cosign's attestation type with no DSSE layer.
    await pushManifest(store, {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.dev.cosign.artifact.att.v1+json',
      config: await pushBlob(store, '{}', MediaType.ImageConfig),
      layers: [await pushBlob(store, 'hello', 'text/plain')],
      subject: image,
    });

    const doc = await inspectJson(`${store.location}:v1`);
    assert.deepEqual(doc.manifests[0].signatures, []);
    const found = doc.manifests[0].attestations as InspectedAttestation[];
    const classic = found.filter((a) => a.manifest === att.digest);
    assert.deepEqual(classic.map((a) => a.layer), [0, 1, 2, 3, 4]);
    const problems = classic.map((a) => a.problem!);
    assert.match(problems[0]!, /^layers\[0\]: envelope not JSON/);
    assert.equal(problems[1], 'layers[1]: envelope $.payload: not base64');
    assert.equal(problems[2], 'layers[2]: statement $._type: expected a string');
    assert.equal(problems[3], 'layers[3]: payloadType "text/plain", not an in-toto statement\'s (application/vnd.in-toto+json)');
    assert.match(problems[4]!, new RegExp(`^layers\\[4\\]: envelope sha256:${sha256(missing)}: `));
    // What still reads is shown: the signer's certificate on every layer, the envelope where it parsed.
    for (const a of classic) assert.equal((a.cosign!.certificate as Json).sha256, sha256(der));
    assert.deepEqual(classic.map((a) => a.envelope?.payloadType), [undefined, undefined, IN_TOTO, 'text/plain', undefined]);
    const bare = found.find((a) => a.manifest !== att.digest)!;
    assert.deepEqual([bare.format, bare.via, bare.layer], ['cosign', ['referrers'], undefined]);
    assert.match(bare.problem!, /^attestation manifest sha256:[0-9a-f]{64}: no layer of type application\/vnd\.dsse\.envelope\.v1\+json nor a Sigstore bundle$/);

    const text = await inspectText(`${store.location}:v1`);
    assert.match(text, /: no signatures found, 6 attestations \(claims as they read: nothing verified\)\n/);
    assert.equal((text.match(/problem: /g) ?? []).length, 6, text);
  });
});
