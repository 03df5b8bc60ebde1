import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { MemoryCredentialStore } from '../../src/oci/auth';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';
import { Registry, RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { redactUrl } from '../../src/oci/registry/registryError';
import { startFaultProxy, startOciServer, type OciServer } from '../integration/support';
import { copyGraph } from '../../src/oci/copy';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, pushBlob } from './builders';
import { collect } from '../helpers/assertions';

const noWait = async () => undefined;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('RemoteRepository against an OCI 1.1 server', () => {
  let server: OciServer;
  beforeEach(async () => {
    server = await startOciServer({ referrersPageSize: 2, tagsPageSize: 0 });
  });
  afterEach(async () => server.stop());

  const open = (name = 'app', extra: ConstructorParameters<typeof RegistryClient>[1] = {}, chunkSize?: number) =>
    new RemoteRepository(new RegistryClient(server.host, { plainHttp: true, sleep: noWait, ...extra }), name, { chunkSize });

  it('pushes an index with its children, resolves, fetches verified, and lists tags', async () => {
    const repo = open();
    const a = await makeImage(repo, { arch: 'amd64' });
    const b = await makeImage(repo, { arch: 'arm64' });
    const index = await makeIndex(repo, [a, b]);
    await repo.tag(index, 'v1');
    await repo.tag(a, 'amd64');
    assert.deepEqual(await repo.resolve('v1'), { mediaType: MediaType.ImageIndex, digest: index.digest, size: index.size });
    assert.deepEqual(await repo.resolve(index.digest), { mediaType: MediaType.ImageIndex, digest: index.digest, size: index.size });
    assert.ok(await repo.exists(a));
    assert.ok(!(await repo.exists({ ...a, digest: digestOf(Buffer.from('nope')) })));
    const bytes = await repo.fetchBytes(index);
    assert.equal(digestOf(bytes), index.digest);
    assert.deepEqual(await collect(repo.tags()), ['amd64', 'v1']);
    // Every manifest request carried the full Accept list.
    for (const r of server.requests.filter((r) => r.path.includes('/manifests/') && r.method !== 'PUT')) {
      assert.match(String(r.headers.accept), /application\/vnd\.docker\.distribution\.manifest\.list\.v2\+json/);
      assert.match(String(r.headers.accept), /application\/vnd\.oci\.image\.index\.v1\+json/);
    }
  });

  it('refuses content that does not match its digest, as a stream and as bytes', async () => {
    const repo = open();
    const desc = await pushBlob(repo, 'the real content');
    server.repo('app').blobs.set(desc.digest, Buffer.from('the fake content'));
    await assert.rejects(repo.fetchBytes(desc), (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'));
    await assert.rejects(readAll(await repo.fetch(desc)), (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'));
    server.repo('app').blobs.set(desc.digest, Buffer.from('short'));
    await assert.rejects(repo.fetch(desc), (e: unknown) => isOciError(e, 'SIZE_MISMATCH'));
  });

  it('refuses manifests over 4 MiB', async () => {
    const repo = open();
    const big: Descriptor = { mediaType: MediaType.ImageManifest, digest: digestOf(Buffer.from('x')), size: (4 << 20) + 1 };
    await assert.rejects(repo.fetchBytes(big), (e: unknown) => isOciError(e, 'INVALID_MANIFEST'));
    await assert.rejects(repo.push(big, Buffer.alloc(big.size)), (e: unknown) => isOciError(e, 'INVALID_MANIFEST'));
  });

  it('uploads a large blob in PATCH chunks with Content-Range, streamed', async () => {
    const repo = open('app', {}, 1000);
    const data = Buffer.alloc(2500, 7);
    const desc: Descriptor = { mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length };
    await repo.push(desc, Readable.from([data.subarray(0, 700), data.subarray(700)]));
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    assert.deepEqual(patches.map((p) => p.headers['content-range']), ['0-999', '1000-1999', '2000-2499']);
    assert.deepEqual(server.repo('app').blobs.get(desc.digest), data);
    // Pushing it again only asks whether it exists.
    const before = server.requests.length;
    await repo.push(desc, Readable.from([data]));
    assert.deepEqual(server.requests.slice(before).map((r) => r.method), ['HEAD']);
  });

  it('uploads a small blob with one POST and one PUT, and refuses a wrong size', async () => {
    const repo = open();
    const data = Buffer.from('small blob');
    const desc: Descriptor = { mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length };
    await repo.push(desc, Readable.from([data]));
    assert.deepEqual(server.requests.map((r) => r.method), ['HEAD', 'POST', 'PUT']);
    const other = Buffer.from('other blob!');
    await assert.rejects(repo.push({ ...desc, digest: digestOf(other), size: other.length + 5 }, Readable.from([other])), (e: unknown) => isOciError(e, 'SIZE_MISMATCH'));
    await assert.rejects(repo.push({ ...desc, digest: digestOf(Buffer.from('x')) }, Readable.from([data])), (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'));
    assert.equal(server.repo('app').blobs.size, 1);
  });

  it('a cancelled upload ends at once: the DELETE of its session is sent, not waited for, on a registry that stalls', async () => {
    let release!: () => void;
    const stall = new Promise<void>((r) => (release = r));
    let putHeld!: () => void;
    const held = new Promise<void>((r) => (putHeld = r));
    let deleteGone: (() => boolean) | undefined;
    const stalling = await startOciServer({
      hold: ({ method, path, gone }) => {
        if (!path.includes('/blobs/uploads/') || (method !== 'PUT' && method !== 'DELETE')) return undefined;
        if (method === 'PUT') putHeld();
        else deleteGone = gone;
        return stall;
      },
    });
    try {
      const repo = new RemoteRepository(new RegistryClient(stalling.host, { plainHttp: true, sleep: noWait }), 'app');
      const data = Buffer.from('a blob the registry never takes');
      const abort = new AbortController();
      const pushing = repo.push({ mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length }, Readable.from([data]), { signal: abort.signal });
      await held;
      abort.abort();
      await assert.rejects(pushing, (e: Error) => e.name === 'AbortError');
      // The cleanup was sent all the same, and is still waiting on the registry: the cancel did not wait for it.
      while (!deleteGone) await new Promise((r) => setTimeout(r, 10));
      assert.equal(deleteGone(), false, 'the DELETE of the session is still open');
      assert.equal(stalling.repo('app').blobs.size, 0);
    } finally {
      release();
      await stalling.stop();
    }
  });

  it('mounts a blob from another repository on the same registry', async () => {
    const src = open('src');
    const desc = await pushBlob(src, 'shared layer');
    const dst = new RemoteRepository(src.client, 'dst');
    let opened = false;
    const result = await dst.pushBlob(desc, async () => {
      opened = true;
      return Readable.from([Buffer.from('shared layer')]);
    }, { mountFrom: 'src' });
    assert.equal(result, 'mounted');
    assert.equal(opened, false);
    assert.ok(server.requests.some((r) => r.method === 'POST' && r.path.includes('mount=') && r.path.includes('from=src')));
    assert.ok(await dst.exists(desc));
  });

  it('lists referrers through the API, with the artifactType filter and Link pages', async () => {
    const repo = open();
    const image = await makeImage(repo);
    const sigs = [];
    for (let i = 0; i < 3; i++) sigs.push(await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.example.sig', content: `sig ${i}` }));
    const sbom = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.example.sbom', annotations: { k: 'v' } });
    const all = await collect(repo.referrers(image));
    assert.deepEqual(all.map((d) => d.digest).sort(), [...sigs, sbom].map((d) => d.digest).sort());
    assert.deepEqual(all.find((d) => d.digest === sbom.digest)?.annotations, { k: 'v' });
    const only = await collect(repo.referrers(image, { artifactType: 'application/vnd.example.sbom' }));
    assert.deepEqual(only.map((d) => d.digest), [sbom.digest]);
    assert.ok(server.requests.filter((r) => r.path.includes('/referrers/')).some((r) => r.path.includes('page=1')), 'followed Link');
    // The registry indexed them itself (OCI-Subject): no fallback tag was written.
    assert.deepEqual(await collect(repo.tags()), []);
  });

  it('deletes manifests; cannot untag', async () => {
    const repo = open();
    const image = await makeImage(repo);
    await repo.tag(image, 'v1');
    await assert.rejects(repo.untag('v1'), (e: unknown) => isOciError(e, 'UNSUPPORTED'));
    await repo.delete(image);
    await assert.rejects(repo.resolve('v1'), (e: unknown) => isOciError(e, 'NOT_FOUND'));
  });

  it('follows tag pages, and stops when a registry ignores n and last', async () => {
    const repo = open();
    const image = await makeImage(repo);
    const names = Array.from({ length: 2500 }, (_, i) => `t${String(i).padStart(4, '0')}`);
    const r = server.repo('app');
    for (const t of names) r.tags.set(t, image.digest);
    assert.deepEqual(await collect(repo.tags()), names);
    assert.equal(server.requests.filter((q) => q.path.includes('/tags/list')).length, 3);
    const ignoring = await startOciServer({ ignoreTagPaging: true });
    try {
      const other = new RemoteRepository(new RegistryClient(ignoring.host, { plainHttp: true }), 'app');
      for (const t of names) ignoring.repo('app').tags.set(t, image.digest);
      assert.deepEqual(await collect(other.tags()), names);
    } finally {
      await ignoring.stop();
    }
  });
});

describe('Registry', () => {
  it('lists the catalog across Link pages, and pings', async () => {
    const server = await startOciServer();
    try {
      const names = Array.from({ length: 2300 }, (_, i) => `ns/r${String(i).padStart(4, '0')}`);
      for (const n of names) server.repo(n);
      const registry = new Registry(server.host, { plainHttp: true });
      await registry.ping();
      assert.deepEqual(await collect(registry.repositories()), names);
      assert.equal(server.requests.filter((r) => r.path.startsWith('/v2/_catalog')).length, 3);
      assert.deepEqual(await collect(registry.repositories({ last: 'ns/r2297' })), ['ns/r2298', 'ns/r2299']);
    } finally {
      await server.stop();
    }
  });

  it('resolves a blob to its size', async () => {
    const server = await startOciServer();
    try {
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const desc = await pushBlob(repo, 'blob bytes');
      assert.deepEqual(await repo.resolveBlob(desc.digest), { mediaType: 'application/octet-stream', digest: desc.digest, size: desc.size });
      await assert.rejects(repo.resolveBlob(digestOf(Buffer.from('absent'))), (e: unknown) => isOciError(e, 'NOT_FOUND'));
    } finally {
      await server.stop();
    }
  });

  it('sends credentials in clear only to loopback, or where --plain-http was given', () => {
    const tls = new RegistryClient('registry.example.com');
    assert.ok(tls.mayCarryCredentials(new URL('https://auth.example.com/token')));
    assert.ok(!tls.mayCarryCredentials(new URL('http://registry.example.com/v2/')));
    assert.ok(tls.mayCarryCredentials(new URL('http://127.0.0.1:5000/token')));
    const plain = new RegistryClient('registry.example.com', { plainHttp: true });
    assert.ok(plain.mayCarryCredentials(new URL('http://registry.example.com/v2/')));
    assert.ok(!plain.mayCarryCredentials(new URL('http://auth.example.com/token')), 'another host in clear');
  });
});

describe('RemoteRepository without the referrers API (fallback tag schema)', () => {
  let server: OciServer;
  beforeEach(async () => {
    server = await startOciServer({ referrersApi: false });
  });
  afterEach(async () => server.stop());

  it('writes and reads sha256-<hex> indexes as oras does, and removes a deleted referrer', async () => {
    const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
    const image = await makeImage(repo);
    const sig = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.example.sig', annotations: { 'org.example': 'x' } });
    const sbom = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.example.sbom' });
    const tag = `sha256-${image.digest.slice(7)}`;
    assert.deepEqual(await collect(repo.tags()), [tag]);
    const { bytes } = await repo.fetchManifest(tag);
    assert.equal(
      bytes.toString(),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ImageIndex,
        manifests: [
          { mediaType: MediaType.ImageManifest, digest: sig.digest, size: sig.size, annotations: { 'org.example': 'x' }, artifactType: 'application/vnd.example.sig' },
          { mediaType: MediaType.ImageManifest, digest: sbom.digest, size: sbom.size, artifactType: 'application/vnd.example.sbom' },
        ],
      }),
    );
    assert.deepEqual((await collect(repo.referrers(image, { artifactType: 'application/vnd.example.sbom' }))).map((d) => d.digest), [sbom.digest]);
    // The index replaced along the way was deleted: only the current one is stored.
    const indexes = [...server.repo('app').manifests.values()].filter((m) => m.mediaType === MediaType.ImageIndex);
    assert.equal(indexes.length, 1);
    await repo.delete(sig);
    assert.deepEqual((await collect(repo.referrers(image))).map((d) => d.digest), [sbom.digest]);
  });

  it('keeps one fallback index when referrers are pushed concurrently', async () => {
    const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
    const image = await makeImage(repo);
    const made = await Promise.all(Array.from({ length: 6 }, (_, i) => makeArtifact(repo, { subject: image, artifactType: 'application/vnd.example.sig', content: `s${i}` })));
    assert.deepEqual((await collect(repo.referrers(image))).map((d) => d.digest).sort(), made.map((d) => d.digest).sort());
  });
});

describe('RegistryClient retries and redirects', () => {
  let server: OciServer;
  beforeEach(async () => {
    server = await startOciServer();
  });
  afterEach(async () => server.stop());
  after(cleanupTemps);

  it('retries 500, 429 (honouring Retry-After) and resets, then succeeds', async () => {
    const proxy = await startFaultProxy(server.url, [
      { method: 'HEAD', fault: 500, times: 1 },
      { method: 'HEAD', fault: 429, times: 1 },
      { method: 'HEAD', fault: 'reset', times: 1 },
    ]);
    const waits: number[] = [];
    try {
      const repo = new RemoteRepository(new RegistryClient(proxy.host, { plainHttp: true, sleep: async (ms) => void waits.push(ms) }), 'app');
      const blob = await pushBlob(new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app'), 'retry me');
      assert.ok(await repo.exists(blob));
      assert.deepEqual(proxy.log.map((l) => l.fault), [500, 429, 'reset', 'pass']);
      assert.equal(waits[1], 1000, 'Retry-After: 1');
    } finally {
      await proxy.stop();
    }
  });

  it('resumes a chunked upload where the registry says it stopped after a connection dropped mid-chunk', async () => {
    await server.stop();
    server = await startOciServer({ keepPartialChunks: true });
    const proxy = await startFaultProxy(server.url, [{ method: 'PATCH', fault: 'reset-request', skip: 1, times: 1 }]);
    try {
      const repo = new RemoteRepository(new RegistryClient(proxy.host, { plainHttp: true, sleep: noWait }), 'app', { chunkSize: 64 * 1024 });
      const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
      const desc = { mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length };
      let opened = 0;
      assert.equal(await repo.pushBlob(desc, async () => (opened++, Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]))), 'uploaded');
      assert.deepEqual(server.repo('app').blobs.get(desc.digest), data);
      // The second chunk was cut at its half (32768 of 65536 bytes arrived): the upload goes on from 98304, in the same session.
      const upload = proxy.log.filter((l) => l.path.includes('/blobs/uploads/'));
      assert.deepEqual(upload.map((l) => `${l.method} ${l.contentRange ?? ''} ${l.fault}`), [
        'POST  pass',
        'PATCH 0-65535 pass',
        'PATCH 65536-131071 reset-request',
        'GET  pass',
        'PATCH 98304-163839 pass',
        'PATCH 163840-199999 pass',
        'PUT  pass',
      ]);
      assert.equal(opened, 2, 'the source is opened again and read up to the offset, so it is verified whole');
    } finally {
      await proxy.stop();
    }
  });

  it('starts a chunked upload over when the registry no longer knows the session, or the source cannot be read again', async () => {
    const proxy = await startFaultProxy(server.url, [{ method: 'PATCH', fault: 'reset', skip: 1, times: 1 }, { method: 'GET', path: /blobs\/uploads/, fault: 500 }]);
    try {
      const repo = new RemoteRepository(new RegistryClient(proxy.host, { plainHttp: true, sleep: noWait, retry: { attempts: 1 } }), 'app', { chunkSize: 64 * 1024 });
      const data = Buffer.alloc(150_000, 9);
      const desc = { mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length };
      await assert.rejects(repo.pushBlob(desc, async () => Readable.from([data])), (e: Error & { code?: string }) => /other side closed|socket|ECONNRESET/i.test(`${e.message} ${e.code}`));
      assert.ok(proxy.log.some((l) => l.method === 'GET' && l.fault === 500), 'asked where the upload stopped');
      proxy.setRules([{ method: 'PATCH', fault: 'reset', skip: 1, times: 1 }]);
      await assert.rejects(repo.pushBlob(desc, Readable.from([data])), (e: Error & { code?: string }) => /other side closed|socket|ECONNRESET/i.test(`${e.message} ${e.code}`));
      assert.equal(server.repo('app').blobs.has(desc.digest), false);
      // copyGraph's own retry then starts a new session: the blob gets there whole.
      proxy.setRules([{ method: 'PATCH', fault: 'reset', skip: 1, times: 1 }, { method: 'GET', path: /blobs\/uploads/, fault: 500 }]);
      const store = await newLayout();
      await copyGraph(store, repo, await pushBlob(store, data));
      assert.deepEqual(server.repo('app').blobs.get(desc.digest), data);
      assert.equal(proxy.log.filter((l) => l.method === 'POST').length, 4);
    } finally {
      await proxy.stop();
    }
  });

  it('gives up after a bounded number of attempts with a clear error', async () => {
    const proxy = await startFaultProxy(server.url, [{ fault: 503 }]);
    try {
      const repo = new RemoteRepository(new RegistryClient(proxy.host, { plainHttp: true, sleep: noWait, retry: { attempts: 3 } }), 'app');
      await assert.rejects(repo.resolve('v1'), /response status 503/);
      assert.equal(proxy.log.length, 3);
    } finally {
      await proxy.stop();
    }
  });

  it('notices a stalled registry through the dispatcher timeout', async () => {
    const proxy = await startFaultProxy(server.url, [{ fault: 'stall' }]);
    const dispatcher = new Agent({ headersTimeout: 200, bodyTimeout: 200 });
    try {
      const repo = new RemoteRepository(new RegistryClient(proxy.host, { plainHttp: true, sleep: noWait, retry: { attempts: 2 }, dispatcher }), 'app');
      // The dispatcher's own timeout is not the client's to name.
      await assert.rejects(repo.resolve('v1'), (e: Error & { code?: string }) =>
        e.code === 'UND_ERR_HEADERS_TIMEOUT' && e.message === `registry ${proxy.host} did not answer HEAD http://${proxy.host}/v2/app/manifests/v1 in time (tried 2 times)`);
    } finally {
      await dispatcher.close();
      await proxy.stop();
    }
  });

  it('sends no Authorization to an upload Location on another host', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(201).end());
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const storagePort = (storage.address() as { port: number }).port;
    const registry = createServer((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        return;
      }
      if (req.method === 'HEAD') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(202, { location: `http://localhost:${storagePort}/upload/1?sig=x` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const port = (registry.address() as { port: number }).port;
    try {
      const client = new RegistryClient(`127.0.0.1:${port}`, { plainHttp: true, credentials: new MemoryCredentialStore({ [`127.0.0.1:${port}`]: { username: 'u', password: 'p' } }) });
      const data = Buffer.from('layer');
      await new RemoteRepository(client, 'app').push({ mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length }, Readable.from([data]));
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.authorization, undefined);
    } finally {
      registry.close();
      storage.close();
    }
  });

  it('drops Authorization on a redirect to another host', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-length': '4' }).end('blob');
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const storagePort = (storage.address() as { port: number }).port;
    const registry = createServer((req, res) => {
      seen.push(req.headers);
      if (!req.headers.authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        return;
      }
      // Another host name for the same machine: localhost vs 127.0.0.1.
      res.writeHead(307, { location: `http://localhost:${storagePort}/storage/blob` }).end();
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    const port = (registry.address() as { port: number }).port;
    try {
      const client = new RegistryClient(`127.0.0.1:${port}`, { plainHttp: true, credentials: new MemoryCredentialStore({ [`127.0.0.1:${port}`]: { username: 'u', password: 'p' } }) });
      const repo = new RemoteRepository(client, 'app');
      const data = Buffer.from('blob');
      const bytes = await repo.fetchBytes({ mediaType: 'application/octet-stream', digest: digestOf(data), size: 4 });
      assert.equal(bytes.toString(), 'blob');
      assert.equal(seen.length, 3);
      assert.ok(seen[1]!.authorization?.startsWith('Basic '));
      assert.equal(seen[2]!.authorization, undefined);
    } finally {
      registry.close();
      storage.close();
    }
  });
});

describe('RegistryClient auth failures', () => {
  /** A registry that asks for basic auth and refuses every credential (401), or forbids (403) what it accepts. */
  async function refusingRegistry(status: 401 | 403) {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (status === 401 || !req.headers.authorization) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
    return { host, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('reports UNAUTHORIZED naming registry and repository once the credentials were tried, and DENIED for 403', async () => {
    const refusing = await refusingRegistry(401);
    const forbidding = await refusingRegistry(403);
    try {
      const creds = (host: string) => new MemoryCredentialStore({ [host]: { username: 'u', password: 'p' } });
      const repo = new RemoteRepository(new RegistryClient(refusing.host, { plainHttp: true, sleep: noWait, credentials: creds(refusing.host) }), 'team/app');
      await assert.rejects(repo.resolve('v1'), (e: unknown) => isOciError(e, 'UNAUTHORIZED') && e.message.includes(`${refusing.host}/team/app:v1`) && /check the credentials/.test(e.message) && !/manifold/.test(e.message));
      // Asked once without, once with the credentials: a 401 after those is final, not retried.
      assert.deepEqual(refusing.seen, [undefined, `Basic ${Buffer.from('u:p').toString('base64')}`]);
      const data = Buffer.from('layer');
      await assert.rejects(repo.push({ mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length }, data), (e: unknown) => isOciError(e, 'UNAUTHORIZED') && e.message.includes(`${refusing.host}/team/app`));
      const denied = new RemoteRepository(new RegistryClient(forbidding.host, { plainHttp: true, sleep: noWait, credentials: creds(forbidding.host) }), 'team/app');
      await assert.rejects(collect(denied.tags()), (e: unknown) => isOciError(e, 'DENIED') && e.message.includes(`${forbidding.host}/team/app`) && /no access/.test(e.message));
      await assert.rejects(new Registry(forbidding.host, { plainHttp: true, credentials: creds(forbidding.host) }).ping(), (e: unknown) => isOciError(e, 'DENIED'));
    } finally {
      await refusing.close();
      await forbidding.close();
    }
  });
});

describe('RegistryClient transport errors', () => {
  it('name the request, keep their code, and say to use --plain-http when a plain-HTTP server is asked for TLS', async () => {
    const plain = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const port = (plain.address() as { port: number }).port;
    try {
      const tls = new RemoteRepository(new RegistryClient(`127.0.0.1:${port}`, { sleep: noWait, retry: { attempts: 1 } }), 'app');
      await assert.rejects(tls.resolve('v1'), (e: Error) => !isOciError(e)
        && e.message.startsWith(`HEAD https://127.0.0.1:${port}/v2/app/manifests/v1: `) && e.message.endsWith('use --plain-http'));
    } finally {
      await new Promise<void>((r) => plain.close(() => r()));
    }
    // Nothing listens there any more: the code stays for callers, the message names the place.
    const refused = new RemoteRepository(new RegistryClient(`127.0.0.1:${port}`, { plainHttp: true, sleep: noWait, retry: { attempts: 2 } }), 'app');
    await assert.rejects(refused.resolve('v1'), (e: Error & { code?: string }) => e.code === 'ECONNREFUSED'
      && e.message.startsWith(`HEAD http://127.0.0.1:${port}/v2/app/manifests/v1: `) && e.message.includes('ECONNREFUSED'));
  });
});

describe('redactUrl', () => {
  it('drops the query (upload state, tokens) and any user:password@ from a URL in a message', () => {
    assert.equal(redactUrl('https://u:secret@blob.example/v2/a/blobs/uploads/1?_state=abc&sig=x'), 'https://blob.example/v2/a/blobs/uploads/1?...');
    assert.equal(redactUrl('http://127.0.0.1:5000/v2/app/manifests/v1'), 'http://127.0.0.1:5000/v2/app/manifests/v1');
  });
});
