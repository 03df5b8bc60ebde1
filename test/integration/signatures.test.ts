// cosign signatures on a real registry (distribution 2.8: no referrers API, so cosign's tag scheme): manifold signs
// and verifies there, and in a layout copied from it (air-gapped). No peer signs or verifies here: Debian's skopeo
// 1.9.3 is built with sigstore disabled ("Debian-local change"), and cosign is not packaged.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignTag } from '../../src/oci/referrers';
import { COSIGN_KEY_PEM_TYPE, encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('cosign signatures on docker-registry (distribution 2.8)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  let dir: string;
  let digests: string[];
  /** The files sign and verify read: cosign.key (the older PEM type, as skopeo 1.9 reads it), pass, cosign.pub, other.pub. */
  const file = (name: string) => join(dir, name);

  before(async () => {
    dir = tempDir('manifold-signatures-');
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(file('cosign.key'), encryptCosignKey(keys.privateKey, 'correct horse', COSIGN_KEY_PEM_TYPE));
    writeFileSync(file('pass'), 'correct horse');
    writeFileSync(file('cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(file('other.pub'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const { store, index, children } = await makeMultiArchLayout();
    digests = [index.digest, ...children.map((c) => c.digest)];
    let r = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:multi`, `${registry.host}/signed/manifold:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
  });

  const verify = (key: string, ref: string, ...more: string[]) => runCli('verify', '--key', file(key), ...more, ref);
  /** The tag names `repo tags` prints (a layout's as a table: the first column, the header left out), sorted. */
  const tagNames = (stdout: string) =>
    stdout
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((t) => t && t !== 'TAG')
      .sort();

  it('manifold sign --recursive on the registry: the .sig tags are there, verify says valid with the key, not with another (exit code 3)', async () => {
    const ref = `${registry.host}/signed/manifold:v1`;
    const signed = await runCli('sign', '--key', file('cosign.key'), '--passphrase-file', file('pass'), '--recursive', '--plain-http', ref);
    assert.equal(signed.code, 0, signed.stderr);
    const tags = await runCli('repo', 'tags', '--plain-http', `${registry.host}/signed/manifold`);
    const listed = tags.stdout.split('\n').map((l) => l.split(' ')[0]);
    for (const d of digests) assert.ok(listed.includes(cosignTag(d, 'sig')), tags.stdout);
    let r = await verify('cosign.pub', ref, '--recursive', '--plain-http', '--identity', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(`: verified by ${file('cosign.pub')} (ecdsa-p256), signed as ${ref}`)).length, 4, r.stdout);
    r = await verify('other.pub', ref, '--recursive', '--plain-http', '--format', 'json');
    assert.equal(r.code, 3, r.stderr);
    const json = JSON.parse(r.stdout) as { manifests: Array<{ digest: string; valid: boolean; signatures: Array<{ problem?: string; via: string[] }> }> };
    assert.deepEqual(json.manifests.map((m) => m.digest), digests);
    for (const m of json.manifests) assert.deepEqual([m.valid, m.signatures.map((s) => [s.problem, s.via])], [false, [['bad-signature', ['cosign-tag']]]]);
  });

  // These tests read what the first one signed.
  it('air-gapped: cp -r to a layout carries the .sig tags, and verify there says what it says on the registry; without -r, a Note', async () => {
    const ref = `${registry.host}/signed/manifold`;
    const bare = join(tempDir(), 'bare');
    let r = await runCli('cp', '--plain-http', `${ref}:v1`, '--to-oci-layout', `${bare}:v1`);
    assert.equal(r.code, 0, r.stderr);
    r = await verify('cosign.pub', `${bare}:v1`, '--oci-layout');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^Note: no signature found for 1 manifest; if the layout was copied from a registry, copy with -r \(cp -r carries referrers and cosign's sha256-<hex>\.sig tags/);

    const layout = join(tempDir(), 'layout');
    r = await runCli('cp', '-r', '--plain-http', `${ref}:v1`, '--to-oci-layout', `${layout}:v1`);
    assert.equal(r.code, 0, r.stderr);
    const tags = await runCli('repo', 'tags', '--oci-layout', layout);
    assert.deepEqual(tagNames(tags.stdout), [...digests.map((d) => cosignTag(d, 'sig')), 'v1'].sort());
    r = await verify('cosign.pub', `${layout}:v1`, '--oci-layout', '--recursive', '--identity', `${ref}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(': verified by ')).length, 4, r.stdout);
    r = await verify('other.pub', `${layout}:v1`, '--oci-layout', '--platform', 'linux/arm64');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^linux\/arm64 .*: no valid signature\n {2}sha256:[0-9a-f]{64} layers\[0\]: bad-signature: no key given verifies it/);

    // One platform: its .sig alone.
    const arm = join(tempDir(), 'arm');
    r = await runCli('cp', '-r', '--plain-http', '--platform', 'linux/arm64', `${ref}:v1`, '--to-oci-layout', `${arm}:v1`);
    assert.equal(r.code, 0, r.stderr);
    const armTags = await runCli('repo', 'tags', '--oci-layout', arm);
    assert.deepEqual(tagNames(armTags.stdout), [cosignTag(digests[2]!, 'sig'), 'v1'].sort());
    assert.equal((await verify('cosign.pub', `${arm}:v1`, '--oci-layout')).code, 0);
  });

  it('backup of the tag v1 alone, restored to another repository: every .sig tag comes back, same digests, verify exits 0', async () => {
    const ref = `${registry.host}/signed/manifold`;
    const out = join(tempDir(), 'backup');
    let r = await runCli('backup', '-o', out, `${ref}:v1`, '--include-referrers', '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    r = await runCli('restore', '--input', out, `${registry.host}/signed/restored`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    const listTags = async (repo: string) => tagNames((await runCli('repo', 'tags', '--plain-http', `${registry.host}/signed/${repo}`)).stdout);
    const restored = await listTags('restored');
    assert.deepEqual(restored, [...digests.map((d) => cosignTag(d, 'sig')), 'v1'].sort());
    for (const tag of restored) {
      const [a, b] = await Promise.all(['manifold', 'restored'].map((repo) => runCli('resolve', '--plain-http', `${registry.host}/signed/${repo}:${tag}`)));
      assert.match(a!.stdout, /^sha256:[0-9a-f]{64}\n$/, tag);
      assert.equal(b!.stdout, a!.stdout, tag);
    }
    r = await verify('cosign.pub', `${registry.host}/signed/restored:v1`, '--recursive', '--plain-http');
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
});
