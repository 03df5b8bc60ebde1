// cosign key-based signatures: verify (each way a signature can be wrong, named) and sign, on layouts made here,
// with keys made by node:crypto.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import {
  COSIGN_KEY_PEM_TYPE,
  COSIGN_SIGNATURE_ARTIFACT_TYPE,
  decryptCosignKey,
  encryptCosignKey,
  loadPublicKey,
  makePayload,
  SIGNATURE_ANNOTATION,
  signKey,
  signManifest,
  SIMPLESIGNING_MEDIA_TYPE,
  verifySignatures,
  type VerifyKey,
} from '../../src/oci/signatures';
import { secretboxOpen, secretboxSeal } from '../../src/oci/signatures/keys/secretbox';
import type { Target } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { OciLayoutStore } from '../../src/oci/layout';
import { cleanupTemps, makeImage, makeMultiArchLayout, newLayout, pushBlob, pushManifest, tagRawDocument, tempDir } from './builders';

after(cleanupTemps);

const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pubPem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
const verifyKey = (name: string, k: KeyObject): VerifyKey => loadPublicKey(name, pubPem(k));

/** A signature manifest made by hand: each layer a payload and the annotation given (or none), tagged as cosign tags it or attached as a referrer. */
async function putSignature(target: Target, subject: Descriptor, layers: Array<{ payload: Buffer; signature?: string }>, mode: 'tag' | 'referrer' = 'tag'): Promise<Descriptor> {
  const descs: Descriptor[] = [];
  for (const l of layers) {
    const d = await pushBlob(target, l.payload, SIMPLESIGNING_MEDIA_TYPE);
    descs.push(l.signature === undefined ? d : { ...d, annotations: { [SIGNATURE_ANNOTATION]: l.signature } });
  }
  const config = await pushBlob(target, '{}', MediaType.ImageConfig);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    ...(mode === 'referrer' ? { artifactType: COSIGN_SIGNATURE_ARTIFACT_TYPE, subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } } : {}),
    config,
    layers: descs,
  };
  const desc = await pushManifest(target, manifest);
  if (mode === 'tag') await target.tag(desc, cosignTag(subject.digest, 'sig'));
  return desc;
}

const signed = (key: KeyObject, payload: Buffer) => cryptoSign('sha256', payload, key).toString('base64');

describe('secretbox (XSalsa20-Poly1305), as cosign seals its keys', () => {
  it("gives NaCl's own test vector (tests/secretbox.c) and opens it again", () => {
    const key = Buffer.from('1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389', 'hex');
    const nonce = Buffer.from('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37', 'hex');
    const m = Buffer.from(
      'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705',
      'hex',
    );
    const c = secretboxSeal(m, nonce, key);
    assert.equal(
      c.toString('hex'),
      'f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5',
    );
    assert.deepEqual(secretboxOpen(c, nonce, key), m);
    const damaged = Buffer.from(c);
    damaged[40]! ^= 1;
    assert.equal(secretboxOpen(damaged, nonce, key), undefined);
  });
});

describe('cosign private keys', () => {
  it('an encrypted key opens with its passphrase and signs what its public key verifies (both PEM types)', () => {
    for (const type of [undefined, COSIGN_KEY_PEM_TYPE]) {
      const { privateKey, publicKey } = ec();
      const pem = encryptCosignKey(privateKey, 'correct horse', type);
      assert.match(pem, new RegExp(`^-----BEGIN ${type ?? 'ENCRYPTED SIGSTORE PRIVATE KEY'}-----\n`));
      const key = decryptCosignKey('cosign.key', pem, 'correct horse');
      assert.equal(key.type, 'ecdsa-p256');
      const payload = Buffer.from('payload');
      assert.ok(verifyKey('cosign.pub', publicKey).verifies(payload, key.sign(payload)));
      assert.equal(key.publicPem(), pubPem(publicKey));
    }
  });

  it('a wrong passphrase, another PEM, a damaged field: each error names the file and what is wrong', () => {
    const pem = encryptCosignKey(ec().privateKey, 'right');
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        assert.ok(isOciError(err, 'INVALID_ARGUMENT'), String(err));
        return (err as Error).message;
      }
      assert.fail('no error');
    };
    assert.equal(thrown(() => decryptCosignKey('k.key', pem, 'wrong')), 'k.key: cannot decrypt it: wrong passphrase, or the key is damaged');
    assert.match(thrown(() => decryptCosignKey('k.key', pubPem(ec().publicKey), 'x')), /^k\.key: a PEM "PUBLIC KEY", not cosign's/);
    const body = JSON.parse(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString()) as { cipher: { nonce: string } };
    body.cipher.nonce = 'not base64!';
    const damaged = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify(body)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    assert.equal(thrown(() => decryptCosignKey('k.key', damaged, 'right')), 'k.key: $.cipher.nonce: not base64');
  });

  it('a key file that is no PEM key is named', () => {
    assert.throws(() => loadPublicKey('nokey.pub', 'hello'), (err: Error) => isOciError(err, 'INVALID_ARGUMENT') && err.message.startsWith('nokey.pub: not a PEM public key'));
  });
});

