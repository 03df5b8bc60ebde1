import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOciServer, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeMultiArchLayout, tempDir } from './builders';

describe('CLI on registries', () => {
  let server: OciServer;
  let savedDockerConfig: string | undefined;
  before(async () => {
    server = await startOciServer({ referrersApi: false });
    savedDockerConfig = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = tempDir('manifold-docker-');
  });
  after(async () => {
    await server.stop();
    if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedDockerConfig;
    cleanupTemps();
  });

  it('cp -r layout -> registry -> empty layout, with oras-like output; then repo ls, repo tags, manifest fetch', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const sig = await makeArtifact(store, { subject: children[1]!, artifactType: 'application/vnd.example.sig' });
    const up = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:multi`, `${server.host}/team/app:v1,latest`, '--plain-http');
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^Copying [0-9a-f]{12} application\/vnd\.oci\.image\.layer\.v1\.tar$/m);
    assert.ok(up.stdout.endsWith(`Copied [oci-layout] ${store.location}:multi => [registry] ${server.host}/team/app:v1\nDigest: ${index.digest}\n`), up.stdout);

    const ls = await runCli('repo', 'ls', server.host, '--plain-http');
    assert.equal(ls.stdout, 'team/app\n');
    assert.equal((await runCli('repo', 'ls', `${server.host}/team`, '--plain-http')).stdout, 'app\n');
    const tags = await runCli('repo', 'tags', `${server.host}/team/app`, '--plain-http', '--format', 'text');
    assert.equal(tags.stdout, 'latest\nv1\n');
    const desc = await runCli('manifest', 'fetch', `${server.host}/team/app:v1`, '--plain-http', '--platform', 'linux/arm64', '--descriptor');
    assert.equal(JSON.parse(desc.stdout).digest, children[1]!.digest);
    const raw = await runCli('manifest', 'fetch', `${server.host}/team/app:v1`, '--plain-http');
    assert.equal(raw.stdout, readFileSync(join(store.location, 'blobs', 'sha256', index.digest.slice(7)), 'utf8'));

    const back = join(tempDir(), 'back');
    const down = await runCli('cp', '-r', `${server.host}/team/app:v1`, '--to-oci-layout', back, '--plain-http');
    assert.equal(down.code, 0, down.stderr);
    const discovered = await runCli('resolve', '--oci-layout', `${back}@${sig.digest}`);
    assert.equal(discovered.stdout, `${sig.digest}\n`);
    assert.equal((await runCli('resolve', '--oci-layout', `${back}:v1`)).stdout, `${index.digest}\n`);
  });

  it('cp --platform copies one child; a second cp finds everything there', async () => {
    const { store, children } = await makeMultiArchLayout();
    const r = await runCli('cp', '--from-oci-layout', `${store.location}:multi`, `${server.host}/one:arm`, '--platform', 'linux/arm/v7', '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Digest: ${children[2]!.digest}`));
    const again = await runCli('cp', '--from-oci-layout', `${store.location}:multi`, `${server.host}/one:arm`, '--platform', 'linux/arm/v7', '--plain-http');
    assert.match(again.stdout, /^Exists  [0-9a-f]{12} application\/vnd\.oci\.image\.manifest\.v1\+json$/m);
    assert.doesNotMatch(again.stdout, /Copying/);
  });

  it('says clearly what is wrong', async () => {
    assert.match((await runCli('resolve', `${server.host}/team/app:nope`, '--plain-http')).stderr, /^Error: .*team\/app:nope: not found\n$/);
    assert.match((await runCli('untag', `${server.host}/team/app:v1`, '--plain-http')).stderr, /cannot remove a tag alone/);
    assert.match((await runCli('repo', 'tags', 'not-a-reference')).stderr, /expected registry\/repository/);
    assert.match((await runCli('cp', 'a/b:v1', 'c/d', '--concurrency', '0')).stderr, /--concurrency must be a positive integer/);
  });

  it('repo ls --oci-layout still lists a layout\'s tags', async () => {
    const { store } = await makeMultiArchLayout();
    const r = await runCli('repo', 'ls', '--oci-layout', store.location, '--format', 'text');
    assert.equal(r.stdout, 'multi\n');
  });
});
