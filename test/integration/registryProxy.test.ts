// An explicit HTTP proxy (what the extension reads from VS Code's http.proxy): the registries are reached by a name
// that never resolves, registry.invalid, which only the in-test proxy maps to distribution 2.8 on 127.0.0.1. So a
// request that goes around the proxy fails, and one that works went through it.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copy } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { forgetDefaultAgents, RegistryClient, RemoteRepository, type ProxySettings, type RegistryClientOptions } from '../../src/oci/registry';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from '../unit/builders';
import { freePort, hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';
import { startForwardProxy, type ForwardProxy } from './support/forwardProxy';

const TLS = resolve(__dirname, '..', 'helpers', 'tls');
const describeRegistry = hasDockerRegistry() ? describe : describe.skip;
const once: Partial<RegistryClientOptions> = { retry: { attempts: 1 } };

async function sample(): Promise<{ store: OciLayoutStore; index: Descriptor }> {
  const store = await newLayout();
  const index = await makeIndex(store, [await makeImage(store, { arch: 'amd64', layers: ['proxied layer'] }), await makeImage(store, { arch: 'arm64' })]);
  await store.tag(index, 'v1');
  return { store, index };
}

const blob = (store: OciLayoutStore, d: Descriptor) => readFileSync(join(store.location, 'blobs', 'sha256', d.digest.slice(7)));

describeRegistry('registries through an explicit HTTP proxy (registry.invalid, mapped by the proxy only)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  // TLS with a certificate for registry.invalid (test/helpers/tls/make-named.sh), and a plain-HTTP one.
  const secure = useLaunchedRegistry(undefined, { certificate: join(TLS, 'named-server.crt'), key: join(TLS, 'named-server.key') });
  const plain = useLaunchedRegistry();
  const ca: Partial<RegistryClientOptions> = { tlsFiles: { caFiles: [join(TLS, 'named-ca.crt')] } };
  let proxy: ForwardProxy;
  let guarded: ForwardProxy;
  before(async () => {
    const routes = { 'registry.invalid:443': secure.host, 'registry.invalid:5000': plain.host };
    proxy = await startForwardProxy(routes);
    guarded = await startForwardProxy(routes, 'alice:s3cr%t');
  });
  after(async () => {
    await proxy?.close();
    await guarded?.close();
    cleanupTemps();
  });

  const via = (extra: Partial<ProxySettings> = {}): ProxySettings => ({ url: proxy.url, ...extra });
  const tunnels = () => proxy.forwarded.get('CONNECT registry.invalid:443') ?? 0;

  it('https: a copy there and back through CONNECT, and a resolve, give the same digests and bytes', async () => {
    const s = await sample();
    const before = tunnels();
    const client = new RegistryClient('registry.invalid', { ...ca, proxy: via() });
    const remote = new RemoteRepository(client, 'proxied/app');
    await copy(s.store, 'v1', remote, ['v1']);
    assert.equal((await remote.resolve('v1')).digest, s.index.digest);
    const back = await OciLayoutStore.open(join(tempDir(), 'back'), { create: true });
    await copy(new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, proxy: via() }), 'proxied/app'), 'v1', back, ['v1']);
    assert.equal((await back.resolve('v1')).digest, s.index.digest);
    assert.deepEqual(blob(back, s.index), blob(s.store, s.index));
    assert.ok(tunnels() > before, `tunnels: ${tunnels()}`);
  });

  it('plain http: absolute-form requests through the proxy, digests the same', async () => {
    const s = await sample();
    const client = new RegistryClient('registry.invalid:5000', { plainHttp: true, proxy: via() });
    const remote = new RemoteRepository(client, 'plain/app');
    await copy(s.store, 'v1', remote, ['v1']);
    assert.equal((await remote.resolve('v1')).digest, s.index.digest);
    assert.ok((proxy.forwarded.get('absolute registry.invalid:5000') ?? 0) > 0);
  });

  it('noProxy: a matching host is dialled directly (registry.invalid does not resolve: the error names it); another port still proxied', async () => {
    const before = tunnels();
    for (const noProxy of [['registry.invalid'], ['.invalid'], ['*'], ['registry.invalid:443']]) {
      const direct = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, ...once, proxy: via({ noProxy }) }), 'proxied/app');
      await assert.rejects(direct.resolve('v1'), (err: Error) => {
        assert.match(err.message, /^(HEAD|GET) https:\/\/registry\.invalid\/v2\/proxied\/app\/manifests\/v1: .*(ENOTFOUND|EAI_AGAIN) registry\.invalid/, `${noProxy}: ${err.message}`);
        assert.doesNotMatch(err.message, /proxy/);
        return true;
      });
    }
    assert.equal(tunnels(), before);
    // New pools, so a new tunnel is opened (the earlier tests' connections stay open for reuse).
    forgetDefaultAgents();
    const other = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, proxy: via({ noProxy: ['registry.invalid:5000', 'example.com'] }) }), 'proxied/app');
    await other.resolve('v1');
    assert.ok(tunnels() > before);
  });

  it('credentials in the proxy URL: sent as Proxy-Authorization; a wrong password is named as the proxy refusing, and no secret is shown', async () => {
    const s = await sample();
    const url = `http://alice:${encodeURIComponent('s3cr%t')}@127.0.0.1:${guarded.port}`;
    for (const [registry, extra] of [['registry.invalid', ca], ['registry.invalid:5000', { plainHttp: true }]] as const) {
      const remote = new RemoteRepository(new RegistryClient(registry, { ...extra, proxy: { url } }), 'guarded/app');
      await copy(s.store, 'v1', remote, ['v1']);
      assert.equal((await remote.resolve('v1')).digest, s.index.digest);
    }
    assert.ok(guarded.authorizations.includes(`Basic ${Buffer.from('alice:s3cr%t').toString('base64')}`));
    assert.ok((guarded.forwarded.get('CONNECT registry.invalid:443') ?? 0) > 0 && (guarded.forwarded.get('absolute registry.invalid:5000') ?? 0) > 0);

    const wrong = `http://alice:wr0ngpass@127.0.0.1:${guarded.port}`;
    for (const [registry, extra] of [['registry.invalid', ca], ['registry.invalid:5000', { plainHttp: true }]] as const) {
      const refused = new RemoteRepository(new RegistryClient(registry, { ...extra, ...once, proxy: { url: wrong } }), 'guarded/app');
      await assert.rejects(refused.resolve('v1'), (err: Error) => {
        assert.ok(err.message.startsWith(`proxy http://127.0.0.1:${guarded.port} refused the connection to ${registry} with status 407`), err.message);
        assert.ok(!`${err.message} ${err.stack}`.includes('wr0ngpass'), err.message);
        return true;
      });
    }
  });

  it('authorization (VS Code\'s http.proxyAuthorization): the header sent as given, through CONNECT and in absolute form; a wrong one refused, never shown', async () => {
    const s = await sample();
    const url = `http://127.0.0.1:${guarded.port}`;
    const header = `Basic ${Buffer.from('alice:s3cr%t').toString('base64')}`;
    const before = guarded.authorizations.length;
    for (const [registry, extra] of [['registry.invalid', ca], ['registry.invalid:5000', { plainHttp: true }]] as const) {
      const remote = new RemoteRepository(new RegistryClient(registry, { ...extra, proxy: { url, authorization: header } }), 'token/app');
      await copy(s.store, 'v1', remote, ['v1']);
      assert.equal((await remote.resolve('v1')).digest, s.index.digest);
    }
    const sent = guarded.authorizations.slice(before);
    assert.ok(sent.length > 0 && sent.every((h) => h === header), JSON.stringify(sent));
    const wrong = `Basic ${Buffer.from('alice:wr0ngpass').toString('base64')}`;
    for (const [registry, extra] of [['registry.invalid', ca], ['registry.invalid:5000', { plainHttp: true }]] as const) {
      const refused = new RemoteRepository(new RegistryClient(registry, { ...extra, ...once, proxy: { url, authorization: wrong } }), 'token/app');
      await assert.rejects(refused.resolve('v1'), (err: Error) => {
        assert.ok(err.message.startsWith(`proxy http://127.0.0.1:${guarded.port} refused the connection to ${registry} with status 407`), err.message);
        assert.ok(!`${err.message} ${err.stack}`.includes(wrong.slice(6)), err.message);
        return true;
      });
    }
  });

  it('an https:// proxy: its certificate checked (refused, named as the proxy\'s), not with strictSSL false; the registry\'s still is', async () => {
    const secureProxy = await startForwardProxy({ 'registry.invalid:443': secure.host }, undefined, { cert: readFileSync(join(TLS, 'server.crt'), 'utf8'), key: readFileSync(join(TLS, 'server.key'), 'utf8') });
    try {
      const s = await sample();
      const strict = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, ...once, proxy: { url: secureProxy.url } }), 'tls-proxy/app');
      await assert.rejects(strict.resolve('v1'), (err: Error) => {
        assert.match(err.message, new RegExp(`^proxy https://127\\.0\\.0\\.1:${secureProxy.port}: its TLS certificate is not trusted: .*UNABLE_TO_VERIFY_LEAF_SIGNATURE`));
        return true;
      });
      assert.equal(secureProxy.forwarded.size, 0);
      const lax = new RemoteRepository(new RegistryClient('registry.invalid', { ...ca, proxy: { url: secureProxy.url, strictSSL: false } }), 'tls-proxy/app');
      await copy(s.store, 'v1', lax, ['v1']);
      assert.equal((await lax.resolve('v1')).digest, s.index.digest);
      assert.ok((secureProxy.forwarded.get('CONNECT registry.invalid:443') ?? 0) > 0);
      // The registry's certificate is still checked: without its CA, refused as the registry's.
      const untrusted = new RemoteRepository(new RegistryClient('registry.invalid', { ...once, proxy: { url: secureProxy.url, strictSSL: false } }), 'tls-proxy/app');
      await assert.rejects(untrusted.resolve('v1'), (err: Error) => /^registry registry\.invalid: its TLS certificate is not signed by a CA this machine trusts/.test(err.message));
    } finally {
      await secureProxy.close();
    }
  });

  it('an unreachable proxy is named (without its credentials), not the registry', async () => {
    const port = await freePort();
    for (const [registry, extra] of [['registry.invalid', ca], ['registry.invalid:5000', { plainHttp: true }]] as const) {
      const remote = new RemoteRepository(new RegistryClient(registry, { ...extra, ...once, proxy: { url: `http://bob:hunter22@127.0.0.1:${port}` } }), 'app');
      await assert.rejects(remote.resolve('v1'), (err: Error) => {
        assert.match(err.message, new RegExp(`^proxy http://127\\.0\\.0\\.1:${port} could not be reached: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\((HEAD|GET) https?://registry\\.invalid`));
        assert.ok(!`${err.message} ${err.stack}`.includes('hunter22'), err.message);
        return true;
      });
    }
  });
});
