import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { attestationProblems, attestManifest, verifyImageAttestations } from '../../src/oci/attestations';
import { loadPublicKey, signKey } from '../../src/oci/signatures';
import { cleanupTemps, makeImage, makeIndex, newLayout } from './builders';

after(cleanupTemps);

describe('attestationProblems (Verify Attestations in the Problems panel)', () => {
  it('marks each manifest where verificationProblems does: a note when verified, a warning when none, an error coded with the problem', async () => {
    const store = await newLayout();
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    const inner = await makeIndex(store, [arm64]);
    const outer = await makeIndex(store, [amd64, inner]);
    await store.tag(outer, 'v1');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sign = signKey('cosign.key', pair.privateKey);
    await attestManifest(store, amd64, sign, 'slsaprovenance', Buffer.from('{"builder":{"id":"b"}}'), 'r.example/app');
    await attestManifest(store, arm64, sign, 'spdxjson', Buffer.from('{"spdxVersion":"SPDX-2.3"}'), 'r.example/app');
    const key = loadPublicKey('cosign.pub', pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const slsa = 'https://slsa.dev/provenance/v0.2';
    const report = await verifyImageAttestations(store, 'v1', [key], { recursive: true, predicateType: slsa });
    const problems = attestationProblems(report, 'v1', { layout: true, predicateType: slsa });
    const hint = " (if the layout was copied from a registry, copy with -r: it carries referrers and cosign's sha256-<hex>.att tags)";
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.where, p.document, p.digest, p.path, p.message.replace(/sha256:[0-9a-f]{64}/, 'sha256:…')]),
      [
        ['warning', 'no-attestation', 'v1', 'index', outer.digest, '', `index has no valid attestation of type ${slsa}: none found${hint}`],
        ['info', 'verified', 'v1', 'index', outer.digest, 'manifests[0]', `linux/amd64 verified by cosign.pub (ecdsa-p256), predicate type ${slsa}`],
        ['warning', 'no-attestation', 'v1', 'index', outer.digest, 'manifests[1]', `[2] index has no valid attestation of type ${slsa}: none found${hint}`],
        [
          'error',
          'wrong-predicate-type',
          'v1 > [2] index',
          'index',
          inner.digest,
          'manifests[0]',
          `[2.1] linux/arm64 has no valid attestation of type ${slsa}: sha256:… layers[0]: wrong-predicate-type: predicateType https://spdx.dev/Document, not ${slsa}`,
        ],
      ],
    );
  });
});
