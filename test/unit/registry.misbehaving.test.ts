import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { digestOf } from '../../src/oci/digest';
import { isOciError } from '../../src/oci/errors';
import { EMPTY_JSON_DIGEST } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer, type OciServer } from '../integration/support';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { builtCli } from '../helpers/layoutStress';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeMultiArchLayout, tempDir } from './builders';

/** What a layout folder holds besides its blobs, and how many blobs. */
function layoutFiles(dir: string): { index: unknown; blobs: number } {
  const blobs = join(dir, 'blobs', 'sha256');
  return { index: JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests, blobs: existsSync(blobs) ? readdirSync(blobs).length : 0 };
}

const html = '<html><body>Welcome to nginx</body></html>';

function writeTemp(content: string): string {
  const file = join(tempDir(), 'file');
  writeFileSync(file, content);
  return file;
}

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

  it('repo tags: a tag deleted between the listing and its resolving is left out; the others are listed', async () => {
    // The registry lists v1 and a tag removed a moment later: its HEAD answers 404 by then.
    proxy.misbehave([{ method: 'GET', path: /\/tags\/list/, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'app', tags: ['gone', 'v1'] })) }]);
    const r = await cli('repo', 'tags', `${host}/app`, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const tags = (JSON.parse(r.stdout) as { tags: Array<{ name: string; digest: string }> }).tags;
    assert.deepEqual(tags.map((t) => [t.name, t.digest]), [['v1', indexDigest]]);
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

  it('a redirect loop on a blob ends after 5 hops with an error saying so, and leaves no output file', async () => {
    const desc = JSON.parse((await cli('manifest', 'fetch', `${host}/app@${indexDigest}`)).stdout).manifests[0];
    const layer = JSON.parse((await cli('manifest', 'fetch', `${host}/app@${desc.digest}`)).stdout).layers[0].digest as string;
    proxy.misbehave([{ method: 'GET', path: /\/blobs\/sha256:/, act: (x) => void x.res.writeHead(307, { location: x.req.url! }).end() }]);
    const file = join(tempDir(), 'layer');
    const r = await cli('blob', 'fetch', `${host}/app@${layer}`, '--output', file);
    const url = `http://${host}/v2/app/blobs/${layer}`;
    assert.deepEqual([r.code, r.stderr], [1, `Error: GET ${url}: more than 5 redirects, the last to ${url}\n`]);
    assert.equal(proxy.requests.filter((q) => q.startsWith('GET /v2/app/blobs/')).length, 6);
    assert.ok(!existsSync(file));
  });

  it('push fails when the registry answers a manifest PUT with another digest than the one sent', async () => {
    const other = digestOf(Buffer.from('other'));
    proxy.misbehave([{ method: 'PUT', path: /\/manifests\//, act: async (x) => {
      const a = await x.upstream();
      x.send({ ...a, headers: { ...a.headers, 'docker-content-digest': other } });
    } }]);
    const dir = tempDir();
    const file = join(dir, 'hello.txt');
    writeFileSync(file, 'hello\n');
    const cwd = process.cwd();
    process.chdir(dir);
    let r;
    try {
      r = await cli('push', `${host}/art:v1`, 'hello.txt:text/plain', '--artifact-type', 'application/x');
    } finally {
      process.chdir(cwd);
    }
    const sent = /^manifest (sha256:[0-9a-f]{64}) /.exec(r.stderr.slice('Error: '.length))?.[1];
    assert.ok(sent, r.stderr);
    assert.deepEqual([r.code, r.stderr], [1, `Error: manifest ${sent} (push to ${host}/art@${sent}): the registry answered that it stored ${other}, so not the bytes sent\n`]);
  });

  it('a Location that is no URL, on a redirect or an upload (POST or a chunk\'s PATCH), is refused naming the request, not a bare TypeError', async () => {
    const bad = 'http://[bad';
    proxy.misbehave([{ method: 'GET', path: /\/blobs\/sha256:/, act: (x) => void x.res.writeHead(307, { location: bad }).end() }]);
    const layer = EMPTY_JSON_DIGEST;
    let r = await cli('blob', 'fetch', `${host}/app@${layer}`, '--output', join(tempDir(), 'blob'));
    assert.deepEqual([r.code, r.stderr], [1, `Error: GET http://${host}/v2/app/blobs/${layer}: redirected to "${bad}", which is no URL\n`]);

    proxy.misbehave([{ method: 'POST', path: /\/blobs\/uploads\/$/, act: async (x) => {
      const a = await x.upstream();
      x.send({ ...a, headers: { ...a.headers, location: bad } });
    } }]);
    r = await cli('blob', 'push', `${host}/up@${digestOf(Buffer.from('hi\n'))}`, writeTemp('hi\n'));
    assert.deepEqual([r.code, r.stderr], [1, `Error: upload to ${host}/up: the Location "${bad}" the registry gave in answer to http://${host}/v2/up/blobs/uploads/ is no URL\n`]);

    proxy.misbehave([{ method: 'PATCH', act: async (x) => {
      const a = await x.upstream();
      x.send({ ...a, headers: { ...a.headers, location: bad } });
    } }]);
    const repo = new RemoteRepository(new RegistryClient(host, { plainHttp: true, retry: { attempts: 1 } }), 'chunked', { chunkSize: 1000 });
    const data = Buffer.alloc(2500, 7);
    const desc = { mediaType: 'application/octet-stream', digest: digestOf(data), size: data.length };
    await assert.rejects(repo.push(desc, Readable.from([data])), (e: Error) => {
      assert.match(e.message, new RegExp(`^blob ${desc.digest} \\(push to ${host}/chunked\\): the Location "http://\\[bad" the registry gave in answer to http://${host}/v2/chunked/blobs/uploads/[0-9a-f]+\\?\\.\\.\\. is no URL$`));
      return isOciError(e, 'REGISTRY');
    });
  });

  it('a HEAD by digest answered with another digest names the place', async () => {
    const other = digestOf(Buffer.from('other'));
    proxy.misbehave([{ method: 'HEAD', path: /\/manifests\//, act: async (x) => {
      const a = await x.upstream();
      x.send({ ...a, headers: { ...a.headers, 'docker-content-digest': other } });
    } }]);
    const r = await cli('manifest', 'fetch', `${host}/app@${indexDigest}`);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: ${host}/app@${indexDigest}: the registry answered HEAD with digest ${other}\n`]);
  });

  it('a token realm that is no http(s) URL, or a token server that stalls, gives an error naming it', async () => {
    proxy.misbehave([{ act: (x) => void x.res.writeHead(401, { 'www-authenticate': 'Bearer realm="file:///etc/passwd",service="x"' }).end() }]);
    let r = await cli('manifest', 'fetch', `${host}/app:v1`);
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${host}: the token realm "file:///etc/passwd" is not an http(s) URL\n`]);
    proxy.misbehave([
      { path: /^\/token/, act: () => undefined },
      { path: /^\/v2\//, act: (x) => void x.res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="s"` }).end() },
    ]);
    r = await cli('manifest', 'fetch', `${host}/app:v1`, '--timeout', '1');
    assert.deepEqual([r.code, r.stderr], [1, `Error: token server ${host} did not answer GET http://${host}/token?... within 1 s (tried once)\n`]);
  });

  it('a referrers API whose Link always points on to the next page of the same list is not followed forever', async () => {
    proxy.misbehave([{ method: 'GET', path: /\/referrers\/sha256:[0-9a-f]+/, act: async (x) => {
      const u = new URL(x.req.url!, 'http://x');
      const a = await x.upstream(u.pathname);
      x.send({ ...a, headers: { ...a.headers, link: `<${u.pathname}?page=${Number(u.searchParams.get('page') ?? 0) + 1}>; rel="next"` } });
    } }]);
    proxy.requests.length = 0;
    const r = await cli('discover', `${host}/app:v1`, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).referrers.map((x: { artifactType: string }) => x.artifactType), ['application/vnd.example.sig']);
    assert.deepEqual(proxy.requests.filter((q) => q.includes(`/referrers/${indexDigest}`)), [`GET /v2/app/referrers/${indexDigest}`, `GET /v2/app/referrers/${indexDigest}?page=1`]);
  });

  it('Ctrl-C during pull or blob fetch from a registry that stalls mid-blob leaves no partial file beside the output', async function () {
    this.timeout(120_000);
    const cliPath = builtCli();
    const dir = tempDir();
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(1 << 20, 1));
    const cwd = process.cwd();
    process.chdir(dir);
    let pushed;
    try {
      pushed = await runCli('push', `${upstream.host}/big:v1`, 'big.bin', '--plain-http');
    } finally {
      process.chdir(cwd);
    }
    assert.equal(pushed.code, 0, pushed.stderr);
    const layer = JSON.parse((await cli('manifest', 'fetch', `${upstream.host}/big:v1`)).stdout).layers[0].digest as string;
    // Half the blob, then nothing: the CLI waits (its timeout is 60 s) with a temp file half written.
    proxy.misbehave([{ method: 'GET', path: /\/blobs\/sha256:/, act: async (x) => {
      const a = await x.upstream();
      x.res.writeHead(200, { 'content-length': String(a.body.length), 'content-type': 'application/octet-stream' });
      x.res.write(a.body.subarray(0, a.body.length >> 1));
    } }]);
    for (const [args, folder] of [[['pull', `${host}/big:v1`, '-o', join(dir, 'pulled')], join(dir, 'pulled')], [['blob', 'fetch', `${host}/big@${layer}`, '--output', join(dir, 'fetched', 'layer')], join(dir, 'fetched')]] as const) {
      const child = spawn(process.execPath, [cliPath, ...args, '--plain-http'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
      for (let i = 0; i < 600 && !(existsSync(folder) && readdirSync(folder).some((f) => f.includes('.manifold-partial-'))); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(readdirSync(folder).filter((f) => f.includes('.manifold-partial-')).length, 1, `${args[0]}: a partial file while the blob arrives`);
      child.kill('SIGINT');
      assert.equal(await exited, 1);
      assert.equal(stderr, `Error: GET http://${host}/v2/big/blobs/${layer}: cancelled\n`);
      assert.deepEqual(readdirSync(folder), []);
    }
  });
});

