import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../integration/support/loopbackServer';
import { retryNotice } from '../../src/oci/registry';
import { runCli } from '../helpers/runCli';

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
      assert.equal(r.stderr, [
        `registry ${server.host}: no response to HEAD /v2/app/manifests/v1 for 1 s, retrying (2/3)`,
        `registry ${server.host}: no response to HEAD /v2/app/manifests/v1 for 1 s, retrying (3/3)`,
        `Error: HEAD http://${server.host}/v2/app/manifests/v1: UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error`,
        '',
      ].join('\n'));
      assert.equal(server.requests.length, 3);
      // login's probe too.
      const login = await runCli('login', '--plain-http', '--timeout', '1', '--retries', '1', '-u', 'a', '-p', 'b', server.host);
      assert.equal(login.code, 1);
      assert.equal(login.stderr, [
        'WARNING! Using --password via the CLI is insecure. Use --password-stdin.',
        `registry ${server.host}: no response to GET /v2/ for 1 s, retrying (2/2)`,
        `Error: login to ${server.host} failed: GET http://${server.host}/v2/: UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error`,
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

describe('retryNotice', () => {
  const base = { registry: 'r.example', method: 'PATCH', attempt: 1, attempts: 5, delayMs: 250, timeoutMs: 60_000 };
  it('shows the registry\'s paths short and another host in full, never a query', () => {
    assert.equal(retryNotice({ ...base, url: 'https://r.example/v2/a/blobs/uploads/x?_state=secret', reason: 'UND_ERR_HEADERS_TIMEOUT' }),
      'registry r.example: no response to PATCH /v2/a/blobs/uploads/x?... for 60 s, retrying (2/5)');
    assert.equal(retryNotice({ ...base, url: 'https://s3.example/bucket/x?sig=secret', reason: 'ECONNRESET', attempt: 4 }),
      'registry r.example: ECONNRESET on PATCH https://s3.example/bucket/x?..., retrying (5/5)');
  });
});
