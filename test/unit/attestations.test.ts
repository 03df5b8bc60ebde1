// cosign attestations (in-toto statements in DSSE envelopes): DSSE's own test vector, cosign's predicate types, and
// attest then verify-attestation on layouts made here, each way an attestation can be wrong named; keys made by
// node:crypto.
import { strict as assert } from 'node:assert';
import { createPublicKey, generateKeyPairSync, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  attestManifest,
  decodeDsseBase64,
  DSSE_MEDIA_TYPE,
  INTOTO_PAYLOAD_TYPE,
  makeEnvelope,
  makeStatement,
  pae,
  parseEnvelope,
  PREDICATE_TYPE_ANNOTATION,
  PREDICATE_TYPES,
  predicateTypeOf,
  verifyAttestations,
  verifyEnvelope,
} from '../../src/oci/attestations';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { encryptCosignKey, loadPublicKey, SIGNATURE_ANNOTATION, signKey, type VerifyKey } from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeMultiArchLayout, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pubPem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
const verifyKey = (name: string, k: KeyObject): VerifyKey => loadPublicKey(name, pubPem(k));

/** An attestation manifest made by hand, each layer the bytes given as a DSSE layer, tagged `.att` or attached as a referrer. */
async function putAttestation(target: Target, subject: Descriptor, envelopes: Buffer[], mode: 'tag' | 'referrer' = 'tag'): Promise<Descriptor> {
  const layers: Descriptor[] = [];
  for (const e of envelopes) layers.push(await pushBlob(target, e, DSSE_MEDIA_TYPE));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    ...(mode === 'referrer' ? { artifactType: INTOTO_PAYLOAD_TYPE, subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } } : {}),
    config: await pushBlob(target, '{}', MediaType.ImageConfig),
    layers,
  };
  const desc = await pushManifest(target, manifest);
  if (mode === 'tag') await target.tag(desc, cosignTag(subject.digest, 'att'));
  return desc;
}

const signer = (key: KeyObject) => (bytes: Buffer) => cryptoSign('sha256', bytes, key);

describe('DSSE', () => {
  const vector = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'dsse-vector', 'vector.json'), 'utf8')) as {
    payloadType: string;
    body: string;
    pae: string;
    x: string;
    y: string;
    envelope: unknown;
  };

  it("PAE is the spec's for its test vector, and the vector's envelope verifies with its key", () => {
    assert.equal(pae(vector.payloadType, Buffer.from(vector.body)).toString(), vector.pae);
    const envelope = parseEnvelope(Buffer.from(JSON.stringify(vector.envelope)));
    assert.ok(!('malformed' in envelope), JSON.stringify(envelope));
    assert.equal(envelope.payload.toString(), vector.body);
    // The spec's signature is r||s (IEEE P1363); cosign's, and what VerifyKey checks, DER: the same r and s.
    const b64url = (n: string) => Buffer.from(BigInt(n).toString(16).padStart(64, '0'), 'hex').toString('base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(vector.x), y: b64url(vector.y) }, format: 'jwk' });
    const raw = envelope.signatures[0]!.sig;
    const int = (b: Buffer) => {
      const trimmed = b.subarray(b.findIndex((x) => x !== 0));
      return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    };
    const [r, s] = [int(raw.subarray(0, 32)), int(raw.subarray(32))];
    const der = Buffer.concat([Buffer.from([0x30, r.length + s.length + 4, 2, r.length]), r, Buffer.from([2, s.length]), s]);
    const result = verifyEnvelope({ ...envelope, signatures: [{ sig: der }] }, 'sha256:00', [verifyKey('spec.pub', key)], undefined, { manifest: 'm', via: [] });
    // The signature verifies (the key is named); the payload is no in-toto statement, so the checks stop there.
    assert.deepEqual([result.key, result.problem], ['spec.pub', 'wrong-payload-type']);
    const wrong = verifyEnvelope({ ...envelope, signatures: [{ sig: der }] }, 'sha256:00', [verifyKey('other.pub', ec().publicKey)], undefined, { manifest: 'm', via: [] });
    assert.equal(wrong.problem, 'bad-signature');
  });

  it('base64 standard or URL-safe, padded or not; anything else refused', () => {
    assert.equal(decodeDsseBase64('aGk/Pz8+')?.toString(), 'hi???>');
    assert.equal(decodeDsseBase64('aGk_Pz8-')?.toString(), 'hi???>');
    assert.equal(decodeDsseBase64('aGVsbG8')?.toString(), 'hello');
    assert.equal(decodeDsseBase64('aGVsbG8=')?.toString(), 'hello');
    for (const bad of ['a', 'aGk/Pz8-', 'aGVsbG8!', 'aGVsbG8==x']) assert.equal(decodeDsseBase64(bad), undefined, bad);
  });

  it('an envelope that is not one says why, naming the JSON path', () => {
    const why = (text: string) => (parseEnvelope(Buffer.from(text)) as { malformed: string }).malformed;
    assert.match(why('{"payload'), /^not JSON/);
    assert.equal(why('[]'), '$: expected an object');
    assert.equal(why('{"payload":"aGk="}'), '$.payloadType: expected a string');
    assert.equal(why('{"payloadType":"t","payload":"%%"}'), '$.payload: not base64');
    assert.equal(why('{"payloadType":"t","payload":"aGk=","signatures":[]}'), '$.signatures: expected a non-empty array');
    assert.equal(why('{"payloadType":"t","payload":"aGk=","signatures":[{"keyid":"k"}]}'), '$.signatures[0].sig: expected a string');
  });
});

