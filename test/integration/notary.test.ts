// Notary signatures (made as notation makes them: test/helpers/notaryEnvelopes.ts) on a real registry (distribution
// 2.8: no referrers API, so each referrer is listed in its subject's fallback tag sha256-<hex>, as notation pushes
// them there): cp -r carries them to the registry and back, and verify finds and checks them in both places.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOTARY_COSE_MEDIA_TYPE } from '../../src/oci/signatures';
import { attachNotary, made, signCose, signJws } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('Notary signatures on docker-registry (distribution 2.8)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it('cp -r carries the notation referrers to the registry (fallback tags) and back; verify --recursive checks each there and in the copy back', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    // The index and two platforms signed (JWS, COSE); the third by a chain to another root.
    await attachNotary(store, index, signJws({ target: index }));
    await attachNotary(store, children[0]!, signCose({ target: children[0]! }), NOTARY_COSE_MEDIA_TYPE);
    await attachNotary(store, children[1]!, signJws({ target: children[1]!, leaf: 'rsaleaf' }));
    await attachNotary(store, children[2]!, signJws({ target: children[2]!, leaf: 'otherleaf', chain: ['otherleaf', 'otherroot'] }));
    const ref = `${registry.host}/notary/app:v1`;
    let r = await runCli('cp', '-r', '--plain-http', '--from-oci-layout', `${store.location}:multi`, ref);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli('repo', 'tags', '--all', '--format', 'text', '--plain-http', `${registry.host}/notary/app`);
    for (const d of [index, ...children]) assert.ok(r.stdout.includes(`sha256-${d.digest.slice('sha256:'.length)}`), r.stdout);

    const identity = ['--notary-identity', 'x509.subject: C=US, ST=WA, O=example.com'];
    r = await runCli('verify', '--recursive', '--plain-http', '--notary-roots', made('root.pem'), ...identity, '--format', 'json', ref);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const outcome = (stdout: string) =>
      (JSON.parse(stdout) as { manifests: Array<{ signatures: Array<{ valid: boolean; problem?: string; via: string[]; format: string; notary?: { envelope: string } }> }> }).manifests.map((m) =>
        m.signatures.map((s) => [s.valid, s.problem ?? null, s.via.join(), s.format, s.notary?.envelope ?? null]),
      );
    const expected = [
      [[true, null, 'referrers', 'notary', 'jws']],
      [[true, null, 'referrers', 'notary', 'cose']],
      [[true, null, 'referrers', 'notary', 'jws']],
      [[false, 'untrusted-certificate', 'referrers', 'notary', 'jws']],
    ];
    assert.deepEqual(outcome(r.stdout), expected);
    r = await runCli('verify', '--recursive', '--plain-http', '--notary-roots', made('root.pem'), '--notary-roots', made('otherroot.pem'), ...identity, ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(': verified by Notary signature of C=US, ST=WA, L=Seattle, O=example.com, OU=Release, CN=release signer')).length, 4, r.stdout);

    const back = join(tempDir(), 'back');
    r = await runCli('cp', '-r', '--plain-http', ref, '--to-oci-layout', `${back}:v1`);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli('verify', '--recursive', '--notary-roots', made('root.pem'), ...identity, '--format', 'json', '--oci-layout', `${back}:v1`);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.deepEqual(outcome(r.stdout), expected);
  });

  it('sign --notary-key on the registry: a Notary referrer per manifest in the fallback tags; verify there checks each', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const ref = `${registry.host}/notary/signed:v1`;
    let r = await runCli('cp', '--plain-http', '--from-oci-layout', `${store.location}:multi`, ref);
    assert.equal(r.code, 0, r.stderr);
    const chain = join(tempDir(), 'chain.pem');
    writeFileSync(chain, ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
    r = await runCli('sign', '--plain-http', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chain, '--recursive', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 4);
    r = await runCli('repo', 'tags', '--all', '--format', 'text', '--plain-http', `${registry.host}/notary/signed`);
    for (const d of [index, ...children]) assert.ok(r.stdout.includes(`sha256-${d.digest.slice('sha256:'.length)}`), r.stdout);
    r = await runCli('verify', '--recursive', '--plain-http', '--notary-roots', made('root.pem'), '--notary-identity', 'x509.subject: C=US, ST=WA, O=example.com', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(': verified by Notary signature of ')).length, 4, r.stdout);
  });
});
