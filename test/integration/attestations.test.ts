// cosign attestations on a real registry (distribution 2.8: no referrers API, so cosign's tag scheme): manifold
// attests and verifies there, and in a layout copied from it with cp -r (air-gapped: the .att tags travel). No peer
// attests or verifies here: cosign is not packaged (see signatures.test.ts).
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignTag } from '../../src/oci/referrers';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('cosign attestations on docker-registry (distribution 2.8)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  let dir: string;
  let digests: string[];
  const file = (name: string) => join(dir, name);

  before(async () => {
    dir = tempDir('manifold-attestations-');
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(file('cosign.key'), encryptCosignKey(keys.privateKey, 'correct horse'));
    writeFileSync(file('pass'), 'correct horse');
    writeFileSync(file('cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(file('other.pub'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(file('sbom.spdx.json'), '{"spdxVersion":"SPDX-2.3","name":"app"}');
    writeFileSync(file('provenance.json'), '{"builder":{"id":"https://example.com/builder"},"buildType":"https://example.com/t"}');
    const { store, index, children } = await makeMultiArchLayout();
    digests = [index.digest, ...children.map((c) => c.digest)];
    const r = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:multi`, `${registry.host}/attested/app:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
  });

  const attest = (type: string, predicate: string, ...more: string[]) =>
    runCli('attest', '--key', file('cosign.key'), '--passphrase-file', file('pass'), '--type', type, '--predicate', file(predicate), ...more);
  const verify = (key: string, ref: string, ...more: string[]) => runCli('verify-attestation', '--key', file(key), ...more, ref);
  const tagNames = (stdout: string) =>
    stdout
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((t) => t && t !== 'TAG')
      .sort();

  it('attest --recursive on the registry: the .att tags are there; verify-attestation valid with the key and type, not with another key (exit code 3)', async () => {
    const ref = `${registry.host}/attested/app:v1`;
    let r = await attest('spdxjson', 'sbom.spdx.json', '--recursive', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
    r = await attest('slsaprovenance', 'provenance.json', '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(2 attestations\)\n$/);
    const tags = await runCli('repo', 'tags', '--plain-http', `${registry.host}/attested/app`);
    assert.deepEqual(tagNames(tags.stdout), [...digests.map((d) => cosignTag(d, 'att')), 'v1'].sort());

    r = await verify('cosign.pub', ref, '--recursive', '--plain-http', '--type', 'spdxjson');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(`: verified by ${file('cosign.pub')} (ecdsa-p256), predicate type https://spdx.dev/Document`)).length, 4, r.stdout);
    // SLSA provenance: the index has one, its platforms none of that type (exit code 3, each named).
    r = await verify('cosign.pub', ref, '--recursive', '--plain-http', '--type', 'slsaprovenance', '--format', 'json');
    assert.equal(r.code, 3, r.stderr);
    const json = JSON.parse(r.stdout) as { manifests: Array<{ digest: string; valid: boolean; attestations: Array<{ problem?: string; via: string[] }> }> };
    assert.deepEqual(
      json.manifests.map((m) => [m.digest, m.valid, m.attestations.map((a) => [a.problem, a.via])]),
      [
        [digests[0], true, [['wrong-predicate-type', ['cosign-tag']], [undefined, ['cosign-tag']]]],
        ...digests.slice(1).map((d) => [d, false, [['wrong-predicate-type', ['cosign-tag']]]]),
      ],
    );
    r = await verify('other.pub', ref, '--plain-http', '--platform', 'linux/arm64');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^linux\/arm64 .*: no valid attestation\n {2}sha256:[0-9a-f]{64} layers\[0\]: bad-signature: /);
  });

  // This test reads what the first one attested.
  it('air-gapped: cp -r to a layout carries the .att tags, and verify-attestation there says what it says on the registry; without -r, a Note', async () => {
    const ref = `${registry.host}/attested/app`;
    const bare = join(tempDir(), 'bare');
    let r = await runCli('cp', '--plain-http', `${ref}:v1`, '--to-oci-layout', `${bare}:v1`);
    assert.equal(r.code, 0, r.stderr);
    r = await verify('cosign.pub', `${bare}:v1`, '--oci-layout');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^Note: no attestation found for 1 manifest; if the layout was copied from a registry, copy with -r/);

    const layout = join(tempDir(), 'layout');
    r = await runCli('cp', '-r', '--plain-http', `${ref}:v1`, '--to-oci-layout', `${layout}:v1`);
    assert.equal(r.code, 0, r.stderr);
    const tags = await runCli('repo', 'tags', '--oci-layout', layout);
    assert.deepEqual(tagNames(tags.stdout), [...digests.map((d) => cosignTag(d, 'att')), 'v1'].sort());
    r = await verify('cosign.pub', `${layout}:v1`, '--oci-layout', '--recursive', '--type', 'spdxjson');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(': verified by ')).length, 4, r.stdout);
    r = await verify('cosign.pub', `${layout}:v1`, '--oci-layout', '--type', 'slsaprovenance');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await verify('other.pub', `${layout}:v1`, '--oci-layout', '--recursive');
    assert.equal(r.code, 3);
    assert.equal(r.stderr, 'Error: 4 of 4 manifests checked have no valid attestation\n');
  });
});