describe('verifySignatures', () => {
  it('a signature made by sign (the .sig tag) is valid with its key, names the key and the identity; another key does not verify it', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const { privateKey, publicKey } = ec();
    const r = await signManifest(store, image, signKey('cosign.key', privateKey), 'registry.example.com/app:v1');
    assert.equal(r.tag, cosignTag(image.digest, 'sig'));
    const ok = await verifySignatures(store, image, [verifyKey('other.pub', ec().publicKey), verifyKey('cosign.pub', publicKey)]);
    assert.equal(ok.valid, true);
    assert.deepEqual(ok.signatures, [
      { manifest: r.manifest.digest, via: ['cosign-tag'], tag: r.tag, layer: 0, layerDigest: r.payload.digest, key: 'cosign.pub', keyType: 'ecdsa-p256', identity: 'registry.example.com/app:v1', valid: true },
    ]);
    const bad = await verifySignatures(store, image, [verifyKey('other.pub', ec().publicKey)]);
    assert.equal(bad.valid, false);
    assert.equal(bad.signatures[0]!.problem, 'bad-signature');
    assert.equal(bad.signatures[0]!.reason, 'no key given verifies it (other.pub)');
    assert.equal(bad.signatures[0]!.identity, undefined, 'what an unverified payload claims is not reported');
  });

  it('signing again adds a layer to the same tag, as cosign does: each signature is a result', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const a = ec();
    const b = generateKeyPairSync('ed25519');
    await signManifest(store, image, signKey('a.key', a.privateKey), 'r.example/app');
    const r = await signManifest(store, image, signKey('b.key', b.privateKey), 'r.example/app');
    assert.equal(r.signatures, 2);
    // Ed25519 signs deterministically: the same signature again is not a third layer.
    const again = await signManifest(store, image, signKey('b.key', b.privateKey), 'r.example/app');
    assert.deepEqual([again.signatures, again.manifest.digest], [2, r.manifest.digest]);
    const v = await verifySignatures(store, image, [verifyKey('b.pub', b.publicKey)]);
    assert.deepEqual(
      v.signatures.map((s) => [s.layer, s.valid, s.problem ?? s.key]),
      [
        [0, false, 'bad-signature'],
        [1, true, 'b.pub'],
      ],
    );
  });

  it('RSA and Ed25519 keys verify as ECDSA ones do', async () => {
    for (const pair of [generateKeyPairSync('rsa', { modulusLength: 2048 }), generateKeyPairSync('ed25519')]) {
      const store = await newLayout();
      const image = await makeImage(store);
      await signManifest(store, image, signKey('k', pair.privateKey), 'r.example/app');
      const v = await verifySignatures(store, image, [verifyKey('k.pub', pair.publicKey)]);
      assert.equal(v.valid, true, JSON.stringify(v.signatures));
    }
  });

  it('a tampered payload, a payload for another digest, a malformed annotation, a malformed payload, the wrong type: each named', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const other = await makeImage(store, { seed: 'other' });
    const { privateKey, publicKey } = ec();
    const good = makePayload(image.digest, 'r.example/app:v1');
    const tampered = Buffer.from(good.toString().replace('r.example/app:v1', 'r.example/evil:v1'));
    const forOther = makePayload(other.digest, 'r.example/app:v1');
    const notJson = Buffer.from('{"critical": ');
    const wrongType = Buffer.from(good.toString().replace('cosign container image signature', 'atomic container signature'));
    const sig = await putSignature(store, image, [
      { payload: tampered, signature: signed(privateKey, good) },
      { payload: forOther, signature: signed(privateKey, forOther) },
      { payload: good, signature: 'not base64!' },
      { payload: good },
      { payload: notJson, signature: signed(privateKey, notJson) },
      { payload: wrongType, signature: signed(privateKey, wrongType) },
    ]);
    const v = await verifySignatures(store, image, [verifyKey('cosign.pub', publicKey)]);
    assert.equal(v.valid, false);
    assert.deepEqual(
      v.signatures.map((s) => [s.manifest, s.layer, s.problem, s.reason]),
      [
        [sig.digest, 0, 'bad-signature', 'no key given verifies it (cosign.pub)'],
        [sig.digest, 1, 'digest-mismatch', `signs ${other.digest}, not ${image.digest}`],
        [sig.digest, 2, 'malformed-signature', `layers[2].annotations["${SIGNATURE_ANNOTATION}"]: not base64`],
        [sig.digest, 3, 'malformed-signature', `layers[3].annotations["${SIGNATURE_ANNOTATION}"]: missing`],
        [sig.digest, 4, 'malformed-payload', "layers[4]: payload not JSON (Unexpected end of JSON input)"],
        [sig.digest, 5, 'wrong-type', 'layers[5]: payload $.critical.type is "atomic container signature", not "cosign container image signature"'],
      ],
    );
  });

  it('a signature manifest of odd shape, a layer naming no blob or a bad digest: results, never a crash', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const key = verifyKey('k.pub', ec().publicKey);
    const config = await pushBlob(store, '{}', MediaType.ImageConfig);
    const odd: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config,
      layers: [
        { mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: 'sha256:../../../etc/passwd', size: 10, annotations: { [SIGNATURE_ANNOTATION]: 'AAAA' } },
        { mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: `sha256:${'0'.repeat(64)}`, size: 10, annotations: { [SIGNATURE_ANNOTATION]: 'AAAA' } },
        { mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: `sha256:${'1'.repeat(64)}`, size: 1 << 30, annotations: { [SIGNATURE_ANNOTATION]: 'AAAA' } },
        { mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: `sha256:${'2'.repeat(64)}`, size: 10, annotations: { [SIGNATURE_ANNOTATION]: '' } },
      ],
    };
    // Written as another tool might have (the layout refuses to push it), then read by a store opened afresh.
    tagRawDocument(store.location, JSON.stringify(odd), MediaType.ImageManifest, cosignTag(image.digest, 'sig'));
    const reread = await OciLayoutStore.open(store.location);
    const v = await verifySignatures(reread, image, [key]);
    assert.deepEqual(
      v.signatures.map((s) => [s.layer, s.problem]),
      [
        [0, 'unreadable'],
        [1, 'unreadable'],
        [2, 'unreadable'],
        [3, 'malformed-signature'],
      ],
    );
    assert.match(v.signatures[2]!.reason!, /payload of 1073741824 bytes, over the 1048576 read/);
    assert.match(v.signatures[3]!.reason!, /: empty$/);
    // A tag naming a manifest with no simplesigning layer.
    const empty = await pushManifest(reread, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [] });
    await reread.tag(empty, cosignTag(image.digest, 'sig'));
    const w = await verifySignatures(reread, image, [key]);
    assert.deepEqual(w.signatures.map((s) => [s.manifest, s.problem]), [[empty.digest, 'malformed-signature']]);
  });

  it('--identity: an exact match of critical.identity.docker-reference', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const { privateKey, publicKey } = ec();
    await signManifest(store, image, signKey('k', privateKey), 'r.example/app:v1');
    const keys = [verifyKey('k.pub', publicKey)];
    assert.equal((await verifySignatures(store, image, keys, { identity: 'r.example/app:v1' })).valid, true);
    const v = await verifySignatures(store, image, keys, { identity: 'r.example/app' });
    assert.deepEqual([v.valid, v.signatures[0]!.problem, v.signatures[0]!.reason], [false, 'identity-mismatch', 'signed as r.example/app:v1, not r.example/app']);
  });

  it("a signature attached as a referrer (cosign's OCI 1.1 mode) is found; other referrers are not signatures", async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const { privateKey, publicKey } = ec();
    const payload = makePayload(image.digest, 'r.example/app');
    const sig = await putSignature(store, image, [{ payload, signature: signed(privateKey, payload) }], 'referrer');
    const v = await verifySignatures(store, image, [verifyKey('k.pub', publicKey)]);
    assert.deepEqual(v.signatures.map((s) => [s.manifest, s.via, s.valid]), [[sig.digest, ['referrers'], true]]);
  });

  it('a key cosign does not sign with is said per signature, not thrown', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await signManifest(store, image, signKey('k', ec().privateKey), 'r.example/app');
    const x = loadPublicKey('x25519.pub', pubPem(generateKeyPairSync('x25519').publicKey));
    const v = await verifySignatures(store, image, [x]);
    assert.deepEqual([v.signatures[0]!.problem, v.signatures[0]!.reason], ['unsupported-key', 'no key can verify it (x25519.pub: a key of type x25519: cosign signs with ECDSA, RSA or Ed25519 keys)']);
  });

  it('no signature: not valid, nothing listed', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    assert.deepEqual(await verifySignatures(store, image, [verifyKey('k.pub', ec().publicKey)]), { subject: image, signatures: [], valid: false });
  });
});

