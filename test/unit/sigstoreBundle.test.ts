// Sigstore bundles (cosign 3's default signature format) real tools made (test/fixtures/sigstore-bundle/README.md),
// stored as cosign 3 stores them (an OCI 1.1 referrer of artifactType application/vnd.dev.sigstore.bundle.v0.3+json
// whose one layer is the bundle) or checked as bytes: valid with the trust they were made under; each tampering
// refused with its problem named.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnvelope } from '../../src/oci/attestations/dsse';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import type { OciLayoutStore } from '../../src/oci/layout';
import {
  checkBundle,
  COSIGN_SIGN_PREDICATE_TYPE,
  type CertificatePolicy,
  loadCertificates,
  loadPublicKey,
  loadRekorKey,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  type SignatureResult,
  verifySignatures,
} from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, IMAGE_DIGEST, ISSUER, type Json, REKOR_PUB, sigstoreFixture as fixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

after(cleanupTemps);

const rekorKeys = [loadRekorKey(REKOR_PUB, readFileSync(REKOR_PUB))];
const policy = (over: Partial<CertificatePolicy> = {}): CertificatePolicy => ({
  roots: loadCertificates('fulcio_v1.crt.pem', readFileSync(FULCIO_V1)),
  intermediates: loadCertificates('fulcio_intermediate.pem', readFileSync(fixture('fulcio_intermediate.pem'))),
  identity: { equals: IDENTITY },
  oidcIssuer: { equals: ISSUER },
  ...over,
});

async function layoutWith(bundle: Buffer | Json): Promise<{ store: OciLayoutStore; image: Descriptor }> {
  const store = await newLayout();
  const image = await storeImage(store);
  assert.equal(image.digest, IMAGE_DIGEST);
  await attachBundle(store, image, bundle);
  return { store, image };
}

/** The one signature verifySignatures finds for the image, keyless under `policy()` (and `over`), with the Rekor key. */
async function keyless(bundle: Buffer | Json, over: { policy?: Partial<CertificatePolicy>; rekor?: boolean; identity?: string } = {}): Promise<SignatureResult> {
  const { store, image } = await layoutWith(bundle);
  const r = await verifySignatures(store, image, [], { certificates: policy(over.policy), ...(over.rekor === false ? {} : { rekorKeys }), ...(over.identity !== undefined ? { identity: over.identity } : {}) });
  assert.equal(r.signatures.length, 1);
  return r.signatures[0]!;
}

const problem = (s: SignatureResult) => [s.valid, s.problem];
const b64 = (text: string) => Buffer.from(text, 'base64');

