// verify-attestation reads Sigstore bundles (cosign 3's default format) as it reads .att attestations: what attest
// --new-bundle-format writes and cosign 3's own keyless vector verified, each way one is wrong named, the same results
// with format "bundle"; a bundle that is a signature (cosign 3's sign/v1, a message signature) is left to verify.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestManifestBundle, verifyAttestations } from '../../src/oci/attestations';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import {
  encryptCosignKey,
  loadCertificates,
  loadPublicKey,
  loadRekorKey,
  makeKeyBundle,
  signKey,
  signManifestBundle,
  SIGSTORE_BUNDLE_MEDIA_TYPE,
} from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, ISSUER, REKOR_PUB, sigstoreFixture, storeImage, BUNDLE_NOW, ecKeys, imageLayout, pubPem, SBOM } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ec = ecKeys;
const NOW = BUNDLE_NOW;


/** The bundle JSON of the referrer `manifest`, as stored. */
async function storedBundle(target: Target, manifest: Descriptor): Promise<Json> {
  const doc = JSON.parse((await target.fetchBytes(manifest)).toString('utf8')) as Json;
  return JSON.parse((await target.fetchBytes(doc.layers[0])).toString('utf8')) as Json;
}

describe('verify-attestation over Sigstore bundles', () => {
  it('verifies what attest --new-bundle-format wrote, format bundle; another predicate type or key is refused, named', async () => {
    const { store, image } = await imageLayout();
    const { privateKey, publicKey } = ec();
    const key = loadPublicKey('cosign.pub', pubPem(publicKey));
    const r = await attestManifestBundle(store, image, signKey('k', privateKey), 'spdxjson', SBOM, 'registry.example/app', { now: NOW });
    const v = await verifyAttestations(store, image, [key]);
    assert.deepEqual(
      v.attestations.map((a) => ({ valid: a.valid, format: a.format, predicateType: a.predicateType, key: a.key, keyType: a.keyType, via: a.via, manifest: a.manifest, layer: a.layer })),
      [{ valid: true, format: 'bundle', predicateType: 'https://spdx.dev/Document', key: 'cosign.pub', keyType: 'ecdsa-p256', via: ['referrers'], manifest: r.manifest.digest, layer: 0 }],
    );
    const typed = await verifyAttestations(store, image, [key], { predicateType: 'https://slsa.dev/provenance/v1' });
    assert.deepEqual(typed.attestations.map((a) => [a.valid, a.problem, a.reason]), [[false, 'wrong-predicate-type', 'predicateType https://spdx.dev/Document, not https://slsa.dev/provenance/v1']]);
    const wrongKey = await verifyAttestations(store, image, [loadPublicKey('other.pub', pubPem(ec().publicKey))]);
    assert.deepEqual(wrongKey.attestations.map((a) => [a.valid, a.problem, a.format]), [[false, 'bad-signature', 'bundle']]);
  });

  it("leaves a signature bundle (sign/v1, or a message signature) to verify: no attestation, no problem listed for it", async () => {
    const { store, image } = await imageLayout();
    const { privateKey, publicKey } = ec();
    const key = loadPublicKey('cosign.pub', pubPem(publicKey));
    await signManifestBundle(store, image, signKey('k', privateKey));
    let v = await verifyAttestations(store, image, [key]);
    assert.deepEqual(v.attestations, []);
    // With an attestation beside it: only the attestation.
    await attestManifestBundle(store, image, signKey('k', privateKey), 'custom', Buffer.from('hello'), 'registry.example/app');
    v = await verifyAttestations(store, image, [key]);
    assert.deepEqual(v.attestations.map((a) => [a.valid, a.predicateType]), [[true, 'https://cosign.sigstore.dev/attestation/v1']]);
    // sigstore-go's message-signature vector (a blob's signature), attached to an image: a signature, not listed.
    const other = await makeImage(store, { seed: 'm' });
    await attachBundle(store, other, readFileSync(sigstoreFixture('message.sigstore.json')));
    assert.deepEqual((await verifyAttestations(store, other, [key])).attestations, []);
  });

  it('names each way a bundle attestation is wrong: another subject, a payload that is no statement, a bundle that is none, one too large to read', async () => {
    const { store, image } = await imageLayout();
    const { privateKey, publicKey } = ec();
    const key = loadPublicKey('cosign.pub', pubPem(publicKey));
    const k = signKey('k', privateKey);
    const made = await attestManifestBundle(store, image, k, 'custom', Buffer.from('x'), 'r.example/app');
    const bundle = await storedBundle(store, made.manifest);
    const other = await makeImage(store, { seed: 'other' });
    await attachBundle(store, other, bundle);
    let v = await verifyAttestations(store, other, [key]);
    assert.deepEqual(v.attestations.map((a) => [a.valid, a.problem, a.format, a.predicateType]), [[false, 'subject-mismatch', 'bundle', 'https://cosign.sigstore.dev/attestation/v1']]);
    assert.match(v.attestations[0]!.reason!, new RegExp(`layers\\[0\\]: signs ${image.digest}, not ${other.digest}`));

    // A payload the key signs that is no statement: signed over PAE here with the same key.
    const third = await makeImage(store, { seed: 'third' });
    const notStatement = JSON.parse(makeKeyBundle(Buffer.from('{"hello":"world"}'), k).toString()) as Json;
    await attachBundle(store, third, notStatement, 'https://example.com/x');
    v = await verifyAttestations(store, third, [key]);
    assert.deepEqual(v.attestations.map((a) => [a.valid, a.problem]), [[false, 'malformed-statement']]);

    const fourth = await makeImage(store, { seed: 'fourth' });
    await attachBundle(store, fourth, Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}'));
    v = await verifyAttestations(store, fourth, [key]);
    assert.deepEqual(v.attestations.map((a) => [a.valid, a.problem, a.reason]), [[false, 'malformed-envelope', 'layers[0]: the bundle: $.verificationMaterial: expected an object']]);

    // A layer declaring more than verify-attestation reads (cosign's 128 MiB): not fetched.
    const fifth = await makeImage(store, { seed: 'fifth' });
    const huge = { mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, digest: `sha256:${'a'.repeat(64)}`, size: (128 << 20) + 1 };
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
      config: await pushBlob(store, '{}', MediaType.Empty),
      layers: [huge],
      subject: { mediaType: fifth.mediaType, digest: fifth.digest, size: fifth.size },
    };
    await pushManifest(store, manifest);
    v = await verifyAttestations(store, fifth, [key]);
    assert.deepEqual(v.attestations.map((a) => [a.valid, a.problem, a.reason]), [[false, 'unreadable', `layers[0]: bundle of ${(128 << 20) + 1} bytes, over the ${128 << 20} read`]]);
  });

  it("verifies cosign 3's own attestation bundle (its keyless vector), keyless and offline, format bundle", async () => {
    const store = await newLayout();
    const image = await storeImage(store);
    await attachBundle(store, image, attestation());
    const certificates = {
      roots: loadCertificates('fulcio_v1.crt.pem', readFileSync(FULCIO_V1)),
      intermediates: loadCertificates('fulcio_intermediate.pem', readFileSync(sigstoreFixture('fulcio_intermediate.pem'))),
      identity: { equals: IDENTITY },
      oidcIssuer: { equals: ISSUER },
    };
    const v = await verifyAttestations(store, image, [], { certificates, rekorKeys: [loadRekorKey(REKOR_PUB, readFileSync(REKOR_PUB))] });
    assert.deepEqual(
      v.attestations.map((a) => ({ valid: a.valid, format: a.format, predicateType: a.predicateType, integratedTime: a.integratedTime, identities: a.certificate?.identities })),
      [{ valid: true, format: 'bundle', predicateType: 'https://cosign.sigstore.dev/attestation/v1', integratedTime: 1740770291, identities: [IDENTITY] }],
    );
  });
});