describe('manifold verify and sign (CLI, layouts)', () => {
  it('verify --recursive: a line per manifest, exit code 3 while a platform has no valid signature, 0 once all have; json', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const dir = tempDir();
    const { privateKey, publicKey } = ec();
    writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(privateKey, 'pw'));
    writeFileSync(join(dir, 'pass'), 'pw\n');
    writeFileSync(join(dir, 'cosign.pub'), pubPem(publicKey));
    const layout = store.location;
    const signRun = await runCli('sign', '--key', join(dir, 'cosign.key'), '--passphrase-file', join(dir, 'pass'), '--identity', 'r.example/app:v1', '--oci-layout', `${layout}:multi`, '--platform', 'linux/amd64');
    assert.equal(signRun.code, 0, signRun.stderr);
    const key = join(dir, 'cosign.pub');
    let r = await runCli('verify', '--key', key, '--oci-layout', `${layout}:multi`, '--recursive');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(
      r.stdout,
      [
        `index ${layout}@${index.digest}: no valid signature (none found)`,
        `linux/amd64 ${layout}@${children[0]!.digest}: verified by ${key} (ecdsa-p256), signed as r.example/app:v1`,
        `linux/arm64 ${layout}@${children[1]!.digest}: no valid signature (none found)`,
        `linux/arm/v7 ${layout}@${children[2]!.digest}: no valid signature (none found)`,
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      "Note: no signature found for 3 manifests; if the layout was copied from a registry, copy with -r (cp -r carries referrers and cosign's sha256-<hex>.sig tags; without it, neither)\n" +
        'Error: 3 of 4 manifests checked have no valid signature\n',
    );
    const all = await runCli('sign', '--key', join(dir, 'cosign.key'), '--passphrase-file', join(dir, 'pass'), '--identity', 'r.example/app:v1', '--oci-layout', `${layout}:multi`, '-r');
    assert.equal(all.code, 0, all.stderr);
    r = await runCli('verify', '--key', key, '--oci-layout', `${layout}:multi`, '--recursive', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { manifests: Array<{ label: string; valid: boolean; signatures: unknown[] }> };
    assert.deepEqual(json.manifests.map((m) => [m.label, m.valid, m.signatures.length]), [['index', true, 1], ['linux/amd64', true, 2], ['linux/arm64', true, 1], ['linux/arm/v7', true, 1]]);
    // One image by digest: labelled by the platform its config declares, as coverage labels it.
    r = await runCli('verify', '--key', key, '--oci-layout', `${layout}@${children[1]!.digest}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^linux/arm64 ${layout}@${children[1]!.digest}: verified by `));
    r = await runCli('verify', '--key', key, '--oci-layout', `${layout}@${children[1]!.digest}`, '--recursive');
    assert.match(r.stdout, new RegExp(`^linux/arm64 ${layout}@${children[1]!.digest}: verified by `));
    // Without --recursive, the index alone.
    r = await runCli('verify', '--key', key, '--oci-layout', `${layout}:multi`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').length, 2);
  });

  it('bad input: no --key, a key file missing or no key, a layout sign without --identity: named, exit code 1 or usage', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const dir = tempDir();
    writeFileSync(join(dir, 'junk.pub'), 'junk');
    const layout = `${store.location}:v1`;
    let r = await runCli('verify', '--oci-layout', layout);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--key FILE is required/);
    r = await runCli('verify', '--key', join(dir, 'missing.pub'), '--oci-layout', layout);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`--key ${join(dir, 'missing.pub')}: ENOENT`));
    r = await runCli('verify', '--key', join(dir, 'junk.pub'), '--oci-layout', layout);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${join(dir, 'junk.pub')}: not a PEM public key`));
    writeFileSync(join(dir, 'k.key'), encryptCosignKey(ec().privateKey, 'pw'));
    r = await runCli('sign', '--key', join(dir, 'k.key'), '--oci-layout', layout);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--identity REF is required for a layout/);
  });
});
