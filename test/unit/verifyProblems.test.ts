import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { loadPublicKey, signKey, signManifest, verificationProblems, verifyImage } from '../../src/oci/signatures';
import { readPublicKeyFile } from '../../src/oci/signatures/keys/keyFiles';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from './builders';

after(cleanupTemps);

describe('verificationProblems (Verify Signatures in the Problems panel)', () => {
  it('marks each manifest at its entry in the index that lists it (a nested index too), the reference at its own document', async () => {
    const store = await newLayout();
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    const inner = await makeIndex(store, [arm64]);
    const outer = await makeIndex(store, [amd64, inner]);
    await store.tag(outer, 'v1');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await signManifest(store, amd64, signKey('cosign.key', pair.privateKey), 'r.example/app:v1');
    const key = loadPublicKey('cosign.pub', pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const report = await verifyImage(store, 'v1', [key], { recursive: true });
    const problems = verificationProblems(report, 'v1');
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.where, p.document, p.digest, p.path, p.message]),
      [
        ['warning', 'no-signature', 'v1', 'index', outer.digest, '', 'index has no valid signature: none found'],
        ['info', 'verified', 'v1', 'index', outer.digest, 'manifests[0]', 'linux/amd64 verified by cosign.pub (ecdsa-p256), signed as r.example/app:v1'],
        ['warning', 'no-signature', 'v1', 'index', outer.digest, 'manifests[1]', '[2] index has no valid signature: none found'],
        ['warning', 'no-signature', 'v1 > [2] index', 'index', inner.digest, 'manifests[0]', '[2.1] linux/arm64 has no valid signature: none found'],
      ],
    );
  });

  it('a key file is named in its error with why: missing, or no PEM key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.pub'), 'no key\n');
    await assert.rejects(readPublicKeyFile(join(dir, 'missing.pub')), (e: Error) => e.message.startsWith(`${join(dir, 'missing.pub')}: ENOENT`));
    await assert.rejects(readPublicKeyFile(join(dir, 'bad.pub'), 'bad.pub'), (e: Error) => e.message.startsWith('bad.pub: not a PEM public key ('));
  });
});
