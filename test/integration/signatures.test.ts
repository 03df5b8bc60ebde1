// cosign signatures on a real registry (distribution 2.8: no referrers API, so cosign's tag scheme): manifold signs
// and verifies there, and in a layout copied from it (air-gapped). skopeo is the peer both ways where its sigstore
// support is built in: it signs (use-sigstore-attachments) and manifold verifies; manifold signs and skopeo's
// sigstoreSigned policy accepts it. Debian's skopeo 1.9.3 is built with sigstore disabled ("Debian-local change"):
// there those two tests are pending, saying so.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cosignTag } from '../../src/oci/referrers';
import { COSIGN_KEY_PEM_TYPE, encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const run = promisify(execFile);

/** Runs skopeo; its exit status and output, never thrown. */
async function skopeo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('skopeo', args, { encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('cosign signatures on docker-registry (distribution 2.8), and skopeo', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  let dir: string;
  let digests: string[];
  /** The files sign and verify read, and skopeo's: cosign.key (sealed as skopeo 1.9 reads it), pass, cosign.pub, other.pub, registries.d. */
  const file = (name: string) => join(dir, name);
  /** Why skopeo cannot be the peer here, when it cannot (its sigstore support left out of its build). */
  let skopeoSigstore: string | undefined;

  before(async () => {
    dir = tempDir('manifold-signatures-');
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(file('cosign.key'), encryptCosignKey(keys.privateKey, 'correct horse', COSIGN_KEY_PEM_TYPE));
    writeFileSync(file('pass'), 'correct horse');
    writeFileSync(file('cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(file('other.pub'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    mkdirSync(file('registries.d'));
    writeFileSync(file('registries.d/default.yaml'), 'default-docker:\n  use-sigstore-attachments: true\n');
    const { store, index, children } = await makeMultiArchLayout();
    digests = [index.digest, ...children.map((c) => c.digest)];
    let r = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:multi`, `${registry.host}/signed/manifold:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    // skopeo signs one image (without --all it would copy one platform of an index onto the tag).
    r = await runCli('cp', '--from-oci-layout', `${store.location}@${children[0]!.digest}`, `${registry.host}/signed/skopeo:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    // Does this skopeo sign with sigstore keys at all? One signing of its own repository tells.
    const probe = await skopeo('copy', '--registries.d', file('registries.d'), '--sign-by-sigstore-private-key', file('cosign.key'), '--sign-passphrase-file', file('pass'), '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${registry.host}/signed/skopeo:v1`, `docker://${registry.host}/signed/skopeo:v1`);
    if (probe.code !== 0) skopeoSigstore = probe.stderr.trim().split('\n').pop();
  });

  const verify = (key: string, ref: string, ...more: string[]) => runCli('verify', '--key', file(key), ...more, ref);

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

  // This test and the policy test below read what the first one signed.
  it('air-gapped: the image (cp -r) and its .sig tags (cp) copied to a layout verify there as on the registry', async () => {
    const ref = `${registry.host}/signed/manifold`;
    const layout = join(tempDir(), 'layout');
    let r = await runCli('cp', '-r', '--plain-http', `${ref}:v1`, '--to-oci-layout', `${layout}:v1`);
    assert.equal(r.code, 0, r.stderr);
    // Unsigned until its signatures come too.
    r = await verify('cosign.pub', `${layout}:v1`, '--oci-layout');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^Note: no signature found for 1 manifest; if the layout was copied with cp -r, copy cosign's sha256-<hex>\.sig tags too/);
    for (const d of digests) {
      r = await runCli('cp', '--plain-http', `${ref}:${cosignTag(d, 'sig')}`, '--to-oci-layout', `${layout}:${cosignTag(d, 'sig')}`);
      assert.equal(r.code, 0, r.stderr);
    }
    r = await verify('cosign.pub', `${layout}:v1`, '--oci-layout', '--recursive', '--identity', `${ref}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout.split('\n').filter((l) => l.includes(': verified by ')).length, 4, r.stdout);
    r = await verify('other.pub', `${layout}:v1`, '--oci-layout', '--platform', 'linux/arm64');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^linux\/arm64 .*: no valid signature\n {2}sha256:[0-9a-f]{64} layers\[0\]: bad-signature: no key given verifies it/);
  });

  it('skopeo signs (sigstore attachments), manifold verifies', async function () {
    if (skopeoSigstore) return this.skip(); // pending: this skopeo cannot sign with sigstore keys (skopeoSigstore says why)
    const ref = `${registry.host}/signed/skopeo:v1`;
    const r = await verify('cosign.pub', ref, '--plain-http');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`: verified by .*cosign\\.pub \\(ecdsa-p256\\), signed as ${ref.replace(/[.]/g, '\\.')}\\n`));
    assert.equal((await verify('other.pub', ref, '--plain-http')).code, 3);
  });

  it("what manifold signs, skopeo's sigstoreSigned policy accepts (and refuses with another key)", async function () {
    const ref = `${registry.host}/signed/manifold:v1`;
    const policy = (key: string) => {
      const p = file(`policy-${key}.json`);
      writeFileSync(p, JSON.stringify({ default: [{ type: 'sigstoreSigned', keyPath: file(key), signedIdentity: { type: 'matchRepoDigestOrExact' } }] }));
      return p;
    };
    const copyWith = (key: string) => skopeo('--policy', policy(key), 'copy', '--registries.d', file('registries.d'), '--src-tls-verify=false', `docker://${ref}`, `dir:${join(tempDir(), key)}`);
    const ok = await copyWith('cosign.pub');
    if (/sigstore disabled/.test(ok.stderr)) return this.skip(); // pending: this skopeo verifies no sigstore signature either
    assert.equal(ok.code, 0, ok.stderr);
    const refused = await copyWith('other.pub');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /signature/i);
  });

  after(() => {
    if (skopeoSigstore) console.log(`      (skopeo cannot sign with sigstore keys here: ${skopeoSigstore})`);
  });
});
