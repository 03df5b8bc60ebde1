import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { copy } from '../../src/oci/copy';
import { isOciError } from '../../src/oci/errors';
import { RegistryClient, type RegistryClientOptions, RemoteRepository } from '../../src/oci/registry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, launchRegistry, startFaultProxy, type FaultProxy, type FaultRule, type LaunchedRegistry } from './support';

/** Every blob the registry stores under a digest, checked against it: a fault must never leave a corrupt one. */
function assertStorageIntact(registry: LaunchedRegistry): number {
  const root = join(registry.storage, 'docker/registry/v2/blobs/sha256');
  if (!existsSync(root)) return 0;
  let n = 0;
  for (const prefix of readdirSync(root)) {
    for (const hex of readdirSync(join(root, prefix))) {
      const data = join(root, prefix, hex, 'data');
      if (!existsSync(data)) continue;
      assert.equal(createHash('sha256').update(readFileSync(data)).digest('hex'), hex, `blob ${hex} is corrupt`);
      n++;
    }
  }
  return n;
}

async function sample() {
  const store = await newLayout();
  // Layers over the chunk size, so chunked uploads meet the faults too.
  const a = await makeImage(store, { arch: 'amd64', layers: [Buffer.alloc(300_000, 1), Buffer.alloc(50_000, 2)] });
  const b = await makeImage(store, { arch: 'arm64', layers: [Buffer.alloc(200_000, 3)] });
  const index = await makeIndex(store, [a, b]);
  await store.tag(index, 'v1');
  return { store, index, children: [a, b] };
}

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('faults between Manifold and the registry', function () {
  this.timeout(120_000);
  let registry: LaunchedRegistry;
  let proxy: FaultProxy;
  let dispatcher: Agent;
  const fast: RegistryClientOptions = { plainHttp: true, retry: { baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1500 } };

  before(async () => {
    registry = await launchRegistry();
    proxy = await startFaultProxy(registry.url);
    // Short timeouts, so a stalled connection is noticed within the test.
    dispatcher = new Agent({ headersTimeout: 1500, bodyTimeout: 1500 });
  });
  after(async () => {
    await proxy?.stop();
    await dispatcher?.close();
    await registry?.stop();
    cleanupTemps();
  });

  const repo = (name: string, rules: FaultRule[], attempts?: number) => {
    proxy.setRules(rules);
    const retry = { ...fast.retry, ...(attempts ? { attempts } : {}) };
    return new RemoteRepository(new RegistryClient(proxy.host, { ...fast, retry, dispatcher }), name, { chunkSize: 128 * 1024 });
  };

  it('finishes a copy through transient resets, 500s, 429s and a stall, with the same bytes as without', async () => {
    const s = await sample();
    const dst = repo('faults/transient', [
      { method: 'HEAD', fault: 500, times: 2 },
      { method: 'POST', fault: 429, times: 1 },
      { method: 'PATCH', fault: 'reset', times: 1 },
      { method: 'PUT', path: /blobs\/uploads/, fault: 503, times: 1 },
      { method: 'PUT', path: /manifests/, fault: 'reset', times: 1 },
      { method: 'HEAD', path: /manifests/, fault: 'stall', times: 1 },
    ]);
    const retries: string[] = [];
    await copy(s.store, 'v1', dst, ['v1'], { onProgress: (e) => e.type === 'retry' && retries.push(e.desc.digest) });
    assert.ok(proxy.log.some((l) => l.fault === 'reset') && proxy.log.some((l) => l.fault === 429) && proxy.log.some((l) => l.fault === 'stall'));
    const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/faults/transient:v1`]);
    assert.deepEqual(raw, await s.store.fetchBytes(s.index));
    assertStorageIntact(registry);

    // Back into a layout through dropped bodies and 500s.
    const back = await newLayout();
    const src = repo('faults/transient', [
      { method: 'GET', path: /blobs\/sha256/, fault: 'reset-body', times: 2 },
      { method: 'GET', path: /manifests/, fault: 500, times: 1 },
    ]);
    await copy(src, 'v1', back, ['v1']);
    assert.ok(proxy.log.some((l) => l.fault === 'reset-body'));
    for (const d of [s.index, ...s.children]) assert.ok(await back.exists(d));
    // No temp blob left behind (the temp folder itself is removed once empty).
    const temp = join(back.location, '.manifold-tmp');
    assert.deepEqual(existsSync(temp) ? readdirSync(temp).filter((f) => f.startsWith('blob-')) : [], []);
  });

  it('fails clearly when the registry keeps failing, leaving no tag on missing content and no corrupt blob', async () => {
    const s = await sample();
    const dst = repo('faults/permanent', [{ method: 'PUT', path: /manifests/, fault: 500 }]);
    await assert.rejects(copy(s.store, 'v1', dst, ['v1']), /response status 500/);
    proxy.setRules([]);
    await assert.rejects(dst.resolve('v1'), (e: unknown) => isOciError(e, 'NOT_FOUND'));
    assertStorageIntact(registry);

    const resets = repo('faults/resets', [{ method: 'PATCH', fault: 'reset' }, { method: 'PUT', path: /blobs\/uploads/, fault: 'reset' }]);
    await assert.rejects(copy(s.store, 'v1', resets, ['v1'], { attempts: 2 }), (e: Error & { code?: string }) => /other side closed|socket|ECONNRESET/i.test(`${e.message} ${e.code}`));
    proxy.setRules([]);
    await assert.rejects(resets.resolve('v1'), (e: unknown) => isOciError(e, 'NOT_FOUND'));
    for (const d of s.children) assert.equal(await resets.exists(d), false);
    assertStorageIntact(registry);
  });

  it('resumes a chunked upload after a dropped connection, in the same session; starts over when distribution cancels it', async () => {
    const store = await newLayout();
    const layer = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 131) % 256));
    const image = await makeImage(store, { layers: [layer] });
    await store.tag(image, 'v1');
    const layerDigest = (JSON.parse((await store.fetchBytes(image)).toString()) as { layers: Array<{ digest: string }> }).layers[0]!.digest;
    const uploads = (from: number) => proxy.log.slice(from).filter((l) => l.path.includes('/blobs/uploads/'));
    const show = (from: number) => uploads(from).map((l) => `${l.method} ${l.contentRange ?? ''} ${l.fault}`);

    // The connection drops before the registry reads the second chunk: it holds 131072 bytes, and says so.
    let from = proxy.log.length;
    const resumed = repo('faults/resume', [{ method: 'PATCH', fault: 'reset', skip: 1, times: 1 }]);
    await copy(store, 'v1', resumed, ['v1']);
    const patches = show(from).filter((l) => !l.startsWith('POST') && !l.startsWith('PUT'));
    assert.deepEqual(patches, ['PATCH 0-131071 pass', 'PATCH 131072-262143 reset', 'GET  pass', 'PATCH 131072-262143 pass', 'PATCH 262144-299999 pass']);
    assert.equal(uploads(from).filter((l) => l.method === 'POST').length, 2, 'one session for the config, one for the layer: not started over');
    assert.deepEqual(await resumed.fetchBytes({ mediaType: 'application/octet-stream', digest: layerDigest, size: layer.length }), layer);

    // Half of the chunk reaches distribution: its session state is stale then, and asking cancels it. A new session follows.
    from = proxy.log.length;
    const restarted = repo('faults/restart', [{ method: 'PATCH', fault: 'reset-request', skip: 1, times: 1 }]);
    await copy(store, 'v1', restarted, ['v1']);
    assert.ok(show(from).includes('PATCH 131072-262143 reset-request'));
    assert.equal(uploads(from).filter((l) => l.method === 'POST').length, 3, 'the layer started over once');
    assert.deepEqual(await restarted.fetchBytes({ mediaType: 'application/octet-stream', digest: layerDigest, size: layer.length }), layer);
    assertStorageIntact(registry);
  });

  it('gives up on a registry that stalls, with a timeout error', async () => {
    const s = await sample();
    await copy(s.store, 'v1', repo('faults/stall', []), ['v1']);
    const stalled = repo('faults/stall', [{ method: 'GET', fault: 'stall' }], 2);
    const back = await newLayout();
    await assert.rejects(copy(stalled, s.index.digest, back, [], { attempts: 1 }), (e: Error & { code?: string }) => e.code === 'UND_ERR_HEADERS_TIMEOUT');
    assert.ok(!(await back.exists(s.index)));
  });

  it('names the request when a blob or manifest body is cut short, streamed or buffered', async () => {
    const s = await sample();
    const repository = repo('faults/cut', []);
    await copy(s.store, 'v1', repository, ['v1']);
    const child = s.children[0]!;
    const layer = (JSON.parse((await s.store.fetchBytes(child)).toString()) as { layers: Array<{ mediaType: string; digest: string; size: number }> }).layers[0]!;
    proxy.setRules([{ method: 'GET', fault: 'reset-body' }]);
    const cut = (kind: string, digest: string) => `GET http://${proxy.host}/v2/faults/cut/${kind}/${digest}: UND_ERR_SOCKET: other side closed`;

    // The CLI: a streamed blob, and a manifest read whole.
    const out = join(tempDir(), 'layer');
    let r = await runCli('blob', 'fetch', '--plain-http', `${proxy.host}/faults/cut@${layer.digest}`, '--output', out);
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${cut('blobs', layer.digest)}\n`]);
    assert.equal(existsSync(out) || existsSync(`${out}.manifold-partial`), false);
    r = await runCli('manifest', 'fetch', '--plain-http', `${proxy.host}/faults/cut@${child.digest}`);
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${cut('manifests', child.digest)}\n`]);

    // The core: each way a body is read.
    await assert.rejects(repository.fetchBytes(layer), { message: cut('blobs', layer.digest), code: 'UND_ERR_SOCKET' });
    await assert.rejects(repository.fetchManifest(child.digest), { message: cut('manifests', child.digest) });
    await assert.rejects(repository.fetchBytes(child), { message: cut('manifests', child.digest) });
    await assert.rejects(async () => {
      for await (const _ of await repository.fetch(layer)) {
        // read to the cut
      }
    }, { message: cut('blobs', layer.digest) });
  });

  it('tells of each retry on stderr and goes on when the registry answers again (cp --timeout)', async () => {
    const s = await sample();
    await copy(s.store, 'v1', repo('faults/notice', []), ['v1']);
    proxy.setRules([{ method: 'HEAD', path: /manifests\/v1$/, fault: 'stall', times: 1 }]);
    const from = proxy.log.length;
    const back = tempDir();
    const r = await runCli('cp', '--plain-http', '--timeout', '1', `${proxy.host}/faults/notice:v1`, '--to-oci-layout', `${back}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `registry ${proxy.host}: no response to HEAD /v2/faults/notice/manifests/v1 for 1 s, retrying (2/2)\n`, 'a stall is retried once, not four times');
    assert.ok(r.stdout.endsWith(`Digest: ${s.index.digest}\n`), r.stdout);
    assert.deepEqual(proxy.log.slice(from).filter((l) => l.fault === 'stall').map((l) => `${l.method} ${l.path}`), ['HEAD /v2/faults/notice/manifests/v1']);
  });
});
