// A real peer reads what `sign`/`attest --new-bundle-format` write: sigstore-js (@sigstore/bundle parses and
// validates the bundle JSON, @sigstore/verify's Verifier checks it), trusting only our public key under cosign's
// hint, with the tlog, CT log and timestamp thresholds at 0 (a key bundle with nothing uploaded has none of them:
// what sigstore-go's WithNoObserverTimestamps is for cosign). Then the statement it verified names the manifest's
// digest. Tampered bundles are refused by it. No registry needed: the bundles are written to a layout and read back.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, VerificationError, Verifier } from '@sigstore/verify';
import { attestManifestBundle } from '../../src/oci/attestations';
import type { Descriptor } from '../../src/oci/descriptor';
import { loadPublicKey, signKey, signManifestBundle, verifySignatures } from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** base64 of the SHA-256 of the key's DER: cosign's hint, computed here on its own. */
const hintOf = (publicKey: KeyObject) => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64');

/** sigstore-js's Verifier trusting `publicKey` alone, found under `hint` (cosign's for that key unless told). */
function peerVerifier(publicKey: KeyObject, keyDetails: PublicKeyDetails, hint = hintOf(publicKey)): Verifier {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const noServices = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  const trust = toTrustMaterial(noServices, { [hint]: { rawBytes: der, keyDetails } });
  return new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
}

/** The bundle JSON of the referrer `manifest`, as stored. */
async function storedBundle(target: Target, manifest: Descriptor): Promise<Json> {
  const doc = JSON.parse((await target.fetchBytes(manifest)).toString('utf8')) as Json;
  return JSON.parse((await target.fetchBytes(doc.layers[0])).toString('utf8')) as Json;
}

/** What sigstore-js verified: the statement in the envelope, once its Verifier accepted the bundle. */
function peerVerify(verifier: Verifier, json: Json): Json {
  const bundle = bundleFromJSON(json);
  verifier.verify(toSignedEntity(bundle));
  assert.equal(bundle.content.$case, 'dsseEnvelope');
  const envelope = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
  assert.equal(envelope!.payloadType, 'application/vnd.in-toto+json');
  return JSON.parse(Buffer.from(envelope!.payload).toString('utf8')) as Json;
}

// The key types sigstore-js reads as cosign 2.5+ signs with them. It verifies a DSSE envelope with node:crypto's
// default digest for the key (@sigstore/core crypto.verify with no algorithm; the trusted key's keyDetails unused):
// SHA-256 for every ECDSA curve, pure Ed25519 for Ed25519. So it cannot read what cosign 2.5+ (and we) write for
// P-384 (SHA-384), P-521 (SHA-512) and Ed25519 (Ed25519ph) keys: the tests below show that it refuses those.
const KEYS: Array<[string, () => { privateKey: KeyObject; publicKey: KeyObject }, PublicKeyDetails]> = [
  ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), PublicKeyDetails.PKIX_ECDSA_P256_SHA_256],
  ['RSA 2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), PublicKeyDetails.PKIX_RSA_PKCS1V15_2048_SHA256],
];

/** What sigstore-js cannot read: cosign 2.5+'s algorithms for these keys (our verify reads them: keyAlgorithms.test.ts). */
const UNREAD: Array<[string, () => { privateKey: KeyObject; publicKey: KeyObject }, PublicKeyDetails]> = [
  ['ECDSA P-384 (SHA-384)', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }), PublicKeyDetails.PKIX_ECDSA_P384_SHA_384],
  ['ECDSA P-521 (SHA-512)', () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' }), PublicKeyDetails.PKIX_ECDSA_P521_SHA_512],
  ['Ed25519 (Ed25519ph)', () => generateKeyPairSync('ed25519'), PublicKeyDetails.PKIX_ED25519_PH],
];

