import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { listenOnLoopback } from '../integration/support/loopbackServer';
import { copyGraph } from '../../src/oci/copy/copyGraph';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository, retryNotice, type RetryInfo } from '../../src/oci/registry';
import { isRetryableError } from '../../src/oci/transient';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout } from './builders';

/** A loopback "registry" that counts requests and answers each as `answer` says (or never). */
async function startServer(answer: 'stall' | 503): Promise<{ host: string; requests: string[]; stop(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (answer === 503) res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE"}]}');
  });
  const { host, stop } = await listenOnLoopback(server);
  return { host, requests, stop };
}

describe('registry timeout and retries (CLI)', function () {
  this.timeout(30_000);
  const saved = { timeout: process.env.MANIFOLD_TIMEOUT, retries: process.env.MANIFOLD_RETRIES };
  afterEach(() => {
    for (const [k, v] of [['MANIFOLD_TIMEOUT', saved.timeout], ['MANIFOLD_RETRIES', saved.retries]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('says on stderr, once per retry, that a stalled registry is being retried, then gives up naming the request', async () => {
    const server = await startServer('stall');
    try {
      const r = await runCli('manifest', 'fetch', '--plain-http', '--timeout', '1', '--retries', '2', `${server.host}/app:v1`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      // --retries is for what fails at once; a stall, costing the whole timeout each time, is retried once.
      assert.equal(r.stderr, [
        `registry ${server.host}: no response to HEAD /v2/app/manifests/v1 for 1 s, retrying (2/2)`,
        `Error: registry ${server.host} did not answer HEAD http://${server.host}/v2/app/manifests/v1 within 1 s (tried 2 times)`,
        '',
      ].join('\n'));
      assert.equal(server.requests.length, 2);
      // login's probe too.
      const login = await runCli('login', '--plain-http', '--timeout', '1', '--retries', '1', '-u', 'a', '-p', 'b', server.host);
      assert.equal(login.code, 1);
      assert.equal(login.stderr, [
        'WARNING! Using --password via the CLI is insecure. Use --password-stdin.',
        `registry ${server.host}: no response to GET /v2/ for 1 s, retrying (2/2)`,
        `Error: login to ${server.host} failed: registry ${server.host} did not answer GET http://${server.host}/v2/ within 1 s (tried 2 times)`,
        '',
      ].join('\n'));
    } finally {
      await server.stop();
    }
  });

  it('takes MANIFOLD_TIMEOUT and MANIFOLD_RETRIES from the environment; flags win over them', async () => {
    const stalled = await startServer('stall');
    try {
      process.env.MANIFOLD_TIMEOUT = '1';
      process.env.MANIFOLD_RETRIES = '1';
      const r = await runCli('manifest', 'fetch', '--plain-http', `${stalled.host}/app:v1`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^registry ${stalled.host}: no response to HEAD /v2/app/manifests/v1 for 1 s, retrying \\(2/2\\)\\nError: [^\\n]+\\n$`));
      assert.equal(stalled.requests.length, 2);
    } finally {
      await stalled.stop();
    }
    const failing = await startServer(503);
    try {
      process.env.MANIFOLD_RETRIES = '0';
      let r = await runCli('repo', 'tags', '--plain-http', `${failing.host}/app`);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `Error: tags of ${failing.host}/app: GET http://${failing.host}/v2/app/tags/list?...: response status 503: UNAVAILABLE\n`);
      assert.equal(failing.requests.length, 1);
      r = await runCli('repo', 'tags', '--plain-http', '--retries', '1', `${failing.host}/app`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^registry ${failing.host}: status 503 on GET /v2/app/tags/list\\?\\.\\.\\., retrying \\(2/2\\)\\nError: `));
      assert.equal(failing.requests.length, 3);
    } finally {
      await failing.stop();
    }
  });

  it('refuses a timeout or retry count that is not one, naming where it came from, before any request', async () => {
    let r = await runCli('manifest', 'fetch', '--plain-http', '--timeout', '0', '127.0.0.1:1/app:v1');
    assert.deepEqual([r.code, r.stderr], [1, 'Error: --timeout must be a positive number of seconds, got "0"\n']);
    process.env.MANIFOLD_RETRIES = 'many';
    r = await runCli('manifest', 'fetch', '--plain-http', '127.0.0.1:1/app:v1');
    assert.deepEqual([r.code, r.stderr], [1, 'Error: MANIFOLD_RETRIES must be a whole number, 0 or more, got "many"\n']);
  });
});

describe('a registry that takes requests and never answers', function () {
  this.timeout(30_000);
  const noWait = async () => undefined;
  let mode: 'stall' | 404 | 503 = 'stall';
  let requests: string[] = [];
  let server: { host: string; stop(): Promise<void> };
  before(async () => {
    server = await listenOnLoopback(createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (mode !== 'stall') res.writeHead(mode, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE"}]}');
    }));
  });
  beforeEach(() => {
    mode = 'stall';
    requests = [];
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });
  // A small timeout: what is asserted is how often it was asked and what the user is told, never how long it took.
  const open = (notices: RetryInfo[] = []) =>
    new RemoteRepository(new RegistryClient(server.host, { plainHttp: true, timeoutMs: 200, sleep: noWait, onRetry: (i) => notices.push(i) }), 'app');
  const stallOf = (method: string, path: string, tries: string) => `registry ${server.host} did not answer ${method} http://${server.host}${path} within 0.2 s (tried ${tries})`;

  it('is tried twice, not five times as a 503 is, and the error says who did not answer what, how long and how often', async () => {
    const notices: RetryInfo[] = [];
    const repo = open(notices);
    await assert.rejects(repo.resolve('v1'), (e: Error & { code?: string }) => {
      assert.equal(e.message, stallOf('HEAD', '/v2/app/manifests/v1', '2 times'));
      assert.equal(e.code, 'UND_ERR_HEADERS_TIMEOUT');
      assert.equal(isRetryableError(e), false, 'its tries are spent: a caller must not start them over');
      return true;
    });
    assert.deepEqual(requests, ['HEAD /v2/app/manifests/v1', 'HEAD /v2/app/manifests/v1']);
    assert.deepEqual(notices.map(retryNotice), [`registry ${server.host}: no response to HEAD /v2/app/manifests/v1 for 0.2 s, retrying (2/2)`]);
    mode = 503;
    requests = [];
    await assert.rejects(repo.resolve('v1'), /response status 503/);
    assert.equal(requests.length, 5, 'a 503 keeps its five attempts');
  });

  it('once it has stalled out, the next request gets one try; an answer gives stalls their retry back', async () => {
    const repo = open();
    await assert.rejects(repo.resolve('v1'), { message: stallOf('HEAD', '/v2/app/manifests/v1', '2 times') });
    await assert.rejects(repo.resolve('v2'), { message: stallOf('HEAD', '/v2/app/manifests/v2', 'once') });
    mode = 404;
    await assert.rejects(repo.resolve('v3'), { code: 'NOT_FOUND' });
    mode = 'stall';
    await assert.rejects(repo.resolve('v4'), { message: stallOf('HEAD', '/v2/app/manifests/v4', '2 times') });
    assert.deepEqual(requests.map((r) => r.slice(-2)), ['v1', 'v1', 'v2', 'v3', 'v4', 'v4']);
  });

  it('a copy from it does not start the stalled request over on top of the client\'s tries', async () => {
    const root = { mediaType: MediaType.ImageManifest, digest: `sha256:${'a'.repeat(64)}`, size: 100 };
    await assert.rejects(copyGraph(open(), await newLayout(), root), { message: stallOf('GET', `/v2/app/manifests/${root.digest}`, '2 times') });
    assert.equal(requests.length, 2);
  });
});

describe('a registry host that never completes the connection', function () {
  this.timeout(30_000);
  // TCP is accepted and the TLS handshake never answered: undici's connect timeout (UND_ERR_CONNECT_TIMEOUT), as for a
  // host that drops packets, made reliably on loopback.
  let connections = 0;
  let server: { host: string; stop(): Promise<void> };
  before(async () => {
    server = await listenOnLoopback(createNetServer(() => void connections++) as unknown as Server);
  });
  beforeEach(() => (connections = 0));
  after(async () => {
    await server.stop();
    cleanupTemps();
  });
  const open = (notices: RetryInfo[] = []) =>
    new RemoteRepository(new RegistryClient(server.host, { timeoutMs: 200, sleep: async () => undefined, onRetry: (i) => notices.push(i) }), 'app');

  it('is tried twice, as a registry that takes a request and never answers, and named with the request and the timeout', async () => {
    const notices: RetryInfo[] = [];
    await assert.rejects(open(notices).resolve('v1'), (e: Error & { code?: string }) => {
      assert.equal(e.message, `registry ${server.host} did not accept a connection for HEAD https://${server.host}/v2/app/manifests/v1 within 0.2 s (tried 2 times)`);
      assert.equal(e.code, 'UND_ERR_CONNECT_TIMEOUT');
      assert.equal(isRetryableError(e), false);
      return true;
    });
    assert.equal(connections, 2);
    assert.deepEqual(notices.map(retryNotice), [`registry ${server.host}: no connection for HEAD /v2/app/manifests/v1 within 0.2 s, retrying (2/2)`]);
  });

  it('a copy from it makes two connections, not 3 x 5', async () => {
    const root = { mediaType: MediaType.ImageManifest, digest: `sha256:${'a'.repeat(64)}`, size: 100 };
    await assert.rejects(copyGraph(open(), await newLayout(), root), {
      message: `registry ${server.host} did not accept a connection for GET https://${server.host}/v2/app/manifests/${root.digest} within 0.2 s (tried 2 times)`,
    });
    assert.equal(connections, 2);
  });
});

describe('a registry whose answer stops midway (its body stalls)', function () {
  this.timeout(30_000);
  const layer = Buffer.from('a layer the registry never finishes sending\n'.repeat(100));
  const config = Buffer.from('{}');
  const manifestOf = (l: Buffer) => Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/vnd.test',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(l), size: l.length }],
  }));
  const manifest = manifestOf(layer);
  const root = { mediaType: MediaType.ImageManifest, digest: digestOf(manifest), size: manifest.length };
  const blobs = new Map([[digestOf(config), config], [digestOf(layer), layer]]);
  /** Requests by path; what `stalls` names is sent in part (headers and half the bytes), then nothing. */
  let requests: string[] = [];
  let stalls = new Set<string>();
  let server: { host: string; stop(): Promise<void> };
  before(async () => {
    server = await listenOnLoopback(createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const digest = req.url!.split('/').pop()!;
      const body = req.url!.includes('/manifests/') ? manifest : blobs.get(digest);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': req.url!.includes('/manifests/') ? MediaType.ImageManifest : 'application/octet-stream', 'content-length': body.length, 'docker-content-digest': digestOf(body) });
      if (req.method === 'HEAD') return void res.end();
      if (!stalls.has(digest)) return void res.end(body);
      res.write(body.subarray(0, body.length >> 1));
    }));
  });
  beforeEach(() => {
    requests = [];
    stalls = new Set([digestOf(layer)]);
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });
  const open = () => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true, timeoutMs: 200, sleep: async () => undefined }), 'app');
  const layerUrl = () => `http://${server.host}/v2/app/blobs/${digestOf(layer)}`;

  it('a copy asks for it twice, as for a registry that never answers, and the error names the registry, the request and the timeout', async () => {
    const dst = await newLayout();
    await assert.rejects(copyGraph(open(), dst, root), (e: Error & { code?: string }) => {
      assert.equal(e.message, `registry ${server.host} did not finish answering GET ${layerUrl()}: nothing came for 0.2 s (tried 2 times)`);
      assert.equal(e.code, 'UND_ERR_BODY_TIMEOUT');
      assert.equal(isRetryableError(e), false, 'its tries are spent: a caller must not start them over');
      return true;
    });
    assert.equal(requests.filter((r) => r === `GET /v2/app/blobs/${digestOf(layer)}`).length, 2);
    assert.equal(await dst.exists({ ...root, digest: digestOf(layer), size: layer.length }), false, 'nothing partial is stored');
  });

  it('a manifest read once (manifest fetch) says it stalled, tried once; an answer read whole gives the next stall its retry back', async () => {
    stalls = new Set([root.digest]);
    const repo = open();
    await assert.rejects(repo.fetchBytes(root), {
      message: `registry ${server.host} did not finish answering GET http://${server.host}/v2/app/manifests/${root.digest}: nothing came for 0.2 s (tried once)`,
    });
    stalls = new Set();
    assert.deepEqual(await repo.fetchBytes(root), manifest);
    stalls = new Set([digestOf(layer)]);
    await assert.rejects(copyGraph(repo, await newLayout(), root), { message: /\(tried 2 times\)$/ });
    assert.deepEqual(requests.filter((r) => r.startsWith('GET')).map((r) => r.split('/').pop()!.slice(7, 15)), [
      root.digest, root.digest, root.digest, digestOf(config), digestOf(layer), digestOf(layer),
    ].map((d) => d.slice(7, 15)));
  });

  it('cp says the retry and then the stall on stderr', async () => {
    const dir = (await newLayout()).location;
    const r = await runCli('cp', '--plain-http', '--timeout', '1', `${server.host}/app@${root.digest}`, '--to-oci-layout', `${dir}:v1`);
    assert.equal(r.code, 1);
    const said = `registry ${server.host} did not finish answering GET ${layerUrl()}: nothing came for 1 s`;
    assert.equal(r.stderr, `Retrying ${digestOf(layer).slice(7, 19)} (attempt 2): ${said} (tried once)\nError: ${said} (tried 2 times)\n`);
  });
});

describe('retryNotice', () => {
  const base = { registry: 'r.example', method: 'PATCH', attempt: 1, attempts: 5, delayMs: 250, timeoutMs: 60_000 };
  it('shows the registry\'s paths short and another host in full, never a query', () => {
    assert.equal(retryNotice({ ...base, url: 'https://r.example/v2/a/blobs/uploads/x?_state=secret', reason: 'UND_ERR_HEADERS_TIMEOUT' }),
      'registry r.example: no response to PATCH /v2/a/blobs/uploads/x?... for 60 s, retrying (2/5)');
    assert.equal(retryNotice({ ...base, url: 'https://s3.example/bucket/x?sig=secret', reason: 'ECONNRESET', attempt: 4 }),
      'registry r.example: ECONNRESET on PATCH https://s3.example/bucket/x?..., retrying (5/5)');
  });
});
