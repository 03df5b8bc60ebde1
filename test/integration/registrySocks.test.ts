// A SOCKS5 proxy (`ssh -D` is the usual one): the registries are reached by names that never resolve here,
// registry.invalid, which only the in-test SOCKS5 proxy maps to distribution 2.8 on 127.0.0.1. So a request that
// resolved the name itself, or went around the proxy, fails, and one that works went through it.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copy } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { forgetDefaultAgents, RegistryClient, RemoteRepository, type RegistryClientOptions } from '../../src/oci/registry';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from '../unit/builders';
import { freePort, hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';
import { startSocksProxy, type SocksProxy } from './support/socksProxy';

const TLS = resolve(__dirname, '..', 'helpers', 'tls');
const describeRegistry = hasDockerRegistry() ? describe : describe.skip;
const once: Partial<RegistryClientOptions> = { retry: { attempts: 1 } };

async function sample(): Promise<{ store: OciLayoutStore; index: Descriptor }> {
  const store = await newLayout();
  const index = await makeIndex(store, [await makeImage(store, { arch: 'amd64', layers: ['through socks'] }), await makeImage(store, { arch: 'arm64' })]);
  await store.tag(index, 'v1');
  return { store, index };
}

const blob = (store: OciLayoutStore, d: Descriptor) => readFileSync(join(store.location, 'blobs', 'sha256', d.digest.slice(7)));

describeRegistry('registries through a SOCKS5 proxy (registry.invalid, mapped by the proxy only)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const secure = useLaunchedRegistry(undefined, { certificate: join(TLS, 'named-server.crt'), key: join(TLS, 'named-server.key') });
  const plain = useLaunchedRegistry();
  const ca: Partial<RegistryClientOptions> = { tlsFiles: { caFiles: [join(TLS, 'named-ca.crt')] } };
  let socks: SocksProxy;
  let guarded: SocksProxy;
  before(async () => {
    const routes = { 'registry.invalid:443': secure.host, 'registry.invalid:5000': plain.host };
    socks = await startSocksProxy(routes);
    guarded = await startSocksProxy(routes, 'alice:s3cr%t');
  });
  after(async () => {
    await socks?.close();
    await guarded?.close();
    await forgetDefaultAgents();
    cleanupTemps();
  });

  it('https and plain http: a copy there and back gives the same digests and bytes; the names went to the proxy', async () => {
    const s = await sample();
    for (const [registry, extra] of [['registry.invalid', ca], ['registry.invalid:5000', { plainHttp: true }]] as const) {
      const remote = () => new RemoteRepository(new RegistryClient(registry, { ...extra, proxy: { url: socks.url } }), 'socks/app');
      await copy(s.store, 'v1', remote(), ['v1']);
      assert.equal((await remote().resolve('v1')).digest, s.index.digest);
      const back = await OciLayoutStore.open(join(tempDir(), 'back'), { create: true });
      await copy(remote(), 'v1', back, ['v1']);
      assert.deepEqual(blob(back, s.index), blob(s.store, s.index));
    }
    assert.ok((socks.tunnels.get('registry.invalid:443') ?? 0) > 0 && (socks.tunnels.get('registry.invalid:5000') ?? 0) > 0, JSON.stringify([...socks.tunnels]));
  });

  it('at most the pool\'s connections at once through the proxy (8 by default): 40 blobs copied open no more tunnels', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'amd64', layers: Array.from({ length: 40 }, (_, i) => `layer ${i}`) });
    await store.tag(image, 'many');
    await forgetDefaultAgents();
    const before = socks.tunnels.get('registry.invalid:5000') ?? 0;
    await copy(store, 'many', new RemoteRepository(new RegistryClient('registry.invalid:5000', { plainHttp: true, proxy: { url: socks.url } }), 'socks/many'), ['many']);
    const opened = (socks.tunnels.get('registry.invalid:5000') ?? 0) - before;
    assert.ok(opened >= 1 && opened <= 8, `tunnels opened: ${opened}`);
  });

  it('credentials (user:password@): signed in with them; a wrong password and none at all are the proxy\'s refusals, no secret shown', async () => {
    const s = await sample();
    const url = guarded.url;
    const remote = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, proxy: { url } }), 'guarded/app');
    await copy(s.store, 'v1', remote, ['v1']);
    assert.equal((await remote.resolve('v1')).digest, s.index.digest);
    assert.ok((guarded.tunnels.get('registry.invalid:443') ?? 0) > 0);
    const shown = `socks5://127.0.0.1:${guarded.port}`;
    for (const [proxy, said] of [
      [`socks5://alice:wr0ngpass@127.0.0.1:${guarded.port}`, 'it refused the user and password'],
      [shown, 'it wants a user and password (user:password@ in the proxy URL)'],
    ] as const) {
      const refused = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, ...once, proxy: { url: proxy } }), 'guarded/app');
      await assert.rejects(refused.resolve('v1'), (err: Error) => {
        assert.ok(err.message.startsWith(`proxy ${shown}: ${said} (HEAD https://registry.invalid/v2/guarded/app/manifests/v1)`), err.message);
        assert.ok(!`${err.message} ${err.stack}`.includes('wr0ngpass'), err.message);
        return true;
      });
    }
  });

  it('a host the proxy cannot reach is its refusal, naming the host; an unreachable proxy is named, not the registry', async () => {
    const lost = new RemoteRepository(new RegistryClient('elsewhere.invalid', { ...ca, ...once, proxy: { url: socks.url } }), 'app');
    await assert.rejects(lost.resolve('v1'), (err: Error) => {
      assert.ok(err.message.startsWith(`proxy ${socks.url}: it refused the connection to elsewhere.invalid:443: host unreachable`), err.message);
      return true;
    });
    const port = await freePort();
    const gone = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, ...once, proxy: { url: `socks5://bob:hunter22@127.0.0.1:${port}` } }), 'app');
    await assert.rejects(gone.resolve('v1'), (err: Error) => {
      assert.match(err.message, new RegExp(`^proxy socks5://127\\.0\\.0\\.1:${port} could not be reached: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(HEAD https://registry\\.invalid`));
      assert.ok(!`${err.message} ${err.stack}`.includes('hunter22'), err.message);
      return true;
    });
  });

  it('a proxy that takes the connection and never answers the handshake: given up after the connect timeout, named', async () => {
    const { createServer } = await import('node:net');
    const held: import('node:net').Socket[] = [];
    const mute = createServer((s) => void held.push(s));
    await new Promise<void>((done) => mute.listen(0, '127.0.0.1', done));
    const port = (mute.address() as { port: number }).port;
    try {
      const remote = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, ...once, timeoutMs: 2000, proxy: { url: `socks5://127.0.0.1:${port}` } }), 'app');
      await assert.rejects(remote.resolve('v1'), (err: Error) => {
        assert.match(err.message, new RegExp(`^proxy socks5://127\\.0\\.0\\.1:${port} could not be reached: .*no SOCKS5 connection to registry\\.invalid:443 within`), err.message);
        return true;
      });
    } finally {
      for (const s of held) s.destroy();
      mute.close();
    }
  });

  it('HTTPS_PROXY=socks5://… (the CLI\'s way, as Go reads it): used; skopeo reads the same tag through the same proxy', async () => {
    const s = await sample();
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, HTTP_PROXY: process.env.HTTP_PROXY };
    process.env.HTTPS_PROXY = socks.url;
    process.env.HTTP_PROXY = socks.url;
    try {
      await forgetDefaultAgents();
      const before = socks.tunnels.get('registry.invalid:5000') ?? 0;
      const remote = new RemoteRepository(new RegistryClient('registry.invalid:5000', { plainHttp: true }), 'env/app');
      await copy(s.store, 'v1', remote, ['v1']);
      assert.equal((await remote.resolve('v1')).digest, s.index.digest);
      assert.ok((socks.tunnels.get('registry.invalid:5000') ?? 0) > before);
      // Not execFileSync: the proxy skopeo talks to runs in this process.
      const { stdout } = await promisify(execFile)('skopeo', ['inspect', '--raw', '--tls-verify=false', 'docker://registry.invalid:5000/env/app:v1'], { env: { ...process.env }, encoding: 'buffer' });
      assert.deepEqual(stdout, blob(s.store, s.index));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await forgetDefaultAgents();
    }
  });
});
