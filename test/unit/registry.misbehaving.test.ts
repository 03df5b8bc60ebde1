import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOciServer, type OciServer } from '../integration/support';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeMultiArchLayout, tempDir } from './builders';

/** What a layout folder holds besides its blobs, and how many blobs. */
function layoutFiles(dir: string): { index: unknown; blobs: number } {
  const blobs = join(dir, 'blobs', 'sha256');
  return { index: JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests, blobs: existsSync(blobs) ? readdirSync(blobs).length : 0 };
}

const html = '<html><body>Welcome to nginx</body></html>';

describe('CLI against a misbehaving registry', function () {
  this.timeout(30_000);
  let upstream: OciServer;
  let proxy: MisbehavingRegistry;
  let indexDigest: string;
  let host: string;
  const cli = (...argv: string[]) => runCli(...argv, '--plain-http', '--retries', '0');

  before(async () => {
    upstream = await startOciServer();
    const { store, index } = await makeMultiArchLayout();
    await makeArtifact(store, { subject: index, artifactType: 'application/vnd.example.sig' });
    indexDigest = index.digest;
    const r = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:multi`, `${upstream.host}/app:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    proxy = await startMisbehavingRegistry(upstream.url);
    host = proxy.host;
  });
  afterEach(() => proxy.misbehave([]));
  after(async () => {
    await proxy.stop();
    await upstream.stop();
    cleanupTemps();
  });

  it('repo tags: a 200 with an HTML page or `null` for a tag list names the request, not a bare JSON SyntaxError or TypeError', async () => {
    proxy.misbehave([{ method: 'GET', path: /\/tags\/list/, act: (x) => void x.res.writeHead(200, { 'content-type': 'text/html' }).end(html) }]);
    let r = await cli('repo', 'tags', `${host}/app`);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: tags of ${host}/app: GET http://${host}/v2/app/tags/list?...: the answer is not a JSON object (text/html, ${html.length} bytes)\n`]);
    proxy.misbehave([{ method: 'GET', path: /\/tags\/list/, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/json' }).end('null') }]);
    r = await cli('repo', 'tags', `${host}/app`);
    assert.deepEqual([r.code, r.stderr], [1, `Error: tags of ${host}/app: GET http://${host}/v2/app/tags/list?...: the answer is not a JSON object (application/json, 4 bytes)\n`]);
    proxy.misbehave([{ method: 'GET', path: /\/_catalog/, act: (x) => void x.res.writeHead(200, { 'content-type': 'text/html' }).end(html) }]);
    r = await cli('repo', 'ls', host);
    assert.deepEqual([r.code, r.stderr], [1, `Error: catalog of ${host}: GET http://${host}/v2/_catalog?...: the answer is not a JSON object (text/html, ${html.length} bytes)\n`]);
  });

  it('a 200 with an HTML page where a manifest is expected is refused, not stored in a layout, printed, or pulled as nothing', async () => {
    // A proxy or a login page answering every GET and HEAD with 200 and HTML (no digest, no manifest type).
    proxy.misbehave([{ act: (x) => void x.res.writeHead(200, { 'content-type': 'text/html' }).end(x.req.method === 'HEAD' ? undefined : html) }]);
    const expected = (ref: string) => `Error: ${host}/${ref}: the registry's answer is not a manifest (text/html, not a JSON object)\n`;
    const out = join(tempDir(), 'out');
    let r = await cli('cp', '-r', `${host}/app:v1`, '--to-oci-layout', `${out}:v1`);
    assert.deepEqual([r.code, r.stderr], [1, expected('app:v1')]);
    assert.deepEqual(layoutFiles(out), { index: [], blobs: 0 });
    r = await cli('manifest', 'fetch', `${host}/app:v1`);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', expected('app:v1')]);
    const pulled = join(tempDir(), 'pulled');
    r = await cli('pull', `${host}/app:v1`, '-o', pulled);
    assert.deepEqual([r.code, r.stderr], [1, expected('app:v1')]);
    assert.deepEqual(existsSync(pulled) ? readdirSync(pulled) : [], []);
  });

  it('a referrers API answer that is no image index fails discover and cp -r naming the request, instead of "no referrers"', async () => {
    const where = `referrers of ${indexDigest} in ${host}/app: GET http://${host}/v2/app/referrers/${indexDigest}`;
    const answers: Array<[string, string]> = [
      ['{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}', `${where}: the registry's answer is not an image index (mediaType "application/vnd.oci.image.manifest.v1+json", no manifests list)`],
      [html, `${where}: the registry's answer is not JSON`],
      [
        '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../etc","size":5}]}',
        `${where}: manifests[0] is not a valid descriptor: {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../etc","size":5}`,
      ],
    ];
    for (const [body, message] of answers) {
      proxy.misbehave([{ method: 'GET', path: /\/referrers\//, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }).end(body) }]);
      const d = await cli('discover', `${host}/app:v1`);
      assert.deepEqual([d.code, d.stdout, d.stderr], [1, '', `Error: ${message}\n`]);
      const out = join(tempDir(), 'out');
      const c = await cli('cp', '-r', `${host}/app:v1`, '--to-oci-layout', `${out}:v1`);
      assert.deepEqual([c.code, c.stderr], [1, `Error: ${message}\n`]);
      assert.deepEqual(layoutFiles(out).index, []);
    }
    // An empty answer as Go registries write it (`"manifests": null`) is still no referrers.
    proxy.misbehave([{ method: 'GET', path: /\/referrers\//, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }).end('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":null}') }]);
    const d = await cli('discover', `${host}/app:v1`, '--format', 'json');
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(JSON.parse(d.stdout).referrers, []);
  });

  it('an error body with codes that are no strings, or hundreds of errors, gives a short message naming the request', async () => {
    const answer = (body: string) => proxy.misbehave([{ act: (x) => void x.res.writeHead(400, { 'content-type': 'application/json' }).end(x.req.method === 'HEAD' ? undefined : body) }]);
    answer('{"errors":[null, 3, {"code":{"x":1},"message":"bad tag"}, "s"]}');
    let r = await cli('manifest', 'fetch', `${host}/app:v1`);
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${host}/app:v1: GET http://${host}/v2/app/manifests/v1: response status 400: UNKNOWN: bad tag\n`]);
    answer(JSON.stringify({ errors: Array.from({ length: 500 }, (_, i) => ({ code: 'DENIED', message: i === 1 ? 'x'.repeat(1000) : `m${i}` })) }));
    r = await cli('manifest', 'fetch', `${host}/app:v1`);
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${host}/app:v1: GET http://${host}/v2/app/manifests/v1: response status 400: DENIED: m0; DENIED: ${'x'.repeat(192)}...; DENIED: m2; and 497 more\n`]);
  });
});