describe('attach on a registry without the referrers API', () => {
  after(cleanupTemps);

  it('keeps a manifest someone tagged with the fallback tag name: the tag moves to the new index, the manifest and its other tags stay', async () => {
    const server = await startOciServer({ referrersApi: false });
    try {
      const { store, index, children } = await makeMultiArchLayout();
      const amd64 = children[0]!;
      await store.tag(amd64, 'amd64');
      for (const ref of ['multi', 'amd64']) assert.equal((await runCli('cp', '--from-oci-layout', `${store.location}:${ref}`, `${server.host}/app:${ref}`, '--plain-http')).code, 0);
      const fallbackTag = index.digest.replace(':', '-');
      assert.equal((await runCli('tag', `${server.host}/app@${amd64.digest}`, fallbackTag, '--plain-http')).code, 0);
      const dir = tempDir();
      writeFileSync(join(dir, 'a.txt'), 'a');
      const cwd = process.cwd();
      process.chdir(dir);
      let r;
      try {
        r = await runCli('attach', '--artifact-type', 'application/vnd.example', `${server.host}/app:multi`, 'a.txt', '--plain-http');
      } finally {
        process.chdir(cwd);
      }
      assert.equal(r.code, 0, r.stderr);
      const attached = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(r.stdout)![1];
      assert.equal((await runCli('resolve', `${server.host}/app:amd64`, '--plain-http')).stdout, `${amd64.digest}\n`);
      const fallback = JSON.parse((await runCli('manifest', 'fetch', `${server.host}/app:${fallbackTag}`, '--plain-http')).stdout);
      assert.deepEqual(fallback.manifests.map((m: { digest: string }) => m.digest), [attached]);
    } finally {
      await server.stop();
    }
  });
});
