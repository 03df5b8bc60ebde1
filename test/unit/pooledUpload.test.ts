import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { copyGraph } from '../../src/oci/copy';
import { filePool, readPool, POOLED_CHUNK } from '../../src/oci/pooledRead';
import { pushArtifact } from '../../src/oci/artifacts/push';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { closeDefaultAgents } from '../../src/oci/registry/client';
import { startOciServer, type OciServer } from '../integration/support';
import { cleanupTemps, newLayout, pushBlob, pushManifest, tempDir } from './builders';

/**
 * A TCP relay that reads from the client a little at a time, so the client's socket fills and its writes
 * complete late: the case where reusing a read buffer too early would send the wrong bytes. (Loopback
 * buffers take ~4 MiB per connection before a write has to wait, hence blobs of 4 MiB.)
 */
async function startSlowRelay(upstream: string): Promise<{ host: string; stop(): Promise<void> }> {
  const [host, port] = upstream.split(':') as [string, string];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const up = connect(Number(port), host);
    sockets.add(client).add(up);
    client.on('data', (chunk) => {
      up.write(chunk);
      client.pause();
      setTimeout(() => client.resume(), 1);
    });
    up.pipe(client);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.on('close', () => up.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    host: `127.0.0.1:${address.port}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A layout holding an image of six layers of distinct random content, each `buffers` read buffers and a bit (not a multiple). */
async function imageOf(buffers: number) {
  const layout = await newLayout();
  const blobs = [0, 1, 2, 3, 4, 5].map((i) => randomBytes(buffers * POOLED_CHUNK + 12_345 * (i + 1)));
  const layers: Descriptor[] = [];
  for (const b of blobs) layers.push(await pushBlob(layout, b, MediaType.ImageLayerGzip));
  const config = await pushBlob(layout, '{}', MediaType.ImageConfig);
  const root = await pushManifest(layout, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers });
  return { layout, blobs, layers, root };
}

describe('copy to a registry with pooled read buffers', () => {
  let server: OciServer;
  let relay: Awaited<ReturnType<typeof startSlowRelay>>;
  beforeEach(async () => {
    server = await startOciServer();
    relay = await startSlowRelay(server.host);
  });
  afterEach(async () => {
    await closeDefaultAgents();
    await relay.stop();
    await server.stop();
    cleanupTemps();
  });

  it('sends every blob byte for byte while the registry reads slowly, reusing the read buffers', async function () {
    this.timeout(60_000);
    // Buffers given back by one blob's upload are read into for another's (a buffer given back while still
    // queued would corrupt that blob: giving each back when it is handed to undici fails here).
    const { layout, blobs, layers, root } = await imageOf(16);
    const reads = blobs.reduce((n, b) => n + Math.ceil(b.length / POOLED_CHUNK), 0);
    const sent = async (name: string, chunkSize: number) => {
      const repo = new RemoteRepository(new RegistryClient(relay.host, { plainHttp: true }), name, { chunkSize });
      const before = readPool.created;
      await copyGraph(layout, repo, root, { concurrency: 3 });
      for (const [i, desc] of layers.entries()) {
        const stored = server.repo(name).blobs.get(desc.digest);
        assert.ok(stored, `${name}: blob ${i} stored`);
        assert.equal(digestOf(stored), digestOf(blobs[i]!), `${name}: blob ${i}, the bytes the registry got`);
        assert.ok(stored.equals(blobs[i]!), `${name}: blob ${i} byte for byte`);
      }
      return readPool.created - before;
    };

    // PATCH chunks of a size that cuts read buffers, so pieces of one buffer end one PATCH and start the next.
    await sent('cut', POOLED_CHUNK * 2 + 1000);
    // A multiple of the buffer, as the default 32 MiB is: reused, not one fresh buffer per read, but the few in
    // flight at once (three uploads at a time, each a few stages deep).
    const made = await sent('even', POOLED_CHUNK * 4);
    assert.ok(made < reads / 2, `${made} buffers made for ${reads} reads`);
  });

  it('pushes files byte for byte while the registry reads slowly, reusing the read buffers', async function () {
    this.timeout(60_000);
    const dir = tempDir();
    const files = [0, 1, 2, 3, 4, 5].map((i) => {
      const path = join(dir, `f${i}.bin`);
      // Long enough that each of the three uploads at a time (push's default) reuses its buffers many times over.
      const bytes = randomBytes(8 * filePool.size + 12_345 * (i + 1));
      writeFileSync(path, bytes);
      return { path, bytes };
    });
    const reads = files.reduce((n, f) => n + Math.ceil(f.bytes.length / filePool.size), 0);
    const before = filePool.created;
    const repo = new RemoteRepository(new RegistryClient(relay.host, { plainHttp: true }), 'files');
    const result = await pushArtifact(repo, { tags: ['v1'], files: files.map((f) => ({ path: f.path })), disablePathValidation: true });
    assert.equal(result.manifest.layers.length, files.length);
    for (const [i, layer] of result.manifest.layers.entries()) {
      const stored = server.repo('files').blobs.get(layer.digest);
      assert.ok(stored?.equals(files[i]!.bytes), `file ${i} byte for byte`);
    }
    const made = filePool.created - before;
    assert.ok(made < reads / 2, `${made} buffers made for ${reads} reads`);
  });
});

describe('into a layout with pooled read buffers', () => {
  after(cleanupTemps);

  it('copies layout -> layout and pushes files to a layout byte for byte, reusing the read buffers', async function () {
    this.timeout(60_000);
    const { layout: src, blobs, layers, root } = await imageOf(8);
    const dst = await newLayout();
    let before = readPool.created;
    await copyGraph(src, dst, root, { concurrency: 3 });
    for (const [i, desc] of layers.entries()) assert.ok((await dst.fetchBytes(desc)).equals(blobs[i]!), `blob ${i} byte for byte`);
    const reads = blobs.reduce((n, b) => n + Math.ceil(b.length / POOLED_CHUNK), 0);
    assert.ok(readPool.created - before < reads / 2, `${readPool.created - before} buffers made for ${reads} reads`);

    const dir = tempDir();
    const files = [0, 1, 2, 3].map((i) => {
      const path = join(dir, `f${i}.bin`);
      writeFileSync(path, randomBytes(8 * filePool.size + 777 * (i + 1)));
      return path;
    });
    before = filePool.created;
    const result = await pushArtifact(dst, { tags: ['files'], files: files.map((path) => ({ path })), disablePathValidation: true });
    for (const [i, layer] of result.manifest.layers.entries()) {
      assert.ok((await dst.fetchBytes(layer)).equals(readFileSync(files[i]!)), `file ${i} byte for byte`);
    }
    // Without reuse each of the 36 reads makes one; with it a few serve them all (a few for each of the three files
    // read at once, but an idle buffer is held weakly and a garbage collection in a busy process may drop one, as
    // in a full CI run).
    assert.ok(filePool.created - before < 36 / 2, `${filePool.created - before} buffers made for 36 reads`);
  });
});