describe("cosign's predicate types and statements", () => {
  it("--type's short names are cosign's URIs; a URI is taken as is; anything else refused", () => {
    assert.equal(predicateTypeOf('spdxjson'), 'https://spdx.dev/Document');
    assert.equal(predicateTypeOf('cyclonedx'), 'https://cyclonedx.org/bom');
    assert.equal(predicateTypeOf('slsaprovenance'), 'https://slsa.dev/provenance/v0.2');
    assert.equal(predicateTypeOf('slsaprovenance1'), 'https://slsa.dev/provenance/v1');
    assert.equal(predicateTypeOf('vuln'), 'https://cosign.sigstore.dev/attestation/vuln/v1');
    assert.equal(predicateTypeOf('custom'), 'https://cosign.sigstore.dev/attestation/v1');
    assert.equal(predicateTypeOf('https://example.com/my/v1'), 'https://example.com/my/v1');
    assert.throws(() => predicateTypeOf('sbom'), (err: Error) => isOciError(err, 'INVALID_ARGUMENT') && /^--type sbom: not a predicate type \(custom\|/.test(err.message));
    // Names Object has: before, "constructor" gave its function as the type.
    for (const name of ['constructor', 'toString', '__proto__']) assert.throws(() => predicateTypeOf(name), (err: Error) => isOciError(err, 'INVALID_ARGUMENT'), name);
  });

  it('the statement cosign makes: custom wraps the text with a timestamp, spdx keeps a string, the rest the JSON object', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const at = new Date('2026-12-07T03:04:05.678Z');
    const parse = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;
    assert.deepEqual(parse(makeStatement('custom', Buffer.from('{"foo": "bar"}\n'), digest, 'r.example/app', at)), {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://cosign.sigstore.dev/attestation/v1',
      subject: [{ name: 'r.example/app', digest: { sha256: 'ab'.repeat(32) } }],
      predicate: { Data: '{"foo": "bar"}\n', Timestamp: '2026-12-07T03:04:05Z' },
    });
    assert.equal(parse(makeStatement('spdx', Buffer.from('SPDXVersion: SPDX-2.3\n'), digest, 'r')).predicate, 'SPDXVersion: SPDX-2.3\n');
    assert.deepEqual(parse(makeStatement('spdxjson', Buffer.from('{"spdxVersion":"SPDX-2.3"}'), digest, 'r')).predicate, { spdxVersion: 'SPDX-2.3' });
    assert.throws(() => makeStatement('cyclonedx', Buffer.from('<bom/>'), digest, 'r'), /^OciError: --predicate: not JSON, as --type cyclonedx needs|--predicate: not JSON/);
    assert.throws(() => makeStatement('vuln', Buffer.from('[1]'), digest, 'r'), /expected a JSON object, as --type vuln needs/);
  });
});

