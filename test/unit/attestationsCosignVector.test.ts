// An attestation cosign itself made (sigstore/cosign's test data: test/fixtures/cosign-attestation/README.md), stored
// as cosign stores it (a sha256-<hex>.att manifest whose layer is the DSSE envelope): verify-attestation's checks
// accept it with the key that signed it, for the image it states, and refuse it with another key, for another
// image, and of another type. No peer here can attest (cosign is not packaged): this is the check that our reading
// of the format is cosign's. The image itself is not in the test data, only its digest: the checks are called with
// that digest, as the .att tag names it.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DSSE_MEDIA_TYPE, PREDICATE_TYPE_ANNOTATION, PREDICATE_TYPES, verifyAttestations } from '../../src/oci/attestations';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { loadPublicKey, SIGNATURE_ANNOTATION } from '../../src/oci/signatures';
import { cleanupTemps, newLayout, pushBlob, pushManifest } from './builders';

after(cleanupTemps);

const FIXTURES = join(__dirname, '..', 'fixtures', 'cosign-attestation');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
/** The image the attestation states (its subject's digest), as a descriptor: its size is not needed to look up its tags. */
const IMAGE: Descriptor = { mediaType: MediaType.ImageManifest, digest: 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4', size: 1 };
const OTHER: Descriptor = { ...IMAGE, digest: `sha256:${'0'.repeat(64)}` };

describe('an attestation cosign made (sigstore/cosign test data)', () => {
  const key = loadPublicKey('cosign.pub', fixture('cosign.pub'));
  let store: Awaited<ReturnType<typeof newLayout>>;
  let att: Descriptor;

  before(async () => {
    store = await newLayout();
    const envelope = await pushBlob(store, fixture('envelope.json'), DSSE_MEDIA_TYPE);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: await pushBlob(store, '{}', MediaType.ImageConfig),
      layers: [{ ...envelope, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: PREDICATE_TYPES.custom! } }],
    };
    att = await pushManifest(store, manifest);
    await store.tag(att, cosignTag(IMAGE.digest, 'att'));
    // The same attestation under another image's tag: it states the first image, not this one.
    await store.tag(att, cosignTag(OTHER.digest, 'att'));
  });

  it("is valid with the key that signed it, of cosign's custom predicate type, for the image it states", async () => {
    for (const predicateType of [undefined, PREDICATE_TYPES.custom]) {
      const v = await verifyAttestations(store, IMAGE, [key], { predicateType });
      assert.equal(v.valid, true, JSON.stringify(v.attestations));
      assert.deepEqual(v.attestations, [
        {
          manifest: att.digest,
          via: ['cosign-tag'],
          tag: cosignTag(IMAGE.digest, 'att'),
          layer: 0,
          layerDigest: v.attestations[0]!.layerDigest,
          valid: true,
          key: 'cosign.pub',
          keyType: 'ecdsa-p256',
          predicateType: 'https://cosign.sigstore.dev/attestation/v1',
        },
      ]);
    }
  });

  it('is refused with another key, for another image, and when another predicate type is asked for', async () => {
    const other = loadPublicKey('other.pub', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const problem = async (subject: Descriptor, keys: typeof key[], predicateType?: string) => {
      const v = await verifyAttestations(store, subject, keys, { predicateType });
      assert.equal(v.valid, false);
      return v.attestations.map((a) => [a.problem, a.reason]);
    };
    assert.deepEqual(await problem(IMAGE, [other]), [['bad-signature', 'no key given verifies its signature (other.pub)']]);
    assert.deepEqual(await problem(OTHER, [key]), [['subject-mismatch', `states ${IMAGE.digest}, not ${OTHER.digest}`]]);
    assert.deepEqual(await problem(IMAGE, [key], PREDICATE_TYPES.slsaprovenance), [['wrong-predicate-type', 'predicateType https://cosign.sigstore.dev/attestation/v1, not https://slsa.dev/provenance/v0.2']]);
  });
});
