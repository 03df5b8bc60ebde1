// A redirect (blob storage, a CDN) takes the route its own host takes, not the registry's: an internal registry that
// goes around the proxy reaches external storage through it, and a proxied registry's storage in noProxy, or on
// loopback, is dialled directly. The `.invalid` names resolve only through the in-test proxy, so a request that went
// the wrong way fails, and one that works went the right way.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { forgetDefaultAgents, RegistryClient, RemoteRepository, type ProxySettings } from '../../src/oci/registry';
import type { Descriptor } from '../../src/oci/descriptor';
import { listenOnLoopback, type ListeningServer } from './support/loopbackServer';
import { startForwardProxy, type ForwardProxy } from './support/forwardProxy';

const BYTES = Buffer.from('a layer kept in blob storage\n');
const BLOB: Descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${createHash('sha256').update(BYTES).digest('hex')}`, size: BYTES.length };

describe('redirects take their own host\'s route through a proxy, not the registry\'s', function () {
  this.timeout(60_000);
  let storage: ListeningServer;
  let front: ListeningServer;
  let proxy: ForwardProxy;
  let location = '';
  const storageHits: string[] = [];
  before(async () => {
    storage = await listenOnLoopback(createServer((req, res) => {
      storageHits.push(req.url ?? '');
      res.writeHead(200, { 'content-length': BYTES.length }).end(BYTES);
    }));
    // The registry: its blob answered by a redirect to wherever the test points it.
    front = await listenOnLoopback(createServer((req, res) => {
      if (req.url === `/v2/app/blobs/${BLOB.digest}`) return void res.writeHead(307, { location }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }));
    proxy = await startForwardProxy({ [`storage.invalid:${storage.port}`]: storage.host, [`front.invalid:${front.port}`]: front.host });
  });
  after(async () => {
    await proxy?.close();
    await front?.stop();
    await storage?.stop();
    await forgetDefaultAgents();
  });

  const via = (extra: Partial<ProxySettings> = {}): ProxySettings => ({ url: proxy.url, ...extra });
  const fetched = async (registry: string, proxySettings: ProxySettings) => {
    const remote = new RemoteRepository(new RegistryClient(registry, { plainHttp: true, proxy: proxySettings, retry: { attempts: 1 } }), 'app');
    return buffer(await remote.fetch(BLOB));
  };

  it('a loopback registry (direct) redirecting to storage.invalid: the storage is reached through the proxy', async () => {
    location = `http://storage.invalid:${storage.port}/bucket/one`;
    const before = storageHits.length;
    assert.deepEqual(await fetched(front.host, via()), BYTES);
    assert.equal(proxy.forwarded.get(`absolute storage.invalid:${storage.port}`), 1);
    assert.equal(proxy.forwarded.get(`absolute 127.0.0.1:${front.port}`), undefined, 'the registry itself was dialled directly');
    assert.deepEqual(storageHits.slice(before), ['/bucket/one']);
  });

  it('a proxied registry (front.invalid) redirecting to loopback storage: the storage is dialled directly', async () => {
    location = `http://127.0.0.1:${storage.port}/bucket/two`;
    const before = storageHits.length;
    const proxied = proxy.forwarded.get(`absolute front.invalid:${front.port}`) ?? 0;
    assert.deepEqual(await fetched(`front.invalid:${front.port}`, via()), BYTES);
    assert.ok((proxy.forwarded.get(`absolute front.invalid:${front.port}`) ?? 0) > proxied, 'the registry was reached through the proxy');
    assert.equal(proxy.forwarded.get(`absolute 127.0.0.1:${storage.port}`), undefined);
    assert.deepEqual(storageHits.slice(before), ['/bucket/two']);
  });

  it('storage in noProxy is dialled directly: storage.invalid then does not resolve, and the error names it', async () => {
    location = `http://storage.invalid:${storage.port}/bucket/three`;
    const before = proxy.forwarded.get(`absolute storage.invalid:${storage.port}`) ?? 0;
    await assert.rejects(fetched(`front.invalid:${front.port}`, via({ noProxy: ['storage.invalid'] })), (err: Error) => {
      assert.match(err.message, /^GET http:\/\/front\.invalid:\d+\/v2\/app\/blobs\/sha256:[0-9a-f]{64}: redirected to http:\/\/storage\.invalid:\d+\/bucket\/three: .*(ENOTFOUND|EAI_AGAIN) storage\.invalid/, err.message);
      return true;
    });
    assert.equal(proxy.forwarded.get(`absolute storage.invalid:${storage.port}`) ?? 0, before);
  });
});