describe('attestManifest and verifyAttestations', () => {
  it("an attestation made by attest is cosign's layout: the .att tag, a DSSE layer annotated as cosign annotates it; valid with its key", async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const { privateKey, publicKey } = ec();
    const r = await attestManifest(store, image, signKey('cosign.key', privateKey), 'slsaprovenance', Buffer.from('{"builder":{"id":"b"}}'), 'r.example/app');
    assert.equal(r.tag, cosignTag(image.digest, 'att'));
    assert.equal((await store.resolve(r.tag)).digest, r.manifest.digest);
    const manifest = JSON.parse((await store.fetchBytes(r.manifest)).toString()) as ImageManifest;
    assert.deepEqual(manifest.layers, [
      { mediaType: DSSE_MEDIA_TYPE, digest: r.envelope.digest, size: r.envelope.size, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: 'https://slsa.dev/provenance/v0.2' } },
    ]);
    const envelope = JSON.parse((await store.fetchBytes(r.envelope)).toString()) as { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
    assert.deepEqual(Object.keys(envelope), ['payload', 'payloadType', 'signatures']);
    assert.equal(envelope.payloadType, INTOTO_PAYLOAD_TYPE);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { subject: unknown; predicate: unknown };
    assert.deepEqual([statement.subject, statement.predicate], [[{ name: 'r.example/app', digest: { sha256: image.digest.slice(7) } }], { builder: { id: 'b' } }]);

    const ok = await verifyAttestations(store, image, [verifyKey('other.pub', ec().publicKey), verifyKey('cosign.pub', publicKey)], { predicateType: PREDICATE_TYPES.slsaprovenance });
    assert.deepEqual(ok.attestations, [
      { manifest: r.manifest.digest, via: ['cosign-tag'], tag: r.tag, layer: 0, layerDigest: r.envelope.digest, valid: true, key: 'cosign.pub', keyType: 'ecdsa-p256', predicateType: 'https://slsa.dev/provenance/v0.2' },
    ]);
    const bad = await verifyAttestations(store, image, [verifyKey('other.pub', ec().publicKey)]);
    assert.deepEqual(
      bad.attestations.map((a) => [a.valid, a.problem, a.reason, a.predicateType]),
      [[false, 'bad-signature', 'no key given verifies its signature (other.pub)', undefined]],
      'what an unverified statement says is not reported',
    );
  });

  it('attesting again adds a layer to the same tag, as cosign does; RSA and Ed25519 keys attest and verify too', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await attestManifest(store, image, signKey('ed.key', ed.privateKey), 'spdxjson', Buffer.from('{"spdxVersion":"SPDX-2.3"}'), 'r');
    const r = await attestManifest(store, image, signKey('rsa.key', rsa.privateKey), 'cyclonedx', Buffer.from('{"bomFormat":"CycloneDX"}'), 'r');
    assert.equal(r.attestations, 2);
    // Ed25519 signs deterministically and spdxjson has no timestamp: the same attestation again is not a third layer.
    const again = await attestManifest(store, image, signKey('ed.key', ed.privateKey), 'spdxjson', Buffer.from('{"spdxVersion":"SPDX-2.3"}'), 'r');
    assert.deepEqual([again.attestations, again.manifest.digest], [2, r.manifest.digest]);
    const v = await verifyAttestations(store, image, [verifyKey('ed.pub', ed.publicKey), verifyKey('rsa.pub', rsa.publicKey)], { predicateType: PREDICATE_TYPES.cyclonedx });
    assert.deepEqual(
      v.attestations.map((a) => [a.layer, a.valid, a.key, a.keyType, a.problem]),
      [
        [0, false, 'ed.pub', 'ed25519', 'wrong-predicate-type'],
        [1, true, 'rsa.pub', 'rsa-2048', undefined],
      ],
    );
  });

  it('a tampered payload, another manifest stated, another payload type, a statement that is none, no envelope: each named', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const other = await makeImage(store, { seed: 'other' });
    const { privateKey, publicKey } = ec();
    const statement = makeStatement('spdxjson', Buffer.from('{"spdxVersion":"SPDX-2.3"}'), image.digest, 'r');
    const good = makeEnvelope(INTOTO_PAYLOAD_TYPE, statement, signer(privateKey));
    const doc = JSON.parse(good.toString()) as { payload: string };
    const tampered = Buffer.from(JSON.stringify({ ...doc, payload: Buffer.from(statement.toString().replace('SPDX-2.3', 'SPDX-9.9')).toString('base64') }));
    const forOther = makeEnvelope(INTOTO_PAYLOAD_TYPE, makeStatement('spdxjson', Buffer.from('{}'), other.digest, 'r'), signer(privateKey));
    const otherType = makeEnvelope('application/vnd.example+json', statement, signer(privateKey));
    const noStatement = makeEnvelope(INTOTO_PAYLOAD_TYPE, Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[]}'), signer(privateKey));
    const att = await putAttestation(store, image, [tampered, forOther, otherType, noStatement, Buffer.from('{"critical":{}}'), good]);
    const v = await verifyAttestations(store, image, [verifyKey('cosign.pub', publicKey)], { predicateType: PREDICATE_TYPES.cyclonedx });
    assert.equal(v.valid, false);
    assert.deepEqual(
      v.attestations.map((a) => [a.manifest, a.layer, a.problem, a.reason]),
      [
        [att.digest, 0, 'bad-signature', 'no key given verifies its signature (cosign.pub)'],
        [att.digest, 1, 'subject-mismatch', `states ${other.digest}, not ${image.digest}`],
        [att.digest, 2, 'wrong-payload-type', 'layers[2]: payloadType is "application/vnd.example+json", not "application/vnd.in-toto+json"'],
        [att.digest, 3, 'malformed-statement', 'layers[3]: statement $.predicateType: expected a string'],
        [att.digest, 4, 'malformed-envelope', 'layers[4]: envelope $.payloadType: expected a string'],
        [att.digest, 5, 'wrong-predicate-type', 'predicateType https://spdx.dev/Document, not https://cyclonedx.org/bom'],
      ],
    );
    // Without a type asked for, the last is valid: the manifest is.
    assert.equal((await verifyAttestations(store, image, [verifyKey('cosign.pub', publicKey)])).valid, true);
  });

  it('a manifest without a DSSE layer, a layer naming no blob, a key that cannot verify: results, never a crash', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: await pushBlob(store, '{}', MediaType.ImageConfig),
      layers: [await pushBlob(store, 'not an envelope')],
    };
    const att = await pushManifest(store, manifest);
    await store.tag(att, cosignTag(image.digest, 'att'));
    const x25519 = loadPublicKey('x.pub', pubPem(generateKeyPairSync('x25519').publicKey));
    let v = await verifyAttestations(store, image, [x25519]);
    assert.deepEqual(v.attestations.map((a) => [a.problem, a.reason]), [['malformed-attestation', `attestation manifest ${att.digest}: no layer of type ${DSSE_MEDIA_TYPE} nor a Sigstore bundle`]]);

    const missing = { mediaType: DSSE_MEDIA_TYPE, digest: `sha256:${'1'.repeat(64)}`, size: 10 };
    const signed = makeEnvelope(INTOTO_PAYLOAD_TYPE, makeStatement('custom', Buffer.from('x'), image.digest, 'r'), signer(ec().privateKey));
    const withMissing = await pushManifest(store, { ...manifest, layers: [missing, await pushBlob(store, signed, DSSE_MEDIA_TYPE)] });
    await store.tag(withMissing, cosignTag(image.digest, 'att'));
    v = await verifyAttestations(store, image, [x25519]);
    assert.deepEqual(v.attestations.map((a) => [a.layer, a.problem]), [
      [0, 'unreadable'],
      [1, 'unsupported-key'],
    ]);
    assert.match(v.attestations[1]!.reason!, /^no key can verify it \(x\.pub: a key of type x25519/);
  });

  it("found as a referrer (cosign 3's OCI 1.1 mode: artifact type application/vnd.in-toto+json) as through the tag", async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const { privateKey, publicKey } = ec();
    const env = makeEnvelope(INTOTO_PAYLOAD_TYPE, makeStatement('vuln', Buffer.from('{"scanner":{}}'), image.digest, 'r'), signer(privateKey));
    const ref = await putAttestation(store, image, [env], 'referrer');
    const v = await verifyAttestations(store, image, [verifyKey('cosign.pub', publicKey)], { predicateType: predicateTypeOf('vuln') });
    assert.deepEqual(v.attestations.map((a) => [a.manifest, a.via, a.valid]), [[ref.digest, ['referrers'], true]]);
  });
});

