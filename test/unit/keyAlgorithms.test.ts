// Which algorithm each key type signs with, as cosign 2.5+ does (sigstore's default algorithm per key, cosign's
// LoadPrivateKey with Ed25519ph): ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, RSA PKCS#1 v1.5/SHA-256,
// Ed25519ph for Ed25519 keys. Each is checked against node:crypto (or RFC 8032's Ed25519ph vector), and our
// verify reads both these and what cosign before 2.5 signed (every curve over SHA-256, pure Ed25519).
import { strict as assert } from 'node:assert';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { attestManifest, attestManifestBundle, verifyAttestations } from '../../src/oci/attestations';
import { loadPublicKey, signerText, signKey, signManifest, signManifestBundle, verifySignatures } from '../../src/oci/signatures';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

const pubPem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 8032 section 7.3, "TEST abc" (Ed25519ph): the raw seed and point, wrapped in PKCS#8 and SPKI.
const RFC_SECRET = hex('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42');
const RFC_PUBLIC = hex('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf');
const RFC_SIGNATURE = hex(`98a70222f0b8121aa9d30f813d683f80 9e462b469c7ff87639499bb94e6dae41
  31f85042463c2a355a2003d062adf5aa a10b8c61e636062aaad11c2a26083406`);
const rfcPrivate = () => createPrivateKey({ key: Buffer.concat([hex('302e020100300506032b657004220420'), RFC_SECRET]), format: 'der', type: 'pkcs8' });
const rfcPublic = () => createPublicKey({ key: Buffer.concat([hex('302a300506032b6570032100'), RFC_PUBLIC]), format: 'der', type: 'spki' });

