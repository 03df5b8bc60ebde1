// sign/attest --new-bundle-format: the Sigstore bundle referrer cosign 3 writes with a key and no Rekor upload (its
// manifest, annotations and bundle as bytes; the DSSE signature checked over a PAE built here by hand), verified by
// verify (each way a bundle can be wrong, named), and through the CLI on a layout. The peer's
// check (sigstore-js) is sigstorePeer.test.ts; verify-attestation's, bundleAttestations.test.ts.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync, type KeyObject, verify as cryptoVerify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestManifestBundle } from '../../src/oci/attestations';
import type { Descriptor } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  encryptCosignKey,
  loadPublicKey,
  signKey,
  signManifestBundle,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
  verifySignatures,
} from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { attachBundle, BUNDLE_NOW, ecKeys, imageLayout, pubPem, SBOM } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ec = ecKeys;
/** cosign's hint, computed here on its own: base64 of the SHA-256 of the key's DER. */
const hintOf = (k: KeyObject) => createHash('sha256').update(k.export({ type: 'spki', format: 'der' })).digest('base64');
const NOW = BUNDLE_NOW;


const readJson = async (target: Target, desc: Descriptor): Promise<Json> => JSON.parse((await target.fetchBytes(desc)).toString('utf8')) as Json;

/** The referrer's manifest and its one layer, the bundle. */
async function written(target: Target, manifest: Descriptor): Promise<{ doc: Json; bundle: Json; bundleBytes: Buffer }> {
  const doc = await readJson(target, manifest);
  const bundleBytes = await target.fetchBytes(doc.layers[0]);
  return { doc, bundle: JSON.parse(bundleBytes.toString('utf8')) as Json, bundleBytes };
}