describe('manifold attest and verify-attestation', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  before(() => {
    dir = tempDir('manifold-attest-');
    const keys = ec();
    writeFileSync(file('cosign.key'), encryptCosignKey(keys.privateKey, 'pw'));
    writeFileSync(file('pass'), 'pw\n');
    writeFileSync(file('cosign.pub'), pubPem(keys.publicKey));
    writeFileSync(file('other.pub'), pubPem(ec().publicKey));
    writeFileSync(file('sbom.json'), '{"spdxVersion":"SPDX-2.3"}');
    writeFileSync(file('prov.json'), '{"buildDefinition":{},"runDetails":{}}');
  });
  const attest = (layout: string, type: string, predicate: string, ...more: string[]) =>
    runCli('attest', '--key', file('cosign.key'), '--passphrase-file', file('pass'), '--predicate', file(predicate), '--type', type, '--oci-layout', ...more, layout);

  it('attest --recursive then verify-attestation --recursive: every manifest valid (exit code 0); with another key, or another type, exit code 3', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const layout = `${store.location}:multi`;
    let r = await attest(layout, 'spdxjson', 'sbom.json', '--recursive', '--subject-name', 'r.example/app');
    assert.equal(r.code, 0, r.stderr);
    const digests = [index.digest, ...children.map((c) => c.digest)];
    assert.deepEqual(
      r.stdout.split('\n').filter(Boolean),
      digests.map((d) => `Attested ${store.location}@${d} (https://spdx.dev/Document) with ${file('cosign.key')} (ecdsa-p256): ${store.location}:${cosignTag(d, 'att')} (1 attestation)`),
    );
    r = await runCli('verify-attestation', '--key', file('cosign.pub'), '--type', 'spdxjson', '--oci-layout', layout, '--recursive');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.endsWith(`: verified by ${file('cosign.pub')} (ecdsa-p256), predicate type https://spdx.dev/Document`)).length, 4, r.stdout);

    r = await runCli('verify-attestation', '--key', file('other.pub'), '--oci-layout', layout, '--platform', 'linux/arm64');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^linux\/arm64 .*: no valid attestation\n {2}sha256:[0-9a-f]{64} layers\[0\]: bad-signature: no key given verifies its signature/);
    assert.equal(r.stderr, 'Error: 1 of 1 manifest checked has no valid attestation\n');

    // The index alone, with a provenance now too: valid; asking for SLSA v1 the SPDX one is named not valid.
    r = await attest(layout, 'slsaprovenance1', 'prov.json', '--subject-name', 'r.example/app');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(2 attestations\)\n$/);
    r = await runCli('verify-attestation', '--key', file('cosign.pub'), '--type', 'slsaprovenance1', '--oci-layout', layout, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { version: number; predicateType: string; manifests: Array<{ digest: string; valid: boolean; attestations: Array<{ layer: number; valid: boolean; problem?: string; predicateType: string; via: string[] }> }> };
    assert.equal(json.version, 1);
    assert.equal(json.predicateType, 'https://slsa.dev/provenance/v1');
    assert.deepEqual(
      json.manifests.map((m) => [m.digest, m.valid, m.attestations.map((a) => [a.layer, a.valid, a.problem, a.predicateType, a.via])]),
      [
        [
          index.digest,
          true,
          [
            [0, false, 'wrong-predicate-type', 'https://spdx.dev/Document', ['cosign-tag']],
            [1, true, undefined, 'https://slsa.dev/provenance/v1', ['cosign-tag']],
          ],
        ],
      ],
    );
    r = await runCli('verify-attestation', '--key', file('cosign.pub'), '--type', 'vuln', '--oci-layout', `${store.location}@${children[0]!.digest}`);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /: no valid attestation of type https:\/\/cosign\.sigstore\.dev\/attestation\/vuln\/v1\n {2}sha256:[0-9a-f]{64} layers\[0\]: wrong-predicate-type: predicateType https:\/\/spdx\.dev\/Document, not /);
  });

  it('none found on a layout: exit code 3 and the Note; a layout needs --subject-name; --type that is none and a missing predicate refused', async () => {
    const { store } = await makeMultiArchLayout();
    const layout = `${store.location}:multi`;
    let r = await runCli('verify-attestation', '--key', file('cosign.pub'), '--oci-layout', layout);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^index .*: no valid attestation \(none found\)\n$/);
    assert.match(r.stderr, /^Note: no attestation found for 1 manifest; if the layout was copied from a registry, copy with -r/);
    r = await attest(layout, 'spdxjson', 'sbom.json');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--subject-name REPO is required for a layout/);
    r = await attest(layout, 'sbom', 'sbom.json', '--subject-name', 'r');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--type sbom: not a predicate type/);
    r = await attest(layout, 'spdxjson', 'nothing.json', '--subject-name', 'r');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--predicate .*nothing\.json: ENOENT/);
    r = await runCli('verify-attestation', '--oci-layout', layout);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--key FILE is required/);
  });
});