describe("Sigstore bundles: cosign 3's keyless DSSE bundle (cosign's oci-attestation vector)", () => {
  it('verifies through the CLI with the identity, issuer, Fulcio root and intermediate and Rekor key it was made under', async () => {
    const { store } = await layoutWith(attestation());
    const flags = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--ca-roots', FULCIO_V1, '--ca-intermediates', fixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB];
    const r = await runCli('verify', ...flags, '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by certificate for cody@soyland\.com \(https:\/\/github\.com\/login\/oauth\), logged by Rekor at 2025-02-28T19:18:11Z \(inclusion proof verified\), signed as 127\.0\.0\.1:60943\/repo\n$/);
    const json = await runCli('verify', ...flags, '--format', 'json', '--oci-layout', `${store.location}:v1`);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { version: number; manifests: Array<{ valid: boolean; signatures: Json[] }> };
    assert.equal(doc.version, 1);
    const s = doc.manifests[0]!.signatures[0]!;
    assert.deepEqual(
      { valid: s.valid, via: s.via, layer: s.layer, format: s.format, predicateType: s.predicateType, integratedTime: s.integratedTime, inclusionProof: s.inclusionProof, identity: s.identity, keyType: s.keyType, checkedAt: s.certificate.checkedAt },
      { valid: true, via: ['referrers'], layer: 0, format: 'bundle', predicateType: 'https://cosign.sigstore.dev/attestation/v1', integratedTime: 1740770291, inclusionProof: true, identity: '127.0.0.1:60943/repo', keyType: 'ecdsa-p256', checkedAt: '2025-02-28T19:18:11.000Z' },
    );
  });

  it('is refused, named, under another identity, issuer or root, without the intermediate, or without a Rekor key (its certificate long expired)', async () => {
    let s = await keyless(attestation(), { policy: { identity: { equals: 'someone@example.com' } } });
    assert.deepEqual(problem(s), [false, 'certificate-identity-mismatch']);
    assert.match(s.reason!, /for cody@soyland\.com, not someone@example\.com/);
    s = await keyless(attestation(), { policy: { oidcIssuer: { equals: 'https://accounts.google.com' } } });
    assert.deepEqual(problem(s), [false, 'issuer-mismatch']);
    s = await keyless(attestation(), { policy: { intermediates: [] } });
    assert.deepEqual(problem(s), [false, 'untrusted-certificate']);
    const madeRoot = join(__dirname, '..', 'fixtures', 'cosign-keyless-made', 'root.pem');
    s = await keyless(attestation(), { policy: { roots: loadCertificates('root.pem', readFileSync(madeRoot)) } });
    assert.deepEqual(problem(s), [false, 'untrusted-certificate']);
    s = await keyless(attestation(), { rekor: false });
    assert.deepEqual(problem(s), [false, 'certificate-expired']);
    assert.match(s.reason!, /expired at 2025-02-28T19:28:11\.000Z/);
  });

  it('is refused when its statement, signature, log entry or SET is changed, or its entry is gone', async () => {
    const statement = (b: Json) => JSON.parse(b64(b.dsseEnvelope.payload).toString()) as Json;
    let b = attestation();
    const st = statement(b);
    st.predicate.Data = 'changed';
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
    assert.deepEqual(problem(await keyless(b)), [false, 'bad-signature']);

    b = attestation();
    const sig = b64(b.dsseEnvelope.signatures[0].sig);
    sig[sig.length - 1]! ^= 1;
    b.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    assert.deepEqual(problem(await keyless(b)), [false, 'bad-signature']);

    b = attestation();
    b.verificationMaterial.tlogEntries[0].integratedTime = '1740770292';
    let s = await keyless(b);
    assert.deepEqual(problem(s), [false, 'bad-bundle']);
    assert.match(s.reason!, /SignedEntryTimestamp does not verify/);

    b = attestation();
    const set = b64(b.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp);
    set[set.length - 1]! ^= 1;
    b.verificationMaterial.tlogEntries[0].inclusionPromise.signedEntryTimestamp = set.toString('base64');
    assert.deepEqual(problem(await keyless(b)), [false, 'bad-bundle']);

    // Another real entry, whose own SET verifies: it logs another envelope.
    b = attestation();
    const npm = JSON.parse(readFileSync(fixture('npm-publish.sigstore.json'), 'utf8')) as Json;
    b.verificationMaterial.tlogEntries = npm.verificationMaterial.tlogEntries;
    // npm's entry is a v0.1 bundle's (a SET, no inclusion proof): in a v0.3 bundle refused for that alone.
    s = await keyless(b);
    assert.deepEqual(problem(s), [false, 'malformed-signature']);
    assert.match(s.reason!, /tlogEntries\[0\]\.inclusionProof: missing \(required from bundle v0\.2 on\)/);
    b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
    s = await keyless(b);
    assert.deepEqual(problem(s), [false, 'bad-bundle']);
    assert.match(s.reason!, /the Rekor entry is not of this signature: it logs a payload of digest/);

    b = attestation();
    b.verificationMaterial.tlogEntries = [];
    s = await keyless(b);
    assert.deepEqual(problem(s), [false, 'bad-bundle']);
    assert.match(s.reason!, /no tlog entry, and a --rekor-key asks for one/);

    // With neither its SET nor its inclusion proof (only the proof gone: inclusionProof.test.ts).
    b = attestation();
    delete b.verificationMaterial.tlogEntries[0].inclusionPromise;
    delete b.verificationMaterial.tlogEntries[0].inclusionProof;
    // v0.3 asks for the proof in any case; v0.1's entries may have a SET alone, and here have neither.
    assert.deepEqual(problem(await keyless(b)), [false, 'malformed-signature']);
    b.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
    s = await keyless(b);
    assert.deepEqual(problem(s), [false, 'bad-bundle']);
    assert.match(s.reason!, /neither an inclusionPromise \(SET\) nor an inclusionProof/);
  });

  it('is refused as a signature of another image, under another --identity, when not JSON, or by a key that did not sign it', async () => {
    const store = await newLayout();
    const other = await makeImage(store);
    await attachBundle(store, other, attestation());
    let r = await verifySignatures(store, other, [], { certificates: policy(), rekorKeys });
    assert.deepEqual(problem(r.signatures[0]!), [false, 'digest-mismatch']);
    assert.equal(r.signatures[0]!.reason, `layers[0]: signs ${IMAGE_DIGEST}, not ${other.digest}`);

    assert.equal((await keyless(attestation(), { identity: '127.0.0.1:60943/repo' })).valid, true);
    const s = await keyless(attestation(), { identity: 'registry.example.com/app:v1' });
    assert.deepEqual(problem(s), [false, 'identity-mismatch']);

    assert.deepEqual(problem(await keyless(Buffer.from('{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"'))), [false, 'malformed-signature']);
    assert.deepEqual(problem(await keyless({ ...attestation(), dsseEnvelope: undefined })), [false, 'malformed-signature']);

    const { store: s2, image } = await layoutWith(attestation());
    const cosign2 = join(__dirname, '..', 'fixtures', 'cosign-vector', 'cosign2.pub');
    r = await verifySignatures(s2, image, [loadPublicKey(cosign2, readFileSync(cosign2))]);
    assert.deepEqual(problem(r.signatures[0]!), [false, 'bad-signature']);
  });
});

describe('Sigstore bundles signed with a key', () => {
  it("verifies cosign 3's `sign` shape (a cosign/sign/v1 statement naming the digest only) with --key, and refuses another key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const dir = tempDir();
    const pub = join(dir, 'cosign.pub');
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const [algorithm, hex] = image.digest.split(':');
    const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { [algorithm!]: hex } }], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: {} }));
    const envelope = JSON.parse(makeEnvelope('application/vnd.in-toto+json', statement, (bytes) => sign('sha256', bytes, privateKey)).toString()) as Json;
    const bundle = { mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, verificationMaterial: { publicKey: { hint: 'a hint' }, tlogEntries: [] }, dsseEnvelope: envelope };
    await attachBundle(store, image, bundle, COSIGN_SIGN_PREDICATE_TYPE);

    const r = await runCli('verify', '--key', pub, '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`: verified by ${pub.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(ecdsa-p256\\), signed as \\(no name: a Sigstore bundle signs the digest only\\)\n$`));
    const other = join(__dirname, '..', 'fixtures', 'cosign-vector', 'cosign.pub');
    const bad = await runCli('verify', '--key', other, '--oci-layout', `${store.location}:v1`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout, /layers\[0\]: bad-signature: layers\[0\]: no key given verifies it .*\(the bundle's key hint: a hint\)/);
    // A Rekor key asks for a log entry it has none of; keyless trust finds no certificate in it.
    let v = await verifySignatures(store, image, [loadPublicKey(pub, readFileSync(pub))], { rekorKeys });
    assert.deepEqual(problem(v.signatures[0]!), [false, 'bad-bundle']);
    v = await verifySignatures(store, image, [], { certificates: policy() });
    assert.deepEqual(problem(v.signatures[0]!), [false, 'no-certificate']);
  });

  it("checks npm's publish bundle (sigstore-go's example: v0.1, DSSE, an intoto 0.0.2 Rekor entry) with its key and the Rekor key", async () => {
    const bytes = readFileSync(fixture('npm-publish.sigstore.json'));
    const key = [loadPublicKey('npm-publish.pub', readFileSync(fixture('npm-publish.pub')))];
    const subject = { digest: 'sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751', bytes: async () => Buffer.alloc(0) };
    const ok = await checkBundle(bytes, subject, key, { rekorKeys });
    assert.deepEqual(ok, { ok: true, fields: { format: 'bundle', key: 'npm-publish.pub', keyType: 'ecdsa-p256', integratedTime: 1681839916, rekorKey: REKOR_PUB, predicateType: 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1', identity: 'pkg:npm/sigstore@1.3.0' } });
    const wrongKey = join(__dirname, '..', 'fixtures', 'cosign-vector', 'cosign.pub');
    const bad = await checkBundle(bytes, subject, [loadPublicKey('cosign.pub', readFileSync(wrongKey))], { rekorKeys });
    assert.deepEqual([bad.ok, !bad.ok && bad.problem], [false, 'bad-signature']);
    const other = await checkBundle(bytes, { ...subject, digest: IMAGE_DIGEST }, key, {});
    assert.deepEqual([other.ok, !other.ok && other.problem], [false, 'digest-mismatch']);
  });

  it("checks a message-signature bundle (sigstore-go's public-key-validity: over the bytes themselves) with its key", async () => {
    const bytes = readFileSync(fixture('message.sigstore.json'));
    const key = [loadPublicKey('message.pub', readFileSync(fixture('message.pub')))];
    const content = Buffer.from('test content');
    const subject = { digest: digestOf(content), bytes: async () => content };
    assert.deepEqual(await checkBundle(bytes, subject, key, {}), { ok: true, fields: { format: 'bundle', key: 'message.pub', keyType: 'ecdsa-p256' } });
    const changed = await checkBundle(bytes, { ...subject, bytes: async () => Buffer.from('test content!') }, key, {});
    assert.deepEqual([changed.ok, !changed.ok && changed.problem], [false, 'bad-signature']);
    const logged = await checkBundle(bytes, subject, key, { rekorKeys });
    assert.deepEqual([logged.ok, !logged.ok && logged.problem], [false, 'bad-bundle']);
  });
});