const PAIRS: Array<[string, () => { privateKey: KeyObject; publicKey: KeyObject }, string, string | null]> = [
  ['ecdsa-p256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), 'ecdsa-p256-sha256', 'sha256'],
  ['ecdsa-p384', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }), 'ecdsa-p384-sha384', 'sha384'],
  ['ecdsa-p521', () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' }), 'ecdsa-p521-sha512', 'sha512'],
  ['rsa-2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'rsa-pkcs1v15-sha256', 'sha256'],
  ['ed25519', () => generateKeyPairSync('ed25519'), 'ed25519ph', null],
];

describe('key algorithms: sign as cosign 2.5+ does, verify both it and older cosign', () => {
  it("RFC 8032's Ed25519ph vector (7.3): signKey signs it byte for byte, and the public key verifies it as ed25519ph", () => {
    assert.equal(createPublicKey(rfcPrivate()).export({ type: 'spki', format: 'der' }).subarray(12).toString('hex'), RFC_PUBLIC.toString('hex'));
    const key = signKey('rfc.key', rfcPrivate());
    assert.deepEqual([key.type, key.algorithm], ['ed25519', 'ed25519ph']);
    assert.equal(key.sign(Buffer.from('abc')).toString('hex'), RFC_SIGNATURE.toString('hex'));
    const pub = loadPublicKey('rfc.pub', pubPem(rfcPublic()));
    assert.equal(pub.verifiedBy(Buffer.from('abc'), RFC_SIGNATURE), 'ed25519ph');
    // Not pure Ed25519 (node:crypto's), and not of another message or with a bit flipped.
    assert.equal(nodeVerify(null, Buffer.from('abc'), rfcPublic(), RFC_SIGNATURE), false);
    assert.equal(pub.verifiedBy(Buffer.from('abd'), RFC_SIGNATURE), undefined);
    const flipped = Buffer.from(RFC_SIGNATURE);
    flipped[5]! ^= 1;
    assert.equal(pub.verifies(Buffer.from('abc'), flipped), false);
  });

  for (const [type, pair, algorithm, hash] of PAIRS) {
    it(`${type}: signs with ${algorithm} (node:crypto agrees), which our verify names`, () => {
      const { privateKey, publicKey } = pair();
      const key = signKey('k.key', privateKey);
      assert.deepEqual([key.type, key.algorithm], [type, algorithm]);
      const payload = Buffer.from('{"critical":{}}');
      const signature = key.sign(payload);
      if (hash) {
        assert.equal(nodeVerify(hash, payload, publicKey, signature), true);
        // P-384 and P-521 no longer over SHA-256 (what cosign 2.5+'s verify would refuse).
        if (hash !== 'sha256') assert.equal(nodeVerify('sha256', payload, publicKey, signature), false);
      } else {
        assert.equal(nodeVerify(null, payload, publicKey, signature), false, 'Ed25519ph, not pure Ed25519');
      }
      assert.equal(loadPublicKey('k.pub', pubPem(publicKey)).verifiedBy(payload, signature), algorithm);
    });
  }

  it('older cosign\'s signatures still verify: P-384 and P-521 over SHA-256, pure Ed25519', () => {
    const payload = Buffer.from('{"critical":{}}');
    for (const [curve, name] of [['secp384r1', 'ecdsa-p384-sha256'], ['secp521r1', 'ecdsa-p521-sha256']] as const) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      assert.equal(loadPublicKey('k.pub', pubPem(publicKey)).verifiedBy(payload, nodeSign('sha256', payload, privateKey)), name);
    }
    const ed = generateKeyPairSync('ed25519');
    assert.equal(loadPublicKey('k.pub', pubPem(ed.publicKey)).verifiedBy(payload, nodeSign(null, payload, ed.privateKey)), 'ed25519');
    // A P-384 signature over SHA-512 is none of cosign's.
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    assert.equal(loadPublicKey('k.pub', pubPem(p384.publicKey)).verifies(payload, nodeSign('sha512', payload, p384.privateKey)), false);
  });

  it('sign, sign --new-bundle-format, attest and attest --new-bundle-format with an Ed25519 key: verified as ed25519ph, said so', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keys = [loadPublicKey('ed.pub', pubPem(publicKey))];
    const store = await newLayout();
    const image = await makeImage(store);
    await signManifest(store, image, signKey('ed.key', privateKey), 'r.example/app');
    await signManifestBundle(store, image, signKey('ed.key', privateKey));
    const v = await verifySignatures(store, image, keys);
    assert.deepEqual(
      v.signatures.map((s) => [s.format ?? 'cosign-tag', s.valid, s.keyType, s.keyAlgorithm]).sort(),
      [
        ['cosign-tag', true, 'ed25519', 'ed25519ph'],
        ['bundle', true, 'ed25519', 'ed25519ph'],
      ].sort(),
    );
    for (const s of v.signatures) assert.equal(signerText(s), 'ed.pub (ed25519ph)');

    const predicate = Buffer.from('{"buildDefinition":{"buildType":"https://example.com/b"}}');
    await attestManifest(store, image, signKey('ed.key', privateKey), 'slsaprovenance1', predicate, 'r.example/app');
    await attestManifestBundle(store, image, signKey('ed.key', privateKey), 'slsaprovenance1', predicate, 'r.example/app');
    const a = await verifyAttestations(store, image, keys);
    assert.equal(a.attestations.length, 2);
    for (const r of a.attestations) assert.deepEqual([r.valid, r.keyType, r.keyAlgorithm], [true, 'ed25519', 'ed25519ph'], JSON.stringify(r));
  });

  it('a pure Ed25519 signature (older cosign) verifies as ed25519: no keyAlgorithm, the text says ed25519', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const store = await newLayout();
    const image = await makeImage(store);
    const pure = { ...signKey('ed.key', privateKey), sign: (payload: Buffer) => nodeSign(null, payload, privateKey) };
    await signManifest(store, image, pure, 'r.example/app');
    const v = await verifySignatures(store, image, [loadPublicKey('ed.pub', pubPem(publicKey))]);
    assert.deepEqual(v.signatures.map((s) => [s.valid, s.keyType, 'keyAlgorithm' in s]), [[true, 'ed25519', false]]);
    assert.equal(signerText(v.signatures[0]!), 'ed.pub (ed25519)');
  });
});
