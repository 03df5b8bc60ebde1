import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copy } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { MemoryCredentialStore } from '../../src/oci/auth';
import { isOciError } from '../../src/oci/errors';
import { RegistryClient, RegistryError, RemoteRepository } from '../../src/oci/registry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, type LaunchedRegistry, launchRegistry, startOciServer, startTokenServer, type TokenServer, useEmptyDockerConfig, useLaunchedRegistry } from './support';

function skopeo(...args: string[]): Buffer {
  return execFileSync('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A multi-arch image with referrers on the index, on a child, and on a referrer; tagged v1. */
async function sampleLayout() {
  const store = await newLayout();
  const amd64 = await makeImage(store, { arch: 'amd64', layers: ['amd64 layer 1', 'amd64 layer 2'] });
  const arm64 = await makeImage(store, { arch: 'arm64', layers: ['arm64 layer'] });
  const index = await makeIndex(store, [amd64, arm64]);
  await store.tag(index, 'v1');
  const sig = await makeArtifact(store, { subject: index, artifactType: 'application/vnd.example.sig', content: 'signature' });
  const sbom = await makeArtifact(store, { subject: arm64, artifactType: 'application/vnd.example.sbom', content: 'sbom' });
  const sbomSig = await makeArtifact(store, { subject: sbom, artifactType: 'application/vnd.example.sig', content: 'sbom signature' });
  return { store, index, children: [amd64, arm64], referrers: [sig, sbom, sbomSig] };
}

function blobBytes(store: OciLayoutStore, d: Descriptor): Buffer {
  return readFileSync(join(store.location, 'blobs', 'sha256', d.digest.slice(7)));
}

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('docker-registry (distribution 2.8), no auth', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it('manifold cp -r to the registry: skopeo reads the same bytes, and copies back the same digests', async () => {
    const s = await sampleLayout();
    const r = await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/demo/app:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    for (const d of [s.index, ...s.children]) {
      const ref = d === s.index ? 'v1' : `@${d.digest}`;
      const raw = skopeo('inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/demo/app${ref.startsWith('@') ? ref : `:${ref}`}`);
      assert.deepEqual(raw, blobBytes(s.store, d), d.digest);
    }
    const back = join(tempDir(), 'skopeo-layout');
    skopeo('copy', '--all', '--preserve-digests', '--src-tls-verify=false', `docker://${registry.host}/demo/app:v1`, `oci:${back}:v1`);
    const copied = await OciLayoutStore.open(back);
    assert.equal((await copied.resolve('v1')).digest, s.index.digest);
    for (const d of s.children) assert.ok(await copied.exists(d), d.digest);
  });

  it('manifold cp -r from the registry into an empty layout brings back every referrer (fallback tags)', async () => {
    const s = await sampleLayout();
    assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/demo/refs:v1`, '--plain-http')).code, 0);
    // distribution 2.8 has no referrers API: the oras fallback tags were written.
    const tags = (await runCli('repo', 'tags', `${registry.host}/demo/refs`, '--plain-http', '--all', '--format', 'text')).stdout.trim().split('\n');
    assert.deepEqual(tags.sort(), [`sha256-${s.children[1]!.digest.slice(7)}`, `sha256-${s.index.digest.slice(7)}`, `sha256-${s.referrers[1]!.digest.slice(7)}`, 'v1'].sort());
    const back = join(tempDir(), 'back');
    const r = await runCli('cp', '-r', `${registry.host}/demo/refs:v1`, '--to-oci-layout', `${back}:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    const store = await OciLayoutStore.open(back);
    for (const d of [s.index, ...s.children, ...s.referrers]) assert.ok(await store.exists(d), d.digest);
    assert.deepEqual((await collect(store.referrers(s.index))).map((d) => d.digest), [s.referrers[0]!.digest]);
    assert.deepEqual((await collect(store.referrers(s.referrers[1]!))).map((d) => d.digest), [s.referrers[2]!.digest]);
  });

  it('cp -r --only, both ways through the fallback tags: only what is picked is pushed and listed, and brought back', async () => {
    const s = await sampleLayout();
    const [sig, sbom, sbomSig] = s.referrers as [Descriptor, Descriptor, Descriptor];
    const to = await runCli('cp', '-r', '--only', 'application/vnd.example.sig', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/demo/only:v1`, '--plain-http');
    assert.equal(to.code, 0, to.stderr);
    // The index's signature alone: one fallback tag, the SBOM (and so its signature) never pushed.
    const tags = (await runCli('repo', 'tags', `${registry.host}/demo/only`, '--plain-http', '--all', '--format', 'text')).stdout.trim().split('\n');
    assert.deepEqual(tags.sort(), [`sha256-${s.index.digest.slice(7)}`, 'v1'].sort());
    const remote = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'demo/only');
    assert.deepEqual((await collect(remote.referrers(s.index))).map((d) => d.digest), [sig.digest]);
    assert.equal(await remote.exists(sbom), false);
    assert.equal(await remote.exists(sbomSig), false);

    // From a repository holding all three: the SBOM alone comes back.
    assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/demo/all:v1`, '--plain-http')).code, 0);
    const back = join(tempDir(), 'only-back');
    const r = await runCli('cp', '-r', '--only', 'application/vnd.example.sbom', `${registry.host}/demo/all:v1`, '--to-oci-layout', `${back}:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    const store = await OciLayoutStore.open(back);
    assert.deepEqual((await collect(store.referrers(s.children[1]!))).map((d) => d.digest), [sbom.digest]);
    for (const d of [sig, sbomSig]) assert.equal(await store.exists(d), false, d.digest);
  });

  it('manifold cp -r and coverage from the registry of an index of 12 platforms, each with an SBOM: no listener-leak warning on stderr', async () => {
    const store = await newLayout();
    const children: Descriptor[] = [];
    for (let i = 0; i < 12; i++) children.push(await makeImage(store, { arch: `arch${i}`, layers: [`layer ${i}`] }));
    const index = await makeIndex(store, children);
    await store.tag(index, 'v1');
    for (const [i, c] of children.entries()) await makeArtifact(store, { subject: c, artifactType: 'application/spdx+json', content: `sbom ${i}` });
    assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${store.location}:v1`, `${registry.host}/demo/many:v1`, '--plain-http')).code, 0);
    // Node prints this warning on stderr ("Possible EventTarget memory leak detected. 11 abort listeners").
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const r = await runCli('cp', '-r', `${registry.host}/demo/many:v1`, '--to-oci-layout', `${join(tempDir(), 'back')}:v1`, '--plain-http');
      assert.equal(r.code, 0, r.stderr);
      // coverage reads each platform's referrers, cosign's tags and each artifact at once: the same signal for all.
      const c = await runCli('coverage', '--plain-http', `${registry.host}/demo/many:v1`, '--format', 'json');
      assert.equal(c.code, 0, c.stderr);
      const rows = (JSON.parse(c.stdout) as { manifests: Array<{ counts: Record<string, number> }> }).manifests;
      assert.deepEqual(rows.map((m) => m.counts.sbom), [0, ...children.map(() => 1)]);
      await new Promise((done) => setImmediate(done)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
  });

  it('copies registry -> registry (mounting in one registry), lists the catalog, deletes', async () => {
    const s = await sampleLayout();
    const client = new RegistryClient(registry.host, { plainHttp: true });
    const a = new RemoteRepository(client, 'mount/a');
    await copy(s.store, 'v1', a, ['v1']);
    const b = new RemoteRepository(client, 'mount/b');
    const events: string[] = [];
    await copy(a, 'v1', b, ['v1'], { onProgress: (e) => events.push(e.type) });
    assert.equal(events.filter((e) => e === 'mounted').length, 5, 'two configs and three layers mounted');
    const ls = await runCli('repo', 'ls', `${registry.host}/mount`, '--plain-http');
    assert.equal(ls.stdout, 'a\nb\n');
    const del = await runCli('manifest', 'delete', `${registry.host}/mount/b:v1`, '--plain-http', '--force');
    assert.equal(del.code, 0, del.stderr);
    await assert.rejects(b.resolve('v1'), /not found/);
  });

  it('copies between two registries: distribution (fallback tags) -> a referrers-API server', async () => {
    const s = await sampleLayout();
    const api = await startOciServer();
    try {
      assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/x/app:v1`, '--plain-http')).code, 0);
      const r = await runCli('cp', '-r', `${registry.host}/x/app:v1`, `${api.host}/y/app:v1`, '--plain-http');
      assert.equal(r.code, 0, r.stderr);
      const repo = new RemoteRepository(new RegistryClient(api.host, { plainHttp: true }), 'y/app');
      assert.deepEqual((await collect(repo.referrers(s.referrers[1]!))).map((d) => d.digest), [s.referrers[2]!.digest]);
      // The API server indexed them itself: no fallback tag was copied or written.
      assert.deepEqual(await collect(repo.tags()), ['v1']);
    } finally {
      await api.stop();
    }
  });
});

describeRegistry('docker-registry with htpasswd basic auth', function () {
  this.timeout(120_000);
  let registry: LaunchedRegistry;
  let dockerConfig: string | undefined;
  let configDir: string;
  before(async () => {
    registry = await launchRegistry({ mode: 'basic', users: { alice: 'wonderland' } });
    dockerConfig = process.env.DOCKER_CONFIG;
    configDir = tempDir('manifold-docker-');
    process.env.DOCKER_CONFIG = configDir;
  });
  after(async () => {
    await registry?.stop();
    if (dockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = dockerConfig;
    cleanupTemps();
  });

  it('refuses without credentials, logs in with --password-stdin, copies, logs out', async () => {
    const s = await sampleLayout();
    const denied = await runCli('cp', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/secure/app:v1`, '--plain-http');
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /response status 401.*check the credentials\)\nSign in with "manifold login 127\.0\.0\.1:\d+", or pass --username with --password-stdin\.\n/);
    const bad = await runCli('login', registry.host, '-u', 'alice', '-p', 'wrong', '--plain-http');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /login to .* failed/);
    // The real CLI, the password on stdin, as a user types it.
    const cli = resolve(__dirname, '../../src/cli/main.ts');
    const login = spawnSync(process.execPath, ['--import', 'tsx', cli, 'login', registry.host, '-u', 'alice', '--password-stdin', '--plain-http'], { input: 'wonderland\n', encoding: 'utf8', env: process.env });
    assert.equal(login.status, 0, login.stderr);
    assert.equal(login.stdout, 'Login Succeeded\n');
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
    assert.equal(config.auths[registry.host].auth, Buffer.from('alice:wonderland').toString('base64'));
    const ok = await runCli('cp', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/secure/app:v1`, '--plain-http');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await runCli('logout', registry.host)).code, 0);
    const after = await runCli('resolve', `${registry.host}/secure/app:v1`, '--plain-http');
    assert.match(after.stderr, /401/);
    // Credentials on the command line work without a login.
    assert.equal((await runCli('resolve', `${registry.host}/secure/app:v1`, '--plain-http', '-u', 'alice', '-p', 'wonderland')).stdout, `${s.index.digest}\n`);
  });

  it('reports UNAUTHORIZED, naming registry and repository, when no credentials or wrong ones are refused', async () => {
    const s = await sampleLayout();
    const unauthorized = (e: unknown) => {
      assert.ok(isOciError(e, 'UNAUTHORIZED'), `expected UNAUTHORIZED, got ${String(e)}`);
      assert.ok(e instanceof RegistryError && e.status === 401);
      assert.ok(e.message.includes(`${registry.host}/secure/app`), e.message);
      return true;
    };
    const anonymous = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'secure/app');
    await assert.rejects(anonymous.resolve('v1'), unauthorized);
    const wrong = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true, credentials: new MemoryCredentialStore({ [registry.host]: { username: 'alice', password: 'wrong' } }) }), 'secure/app');
    await assert.rejects(wrong.resolve('v1'), unauthorized);
    await assert.rejects(copy(s.store, 'v1', wrong, ['v2']), unauthorized);
    await assert.rejects(collect(wrong.tags()), unauthorized);
    // The right credentials get through, so the code meant the credentials and nothing else.
    const right = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true, credentials: new MemoryCredentialStore({ [registry.host]: { username: 'alice', password: 'wonderland' } }) }), 'secure/app');
    await copy(s.store, 'v1', right, ['v2']);
    assert.equal((await right.resolve('v2')).digest, s.index.digest);
    const login = await runCli('login', registry.host, '-u', 'alice', '-p', 'wrong', '--plain-http');
    assert.equal(login.code, 1);
    assert.match(login.stderr, /login to .* failed: .*401/);
  });
});

describeRegistry('docker-registry with token auth', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  let tokens: TokenServer;
  let registry: LaunchedRegistry;
  before(async () => {
    tokens = await startTokenServer({ users: { bob: 'builder' } });
    registry = await launchRegistry({ mode: 'token', tokenServer: tokens });
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
    cleanupTemps();
  });

  it('gets tokens per scope set, caches them, mounts with a two-repository token, and refreshes via OAuth2', async () => {
    const s = await sampleLayout();
    const client = new RegistryClient(registry.host, { plainHttp: true, credentials: new MemoryCredentialStore({ [registry.host]: { username: 'bob', password: 'builder' } }) });
    const a = new RemoteRepository(client, 'tok/a');
    await copy(s.store, 'v1', a, ['v1'], { referrers: true });
    const afterPush = tokens.requests.length;
    assert.ok(afterPush <= 3, `a handful of token requests for a whole copy, got ${afterPush}: ${JSON.stringify(tokens.requests)}`);
    assert.ok(tokens.requests.every((r) => r.user === 'bob'));
    assert.ok(tokens.requests.some((r) => r.scopes.includes('repository:tok/a:pull,push')));
    const b = new RemoteRepository(client, 'tok/b');
    const events: string[] = [];
    await copy(a, 'v1', b, ['v1'], { onProgress: (e) => events.push(e.type) });
    assert.ok(events.includes('mounted'));
    assert.ok(tokens.requests.some((r) => r.scopes.includes('repository:tok/a:pull') && r.scopes.includes('repository:tok/b:pull,push')), JSON.stringify(tokens.requests));
    assert.equal(await collect(b.tags()).then((t) => t.join()), 'v1');

    // An identity token (as docker login stores for OAuth2 registries) uses the refresh_token grant.
    const oauth = new RegistryClient(registry.host, { plainHttp: true, forceOAuth2: true, credentials: new MemoryCredentialStore({ [registry.host]: { username: 'bob', password: 'builder' } }) });
    assert.equal((await new RemoteRepository(oauth, 'tok/a').resolve('v1')).digest, s.index.digest);
    assert.equal(tokens.requests.at(-1)!.grant, 'password');
    assert.equal((await new RemoteRepository(oauth, 'tok/b').resolve('v1')).digest, s.index.digest);
    assert.equal(tokens.requests.at(-1)!.grant, 'refresh_token');
  });

  it('--identity-token, as oras takes it: a command signs in with it, login keeps it as docker does', async () => {
    const s = await sampleLayout();
    const push = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true, credentials: new MemoryCredentialStore({ [registry.host]: { username: 'bob', password: 'builder' } }) }), 'tok/id');
    await copy(s.store, 'v1', push, ['v1']);
    // A refresh token, as an OAuth2 token server gives one for a password.
    const form = new URLSearchParams({ grant_type: 'password', username: 'bob', password: 'builder', service: tokens.service, scope: 'repository:tok/id:pull', client_id: 'test' });
    const answer = (await (await fetch(tokens.realm, { method: 'POST', body: form })).json()) as { refresh_token: string };
    const token = answer.refresh_token;
    assert.ok(token);

    const r = await runCli('resolve', `${registry.host}/tok/id:v1`, '--plain-http', '--identity-token', token);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), s.index.digest);
    assert.equal(tokens.requests.at(-1)!.grant, 'refresh_token');
    const both = await runCli('resolve', `${registry.host}/tok/id:v1`, '--plain-http', '--identity-token', token, '-u', 'bob');
    assert.equal(both.stderr, 'Error: --identity-token cannot be used with --username: the token is the credential\n');

    const login = await runCli('login', registry.host, '--plain-http', '--identity-token', token);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stderr, /^WARNING! Using --identity-token via the CLI is insecure\. Use --identity-token-stdin\.$/m);
    const config = JSON.parse(readFileSync(join(process.env.DOCKER_CONFIG!, 'config.json'), 'utf8')) as { auths: Record<string, { identitytoken?: string }> };
    assert.equal(config.auths[registry.host]!.identitytoken, token);
    const stored = await runCli('resolve', `${registry.host}/tok/id:v1`, '--plain-http');
    assert.equal(stored.stdout.trim(), s.index.digest, stored.stderr);
  });

  it('is refused with a clear error for wrong credentials, and anonymous users get nothing', async () => {
    const wrong = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true, credentials: new MemoryCredentialStore({ [registry.host]: { username: 'bob', password: 'nope' } }) }), 'tok/a');
    await assert.rejects(wrong.resolve('v1'), (e: unknown) => isOciError(e, 'UNAUTHORIZED') && /token server .* answered 401 for repository:tok\/a:pull/.test(e.message));
    const anonymous = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'tok/a');
    await assert.rejects(anonymous.resolve('v1'), (e: unknown) => isOciError(e, 'UNAUTHORIZED') && /response status 401/.test(e.message) && e.message.includes(`${registry.host}/tok/a`));
  });
});
