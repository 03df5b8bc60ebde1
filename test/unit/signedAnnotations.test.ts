// cosign's -a: annotations signed with an image (sign -a) and asked for by verify -a, in each format that carries
// them: the classic payload's `optional`, a Sigstore bundle statement's subject annotations, a Notary payload's
// targetArtifact annotations (notation's --user-metadata). Checked by reading the signed bytes and by verifying.
import { strict as assert } from 'node:assert';
import { sign as cryptoSign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignTag } from '../../src/oci/referrers';
import { annotationMismatch, sortedAnnotations } from '../../src/oci/signatures/signedAnnotations';
import { COSIGN_SIGNATURE_ARTIFACT_TYPE, loadPublicKey, SIGNATURE_ANNOTATION, verificationProblems, verifyImage, SIGSTORE_BUNDLE_MEDIA_TYPE, SIMPLESIGNING_MEDIA_TYPE } from '../../src/oci/signatures';
import { cosignKeyFiles } from '../helpers/cosignKeys';
import { made } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeMultiArchLayout, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const keyPair = cosignKeyFiles;

describe('signed annotations (cosign -a, notation --user-metadata)', () => {
  it('sortedAnnotations orders keys by their bytes, as Go writes a map; annotationMismatch names each pair missing or different', () => {
    assert.deepEqual(Object.keys(sortedAnnotations({ b: '1', B: '2', a: '3', 'é': '4', z: '5' })), ['B', 'a', 'b', 'z', 'é']);
    assert.equal(annotationMismatch({ a: '1' }, { a: '1', b: '2' }), undefined);
    assert.equal(annotationMismatch({ a: '1', c: '3' }, { a: '2' }), 'annotations: a is signed as "2", not "1"; c=3 is not signed');
    assert.equal(annotationMismatch({ n: '1' }, { n: 1 }), 'annotations: n is signed as 1, not "1"');
    assert.equal(annotationMismatch({ toString: 'x' }, {}), 'annotations: toString=x is not signed');
  });

  it('classic: sign -a writes them in the payload’s optional (Go’s key order); verify -a checks them, naming what differs; the text and JSON show them', async () => {
    const { store, index } = await makeMultiArchLayout();
    const k = keyPair();
    const at = `${store.location}:multi`;
    const signed = await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '-a', 'team=web', '--annotation', 'git_sha=1a2b', '--oci-layout', at);
    assert.equal(signed.code, 0, signed.stderr);
    const sigManifest = JSON.parse((await store.fetchBytes(await store.resolve(cosignTag(index.digest, 'sig')))).toString()) as Json;
    const payload = await store.fetchBytes(sigManifest.layers[0]);
    assert.equal(
      payload.toString(),
      `{"critical":{"identity":{"docker-reference":"r.example/app:v1"},"image":{"docker-manifest-digest":"${index.digest}"},"type":"cosign container image signature"},"optional":{"git_sha":"1a2b","team":"web"}}`,
    );

    let r = await runCli('verify', '--key', k.pub, '-a', 'team=web', '--oci-layout', at);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `index ${store.location}@${index.digest}: verified by ${k.pub} (ecdsa-p256), signed as r.example/app:v1, with annotations git_sha=1a2b, team=web\n`);
    // The Problems panel's note (VS Code's Verify Signatures) says them too.
    const report = await verifyImage(store, 'multi', [loadPublicKey(k.pub, readFileSync(k.pub))]);
    assert.equal(verificationProblems(report, 'multi')[0]!.message, 'index verified by ' + `${k.pub} (ecdsa-p256), signed as r.example/app:v1, with annotations git_sha=1a2b, team=web`);
    r = await runCli('verify', '--key', k.pub, '-a', 'team=db', '-a', 'release=1', '--oci-layout', at, '--format', 'json');
    assert.equal(r.code, 3, r.stderr);
    const json = JSON.parse(r.stdout) as Json;
    assert.deepEqual(json.annotations, { team: 'db', release: '1' });
    const [s] = json.manifests[0].signatures;
    assert.deepEqual([s.valid, s.problem, s.reason, s.annotations], [false, 'annotation-mismatch', 'annotations: team is signed as "web", not "db"; release=1 is not signed', { git_sha: '1a2b', team: 'web' }]);

    // coverage -a: the index's signature cell verified only when signed with the pairs.
    const cell = async (pair: string) => {
      const cov = await runCli('coverage', '--key', k.pub, '-a', pair, '--format', 'json', '--oci-layout', at);
      assert.equal(cov.code, 0, cov.stderr);
      const doc = JSON.parse(cov.stdout) as Json;
      return [doc.trust.annotations, doc.manifests.find((m: Json) => m.digest === index.digest).cells.signature.verified.valid];
    };
    assert.deepEqual(await cell('team=web'), [{ team: 'web' }, true]);
    assert.deepEqual(await cell('team=db'), [{ team: 'db' }, false]);
    const stray = await runCli('coverage', '-a', 'team=web', '--oci-layout', at);
    assert.equal(stray.code, 1);
    assert.match(stray.stderr, /--annotation is for verified signature cells: give --key, --certificate-identity or --notary-roots too/);
    r = await runCli('verify', '--key', k.pub, '-a', 'novalue', '--oci-layout', at);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /annotation value doesn't match the required format: "novalue"/);
  });

  it('classic: a payload as cosign writes one (optional null; a number; not an object) is read as cosign reads it', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const k = keyPair();
    const critical = `{"critical":{"identity":{"docker-reference":"r.example/app"},"image":{"docker-manifest-digest":"${image.digest}"},"type":"cosign container image signature"}`;
    const payloads = [`${critical},"optional":null}`, `${critical},"optional":{"buildNumber":1}}`, `${critical},"optional":"x"}`];
    const layers = [];
    for (const p of payloads) {
      const bytes = Buffer.from(p);
      const desc = await pushBlob(store, bytes, SIMPLESIGNING_MEDIA_TYPE);
      layers.push({ ...desc, annotations: { [SIGNATURE_ANNOTATION]: cryptoSign('sha256', bytes, k.privateKey).toString('base64') } });
    }
    const sig = await pushManifest(store, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE, config: await pushBlob(store, '{}', 'application/vnd.oci.empty.v1+json'), layers, subject: image });
    void sig;
    const r = await runCli('verify', '--key', k.pub, '-a', 'buildNumber=1', '--oci-layout', `${store.location}:v1`, '--format', 'json');
    assert.equal(r.code, 3, r.stderr);
    const results = (JSON.parse(r.stdout) as Json).manifests[0].signatures.map((s: Json) => [s.layer, s.problem, s.reason]);
    assert.deepEqual(results, [
      [0, 'annotation-mismatch', 'annotations: buildNumber=1 is not signed'],
      [1, 'annotation-mismatch', 'annotations: buildNumber is signed as 1, not "1"'],
      [2, 'malformed-payload', 'layers[2]: payload $.optional: expected an object or null'],
    ]);
    const plain = await runCli('verify', '--key', k.pub, '--oci-layout', `${store.location}:v1`, '--format', 'json');
    assert.deepEqual((JSON.parse(plain.stdout) as Json).manifests[0].signatures.map((s: Json) => s.valid), [true, true, false]);
  });

  it('Sigstore bundle: sign --new-bundle-format -a signs them as the statement subject’s annotations; verify -a checks them', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const k = keyPair();
    const at = `${store.location}:v1`;
    const signed = await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--new-bundle-format', '-a', 'z=last', '-a', 'a=first', '--oci-layout', at);
    assert.equal(signed.code, 0, signed.stderr);
    const referrers = [];
    for await (const d of store.referrers(image)) referrers.push(d);
    assert.deepEqual(referrers.map((d) => d.artifactType), [SIGSTORE_BUNDLE_MEDIA_TYPE]);
    const layer = (JSON.parse((await store.fetchBytes(referrers[0]!)).toString()) as Json).layers[0];
    const bundle = JSON.parse((await store.fetchBytes(layer)).toString()) as Json;
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString();
    const hex = image.digest.slice(7);
    assert.equal(statement, `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${hex}"},"annotations":{"a":"first","z":"last"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}`);

    let r = await runCli('verify', '--key', k.pub, '-a', 'a=first', '--oci-layout', at);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /, with annotations a=first, z=last\n$/);
    r = await runCli('verify', '--key', k.pub, '-a', 'a=second', '--oci-layout', at, '--format', 'json');
    assert.equal(r.code, 3);
    const [s] = (JSON.parse(r.stdout) as Json).manifests[0].signatures;
    assert.deepEqual([s.format, s.problem, s.reason], ['bundle', 'annotation-mismatch', 'layers[0]: annotations: a is signed as "first", not "second"']);
  });

  it('Notary: sign -a signs them as the payload’s targetArtifact annotations (notation’s --user-metadata); verify -a checks them as notation verify --user-metadata does', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const chain = join(tempDir(), 'chain.pem');
    writeFileSync(chain, ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
    const at = `${store.location}:v1`;
    const signed = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chain, '-a', 'io.example.build=42', '-a', 'commit=abc', '--oci-layout', at);
    assert.equal(signed.code, 0, signed.stderr);
    const referrers = [];
    for await (const d of store.referrers(image)) referrers.push(d);
    const layer = (JSON.parse((await store.fetchBytes(referrers[0]!)).toString()) as Json).layers[0];
    const envelope = JSON.parse((await store.fetchBytes(layer)).toString()) as Json;
    assert.equal(
      Buffer.from(envelope.payload, 'base64url').toString(),
      `{"targetArtifact":{"mediaType":"${image.mediaType}","digest":"${image.digest}","size":${image.size},"annotations":{"commit":"abc","io.example.build":"42"}}}`,
    );
    // notation's own namespace is refused as notation refuses it, before anything is signed.
    const reserved = await runCli('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chain, '-a', 'io.cncf.notary.expiry=never', '--oci-layout', at);
    assert.equal(reserved.code, 1);
    assert.match(reserved.stderr, /user metadata io\.cncf\.notary\.expiry: the prefix io\.cncf\.notary is the Notary Project's own, as notation refuses it/);
    const v = await runCli('verify', '--notary-roots', made('root.pem'), '-a', 'commit=abc', '--oci-layout', at);
    assert.equal(v.code, 0, v.stderr + v.stdout);
    assert.match(v.stdout, /, with annotations commit=abc, io\.example\.build=42\n$/);
    const bad = await runCli('verify', '--notary-roots', made('root.pem'), '-a', 'commit=abd', '--format', 'json', '--oci-layout', at);
    assert.equal(bad.code, 3, bad.stderr);
    const [s] = (JSON.parse(bad.stdout) as Json).manifests[0].signatures;
    assert.deepEqual([s.format, s.problem, s.reason, s.annotations], ['notary', 'annotation-mismatch', 'layers[0]: annotations: commit is signed as "abc", not "abd" (its user metadata)', { commit: 'abc', 'io.example.build': '42' }]);
  });
});