describe('sigstore-js (@sigstore/verify 3) verifies the bundles sign and attest --new-bundle-format write', () => {
  for (const [name, pair, details] of KEYS) {
    it(`sign: a ${name} key's bundle verifies with the key under its hint; its statement is sign/v1 of the manifest's digest, with the -a annotations`, async () => {
      const store = await newLayout();
      const image = await makeImage(store);
      const { privateKey, publicKey } = pair();
      const r = await signManifestBundle(store, image, signKey('k', privateKey), { annotations: { team: 'web' } });
      const statement = peerVerify(peerVerifier(publicKey, details), await storedBundle(store, r.manifest));
      assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
      assert.equal(statement.predicateType, 'https://sigstore.dev/cosign/sign/v1');
      assert.deepEqual(statement.subject.map((s: Json) => `sha256:${s.digest.sha256}`), [image.digest]);
      assert.deepEqual(statement.subject[0].annotations, { team: 'web' }, 'the -a annotations, as signed');
    });
  }

  for (const [name, pair, details] of UNREAD) {
    it(`sign: a ${name} key's bundle, as cosign 2.5+ writes it, is refused by sigstore-js 3 (node's default digest), verified by ours`, async () => {
      const store = await newLayout();
      const image = await makeImage(store);
      const { privateKey, publicKey } = pair();
      const r = await signManifestBundle(store, image, signKey('k', privateKey));
      const json = await storedBundle(store, r.manifest);
      assert.throws(() => peerVerify(peerVerifier(publicKey, details), json), (err: Error) => err instanceof VerificationError && /signature verification failed/.test(err.message));
      const ours = await verifySignatures(store, image, [loadPublicKey('k.pub', publicKey.export({ type: 'spki', format: 'pem' }).toString())]);
      assert.deepEqual(ours.signatures.map((s) => [s.valid, s.format]), [[true, 'bundle']]);
    });
  }

  it("attest: the bundle verifies; its statement is the predicate's type, of the manifest's digest", async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const { privateKey, publicKey } = KEYS[0]![1]();
    const r = await attestManifestBundle(store, image, signKey('k', privateKey), 'slsaprovenance1', Buffer.from('{"buildDefinition":{"buildType":"https://example.com/b"}}'), 'registry.example/app');
    const statement = peerVerify(peerVerifier(publicKey, KEYS[0]![2]), await storedBundle(store, r.manifest));
    assert.equal(statement.predicateType, 'https://slsa.dev/provenance/v1');
    assert.deepEqual(statement.subject, [{ name: 'registry.example/app', digest: { sha256: image.digest.split(':')[1] } }]);
    assert.deepEqual(statement.predicate, { buildDefinition: { buildType: 'https://example.com/b' } });
  });

  it('refuses a tampered bundle (the statement changed, the signature changed), another key, and (with its default thresholds) a bundle without a timestamp', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const other = await makeImage(store, { seed: 'other' });
    const { privateKey, publicKey } = KEYS[0]![1]();
    const verifier = peerVerifier(publicKey, KEYS[0]![2]);
    const good = await storedBundle(store, (await signManifestBundle(store, image, signKey('k', privateKey))).manifest);
    peerVerify(verifier, good);

    const refused = (json: Json, code: string) => assert.throws(() => peerVerify(verifier, json), (err: unknown) => err instanceof VerificationError && err.code === code);
    // The statement re-pointed at another image.
    const moved = structuredClone(good);
    moved.dsseEnvelope.payload = Buffer.from(Buffer.from(good.dsseEnvelope.payload, 'base64').toString().replace(image.digest.split(':')[1]!, other.digest.split(':')[1]!)).toString('base64');
    refused(moved, 'SIGNATURE_ERROR');
    // One bit of the signature flipped.
    const flipped = structuredClone(good);
    const sig = Buffer.from(good.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 1]! ^= 1;
    flipped.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    refused(flipped, 'SIGNATURE_ERROR');
    // Another key trusted under our key's hint: the signature is not its. Trusted under its own hint: ours is unknown.
    const impostorKey = KEYS[0]![1]().publicKey;
    const hint = good.verificationMaterial.publicKey.hint as string;
    assert.throws(() => peerVerify(peerVerifier(impostorKey, KEYS[0]![2], hint), good), (err: unknown) => err instanceof VerificationError && err.code === 'SIGNATURE_ERROR');
    assert.throws(() => peerVerify(peerVerifier(impostorKey, KEYS[0]![2]), good), (err: unknown) => err instanceof VerificationError && err.code === 'PUBLIC_KEY_ERROR' && err.message.includes(`key not found: ${hint}`));
    // sigstore-js's defaults ask for a tlog entry and a timestamp: a key bundle with none is refused by them.
    const defaults = new Verifier(toTrustMaterial({ mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }, { [hint]: { rawBytes: publicKey.export({ type: 'spki', format: 'der' }), keyDetails: KEYS[0]![2] } }));
    assert.throws(() => defaults.verify(toSignedEntity(bundleFromJSON(good))), (err: unknown) => err instanceof VerificationError && err.code === 'TIMESTAMP_ERROR');
  });
});