/** DSSE's PAE, spelled out here rather than taken from dsse.ts. */
const paeByHand = (type: string, body: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

/** A copy of `bundle` with `change` applied, attached to `subject` as cosign attaches one. */
async function attachChanged(store: Target, subject: Descriptor, bundle: Json, change: (b: Json) => void, predicateType = COSIGN_SIGN_PREDICATE_TYPE): Promise<void> {
  const copy = JSON.parse(JSON.stringify(bundle)) as Json;
  change(copy);
  await attachBundle(store, subject, copy, predicateType);
}

describe('sign --new-bundle-format: the bundle referrer cosign 3 writes with a key', () => {
  it("writes cosign's referrer: artifactType, the empty config, one bundle layer, the subject, its three annotations", async () => {
    const { store, image } = await imageLayout();
    const { privateKey } = ec();
    const r = await signManifestBundle(store, image, signKey('k', privateKey), { now: NOW });
    const { doc, bundleBytes } = await written(store, r.manifest);
    assert.deepEqual(doc, {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE },
      layers: [{ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, digest: `sha256:${createHash('sha256').update(bundleBytes).digest('hex')}`, size: bundleBytes.length }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      annotations: { 'org.opencontainers.image.created': '2026-12-07T06:00:00Z', 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
    });
    assert.equal((await store.fetchBytes({ mediaType: MediaType.Empty, digest: doc.config.digest, size: 2 })).toString(), '{}');
    // Listed as a referrer of the image, with its artifact type and annotations.
    const listed: Descriptor[] = [];
    for await (const d of store.referrers(image)) listed.push(d);
    assert.deepEqual(listed.map((d) => [d.digest, d.artifactType, d.annotations?.['dev.sigstore.bundle.predicateType']]), [[r.manifest.digest, SIGSTORE_BUNDLE_MEDIA_TYPE, COSIGN_SIGN_PREDICATE_TYPE]]);
  });

  it("holds protojson's bundle v0.3: the key's hint, no tlog entry, a DSSE envelope of the sign/v1 statement whose PAE the key verifies", async () => {
    const { store, image } = await imageLayout();
    const { privateKey, publicKey } = ec();
    const r = await signManifestBundle(store, image, signKey('k', privateKey));
    const { bundle, bundleBytes } = await written(store, r.manifest);
    assert.deepEqual(Object.keys(bundle), ['mediaType', 'verificationMaterial', 'dsseEnvelope']);
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.deepEqual(bundle.verificationMaterial, { publicKey: { hint: hintOf(publicKey) } });
    const env = bundle.dsseEnvelope;
    assert.deepEqual(Object.keys(env), ['payload', 'payloadType', 'signatures']);
    assert.equal(env.payloadType, 'application/vnd.in-toto+json');
    assert.equal(env.signatures.length, 1);
    assert.deepEqual(Object.keys(env.signatures[0]), ['sig']);
    const payload = Buffer.from(env.payload, 'base64');
    const [, hex] = image.digest.split(':');
    assert.equal(
      payload.toString(),
      `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${hex}"},"annotations":{}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}`,
    );
    const sig = Buffer.from(env.signatures[0].sig, 'base64');
    assert.equal(cryptoVerify('sha256', paeByHand(env.payloadType, payload), publicKey, sig), true);
    assert.equal(cryptoVerify('sha256', payload, publicKey, sig), false, 'over PAE, not the bare payload');
    assert.equal(bundleBytes.includes('\n'), false);
  });

  it('verify --key verifies it (format bundle, predicate type sign/v1); another key, another image, a changed statement are refused, named', async () => {
    const { store, image } = await imageLayout();
    const { privateKey, publicKey } = ec();
    const key = loadPublicKey('cosign.pub', pubPem(publicKey));
    const r = await signManifestBundle(store, image, signKey('k', privateKey));
    let v = await verifySignatures(store, image, [key]);
    assert.deepEqual(
      v.signatures.map((s) => ({ valid: s.valid, format: s.format, predicateType: s.predicateType, key: s.key, via: s.via, manifest: s.manifest, layer: s.layer })),
      [{ valid: true, format: 'bundle', predicateType: COSIGN_SIGN_PREDICATE_TYPE, key: 'cosign.pub', via: ['referrers'], manifest: r.manifest.digest, layer: 0 }],
    );
    v = await verifySignatures(store, image, [loadPublicKey('other.pub', pubPem(ec().publicKey))]);
    assert.deepEqual(v.signatures.map((s) => [s.valid, s.problem]), [[false, 'bad-signature']]);
    assert.match(v.signatures[0]!.reason!, new RegExp(`the bundle's key hint: ${hintOf(publicKey).replace(/[+/]/g, '\\$&')}`));

    // The same bundle attached to another image: it signs the first one's digest.
    const other = await makeImage(store, { seed: 'other' });
    const { bundle } = await written(store, r.manifest);
    await attachChanged(store, other, bundle, () => undefined);
    v = await verifySignatures(store, other, [key]);
    assert.deepEqual(v.signatures.map((s) => [s.valid, s.problem]), [[false, 'digest-mismatch']]);
    assert.match(v.signatures[0]!.reason!, new RegExp(`signs ${image.digest}, not ${other.digest}`));

    // Its statement changed to name the other image: the signature no longer verifies.
    const third = await makeImage(store, { seed: 'third' });
    await attachChanged(store, third, bundle, (b) => {
      b.dsseEnvelope.payload = Buffer.from(Buffer.from(b.dsseEnvelope.payload, 'base64').toString().replace(image.digest.split(':')[1]!, third.digest.split(':')[1]!)).toString('base64');
    });
    v = await verifySignatures(store, third, [key]);
    assert.deepEqual(v.signatures.map((s) => [s.valid, s.problem]), [[false, 'bad-signature']]);
  });

  it('signs with Ed25519 and RSA keys as well, each verified', async () => {
    for (const pair of [generateKeyPairSync('ed25519'), generateKeyPairSync('rsa', { modulusLength: 2048 })]) {
      const { store, image } = await imageLayout();
      await signManifestBundle(store, image, signKey('k', pair.privateKey));
      const v = await verifySignatures(store, image, [loadPublicKey('k.pub', pubPem(pair.publicKey))]);
      assert.deepEqual(v.signatures.map((s) => [s.valid, s.format, s.keyType]), [[true, 'bundle', pair.publicKey.asymmetricKeyType === 'rsa' ? 'rsa-2048' : 'ed25519']]);
    }
  });
});

describe('attest --new-bundle-format: the bundle referrer cosign 3 writes for an attestation', () => {
  it("writes the .att format's statement in a bundle referrer annotated with its predicate type; verify verifies it", async () => {
    const { store, image } = await imageLayout();
    const { privateKey, publicKey } = ec();
    const r = await attestManifestBundle(store, image, signKey('k', privateKey), 'spdxjson', SBOM, 'registry.example/app', { now: NOW });
    assert.equal(r.predicateType, 'https://spdx.dev/Document');
    const { doc, bundle } = await written(store, r.manifest);
    assert.equal(doc.artifactType, SIGSTORE_BUNDLE_MEDIA_TYPE);
    assert.deepEqual(doc.annotations, { 'org.opencontainers.image.created': '2026-12-07T06:00:00Z', 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://spdx.dev/Document' });
    assert.deepEqual(bundle.verificationMaterial, { publicKey: { hint: hintOf(publicKey) } });
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    assert.deepEqual(JSON.parse(payload.toString()), {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://spdx.dev/Document',
      subject: [{ name: 'registry.example/app', digest: { sha256: image.digest.split(':')[1] } }],
      predicate: { spdxVersion: 'SPDX-2.3', name: 'app' },
    });
    assert.equal(cryptoVerify('sha256', paeByHand('application/vnd.in-toto+json', payload), publicKey, Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64')), true);
    // verify reports it as cosign 3's verify does (any bundle), its predicate type and subject name said.
    const s = await verifySignatures(store, image, [loadPublicKey('cosign.pub', pubPem(publicKey))]);
    assert.deepEqual(s.signatures.map((x) => [x.valid, x.format, x.predicateType, x.identity]), [[true, 'bundle', 'https://spdx.dev/Document', 'registry.example/app']]);
  });
});

describe('sign/attest --new-bundle-format through the CLI', () => {
  it('signs and attests a layout (no --identity needed), verify verifies both, json says format bundle, coverage counts them; --identity is refused with it', async () => {
    const { store } = await imageLayout();
    const dir = tempDir();
    const { privateKey, publicKey } = ec();
    writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(privateKey, 'pw'));
    writeFileSync(join(dir, 'pass'), 'pw\n');
    writeFileSync(join(dir, 'cosign.pub'), pubPem(publicKey));
    writeFileSync(join(dir, 'sbom.json'), SBOM);
    const keyFlags = ['--key', join(dir, 'cosign.key'), '--passphrase-file', join(dir, 'pass')];
    const ref = `${store.location}:v1`;
    let r = await runCli('sign', ...keyFlags, '--new-bundle-format', '--identity', 'r.example/app:v1', '--oci-layout', ref);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--identity and --new-bundle-format: a Sigstore bundle names no reference/);

    r = await runCli('sign', ...keyFlags, '--new-bundle-format', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Signed .*@sha256:[0-9a-f]{64} with .*cosign\.key \(ecdsa-p256\): Sigstore bundle .*@sha256:[0-9a-f]{64} \(application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json referrer\)\n$/);
    r = await runCli('attest', ...keyFlags, '--new-bundle-format', '--predicate', join(dir, 'sbom.json'), '--type', 'spdxjson', '--subject-name', 'r.example/app', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Attested .*@sha256:[0-9a-f]{64} \(https:\/\/spdx\.dev\/Document\) with .* \(ecdsa-p256\): Sigstore bundle .*@sha256:[0-9a-f]{64} \(application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json referrer\)\n$/);

    r = await runCli('verify', '--key', join(dir, 'cosign.pub'), '--format', 'json', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const sigs = (JSON.parse(r.stdout) as Json).manifests[0].signatures as Json[];
    assert.deepEqual(sigs.map((s) => [s.valid, s.format, s.predicateType]).sort(), [[true, 'bundle', 'https://sigstore.dev/cosign/sign/v1'], [true, 'bundle', 'https://spdx.dev/Document']].sort());
    // coverage counts the sign bundle a signature and the SPDX one an SBOM (by their predicate type annotation).
    r = await runCli('coverage', '--format', 'json', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr);
    const counts = (JSON.parse(r.stdout) as Json).manifests[0].counts as Json;
    assert.deepEqual([counts.signature, counts.sbom, counts.provenance], [1, 1, 0]);

  });
});
