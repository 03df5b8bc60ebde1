// inspect never throws on what a signature or attestation holds: every truncation of the real vectors (cosign 3's
// bundle, notation's JWS and COSE, the keyless classic signature's payload and certificate annotations, cosign's
// attestation envelope) and bytes flipped through them each either describe or name a problem.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CERTIFICATE_ANNOTATION, loadNotaryRoots, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, verifyNotaryEnvelope } from '../../src/oci/signatures';
import { describeBundleAttestation, describeDsseLayer } from '../../src/oci/signatures/inspectAttestations';
import { describeBundle, describeCosignLayer, describeNotary } from '../../src/oci/signatures/inspectDescribe';
import { parseSigstoreBundle } from '../../src/oci/signatures/sigstore/sigstoreBundle';
import { cosignVector } from '../helpers/cosignVectors';
import { made, signJws, VECTOR } from '../helpers/notaryEnvelopes';
import { IMAGE_DIGEST, sigstoreFixture } from '../helpers/sigstoreBundles';

/** `bytes` cut at every `step` bytes, and with one byte changed at every `step` bytes. */
function damaged(bytes: Buffer, step: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += step) {
    out.push(bytes.subarray(0, i));
    const flipped = Buffer.from(bytes);
    flipped[i] = flipped[i]! ^ 0x5a;
    out.push(flipped);
  }
  return out;
}

describe('inspect: damaged signatures never throw', () => {
  it('a Sigstore bundle, every cut and flip: described or malformed', () => {
    for (const b of damaged(readFileSync(sigstoreFixture('oci-attestation.sigstore.json')), 7)) {
      const d = describeBundle(b);
      assert.ok('malformed' in d ? typeof d.malformed === 'string' : d.tlogEntries !== undefined);
    }
  });

  it("notation's JWS and COSE envelopes, every cut and flip: described or malformed", () => {
    for (const [file, type] of [['jws_signature.sig', NOTARY_JWS_MEDIA_TYPE], ['cose_signature.sig', NOTARY_COSE_MEDIA_TYPE]] as const) {
      for (const b of damaged(readFileSync(join(VECTOR, file)), 5)) {
        const d = describeNotary(b, type);
        assert.ok('malformed' in d ? typeof d.malformed === 'string' : Array.isArray(d.certificates));
      }
    }
  });

  it('a classic payload and certificate annotation, every cut and flip: the claim or its problem, the certificate or why not', () => {
    const v = cosignVector('fulcio-rekor');
    for (const p of damaged(v.payload, 3)) {
      const d = describeCosignLayer(v.annotations, p);
      assert.ok(d.claim !== undefined || typeof d.payloadProblem === 'string');
    }
    const pem = v.annotations[CERTIFICATE_ANNOTATION]!;
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    for (const c of damaged(der, 11)) {
      const text = `-----BEGIN CERTIFICATE-----\n${c.toString('base64')}\n-----END CERTIFICATE-----\n`;
      const d = describeCosignLayer({ ...v.annotations, [CERTIFICATE_ANNOTATION]: text }, v.payload);
      assert.ok(d.certificate !== undefined);
    }
  });

  it("cosign's attestation envelope as a classic layer, and its bundle as an attestation, every cut and flip: the statement or a problem", () => {
    const envelope = readFileSync(join(__dirname, '..', 'fixtures', 'cosign-attestation', 'envelope.json'));
    for (const b of damaged(envelope, 5)) {
      const d = describeDsseLayer({}, b, IMAGE_DIGEST, 'layers[0]');
      assert.ok(d.envelope?.statement !== undefined || typeof d.problem === 'string');
    }
    for (const b of damaged(readFileSync(sigstoreFixture('oci-attestation.sigstore.json')), 7)) {
      const parsed = parseSigstoreBundle(b);
      if ('malformed' in parsed) continue;
      const d = describeBundleAttestation(parsed, IMAGE_DIGEST, 'layers[0]');
      assert.ok(d.envelope?.statement !== undefined || typeof d.problem === 'string');
    }
  });
});

describe("inspect: a Notary payload's targetArtifact, read as verify reads it", () => {
  const target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ab'.repeat(32)}`, size: 1234 };
  for (const [payload, problem] of [
    ['{"targetArtifact": 1}', '$.targetArtifact: expected a descriptor'],
    ['{"targetArtifact": {"digest": "sha256:x"}}', '$.targetArtifact: expected a digest, a size and a media type'],
    [JSON.stringify({ targetArtifact: { ...target, annotations: { run: 7 } } }), '$.targetArtifact.annotations: expected an object of strings'],
  ] as const) {
    it(`${payload}: inspect names the problem verify refuses it for`, () => {
      const bytes = signJws({ target, payload: Buffer.from(payload) });
      const d = describeNotary(bytes, NOTARY_JWS_MEDIA_TYPE);
      assert.ok(!('malformed' in d));
      assert.equal(d.payloadProblem, `payload: ${problem}`);
      assert.equal(d.targetArtifact, undefined);
      const v = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, target, { roots: loadNotaryRoots('root', readFileSync(made('root.pem'))), authorityRoots: [], identities: [] });
      assert.ok(!v.ok);
      assert.equal(v.problem, 'malformed-payload');
      assert.equal(v.reason, `payload ${problem}`);
    });
  }

  it('user metadata of strings: shown, as verify reports it', () => {
    const bytes = signJws({ target: { ...target, annotations: { run: '7' } } as typeof target });
    const d = describeNotary(bytes, NOTARY_JWS_MEDIA_TYPE);
    assert.ok(!('malformed' in d));
    assert.deepEqual(d.targetArtifact, target);
    assert.deepEqual(d.userMetadata, { run: '7' });
  });
});