describe('verify-attestation through the CLI over bundles', () => {
  it('verifies what attest --new-bundle-format wrote to a layout, json format bundle; the sign bundle beside it is not listed', async () => {
    const { store } = await imageLayout();
    const dir = tempDir();
    const { privateKey, publicKey } = ec();
    writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(privateKey, 'pw'));
    writeFileSync(join(dir, 'pass'), 'pw\n');
    writeFileSync(join(dir, 'cosign.pub'), pubPem(publicKey));
    writeFileSync(join(dir, 'sbom.json'), SBOM);
    const keyFlags = ['--key', join(dir, 'cosign.key'), '--passphrase-file', join(dir, 'pass')];
    const ref = `${store.location}:v1`;
    let r = await runCli('sign', ...keyFlags, '--new-bundle-format', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli('verify-attestation', '--key', join(dir, 'cosign.pub'), '--oci-layout', ref);
    assert.equal(r.code, 3, r.stdout);
    assert.match(r.stdout, /: no valid attestation \(none found\)\n$/);
    r = await runCli('attest', ...keyFlags, '--new-bundle-format', '--predicate', join(dir, 'sbom.json'), '--type', 'spdxjson', '--subject-name', 'r.example/app', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr);

    r = await runCli('verify-attestation', '--key', join(dir, 'cosign.pub'), '--type', 'spdxjson', '--format', 'json', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const atts = (JSON.parse(r.stdout) as Json).manifests[0].attestations as Json[];
    assert.deepEqual(atts.map((a) => [a.valid, a.format, a.predicateType, a.key, a.via, a.layer]), [[true, 'bundle', 'https://spdx.dev/Document', join(dir, 'cosign.pub'), ['referrers'], 0]]);
    r = await runCli('verify-attestation', '--key', join(dir, 'cosign.pub'), '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: verified by .*cosign\.pub.*, predicate type https:\/\/spdx\.dev\/Document\n$/);
  });
});
