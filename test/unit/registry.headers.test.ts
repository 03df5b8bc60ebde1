// `-H 'Name: value'`, as oras takes it: sent with every request to the registry, never to another host a redirect
// names (blob storage), and a malformed one refused.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { digestOf } from '../../src/oci/digest';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout } from './builders';

describe('registry request headers (-H)', () => {
  after(cleanupTemps);

  it('every request of a command carries them; two of one name are joined', async () => {
    const server = await startOciServer();
    try {
      const { store } = await makeMultiArchLayout();
      const H = ['-H', 'X-Api-Key: s3cret', '-H', 'X-Team:a', '-H', 'x-team: b'];
      const up = await runCli('cp', '--from-oci-layout', `${store.location}:multi`, `${server.host}/app:v1`, '--plain-http', ...H);
      assert.equal(up.code, 0, up.stderr);
      assert.ok(server.requests.length > 5);
      for (const r of server.requests) {
        assert.equal(r.headers['x-api-key'], 's3cret', `${r.method} ${r.path}`);
        assert.equal(r.headers['x-team'], 'a, b');
      }
    } finally {
      await server.stop();
    }
  });

  it('not sent to another host a redirect points at', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-length': '4' }).end('blob');
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const registry = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(307, { location: `http://localhost:${(storage.address() as { port: number }).port}/storage/blob` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${(registry.address() as { port: number }).port}`;
      const repo = new RemoteRepository(new RegistryClient(host, { plainHttp: true, headers: { 'x-api-key': 's3cret' } }), 'app');
      const data = Buffer.from('blob');
      assert.equal((await repo.fetchBytes({ mediaType: 'application/octet-stream', digest: digestOf(data), size: 4 })).toString(), 'blob');
      assert.equal(seen.length, 2);
      assert.equal(seen[0]!['x-api-key'], 's3cret');
      assert.equal(seen[1]!['x-api-key'], undefined);
    } finally {
      registry.close();
      storage.close();
    }
  });

  it('refuses one that is not Name: value', async () => {
    const r = await runCli('repo', 'tags', '127.0.0.1:1/app', '--plain-http', '-H', 'X-Api-Key');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: --header "X-Api-Key": not 'Name: value' (a header name, a colon, its value on one line)\n`);
  });
});
