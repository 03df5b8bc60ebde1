import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { copy, copyGraph, type CopyEvent } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { isOciError } from '../../src/oci/errors';
import { parsePlatform } from '../../src/oci/platform';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import type { OpOptions, Target } from '../../src/oci/target';
import { startOciServer, type OciServer } from '../integration/support';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, pushBlob, pushManifest } from './builders';
import { MediaType } from '../../src/oci/mediaType';
import { POOLED_CHUNK } from '../../src/oci/pooledRead';
import { collect } from '../helpers/assertions';

/** A multi-arch image with referrers on the index, on a child, and on a referrer. */
async function imageWithReferrers(target: Target) {
  const amd64 = await makeImage(target, { arch: 'amd64', layers: ['a1', 'a2'] });
  const arm64 = await makeImage(target, { arch: 'arm64', layers: ['b1'] });
  const index = await makeIndex(target, [amd64, arm64]);
  const indexSig = await makeArtifact(target, { subject: index, artifactType: 'application/vnd.example.sig', content: 'index sig' });
  const childSbom = await makeArtifact(target, { subject: arm64, artifactType: 'application/vnd.example.sbom', content: 'arm64 sbom' });
  const sigOfSbom = await makeArtifact(target, { subject: childSbom, artifactType: 'application/vnd.example.sig', content: 'sbom sig' });
  return { amd64, arm64, index, referrers: [indexSig, childSbom, sigOfSbom] };
}

describe('copyGraph', () => {
  after(cleanupTemps);

  it('copies layout -> layout with every referrer, recursively, and finds nothing to do the second time', async () => {
    const src = await newLayout();
    const g = await imageWithReferrers(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    const events: CopyEvent[] = [];
    const result = await copy(src, 'v1', dst, ['v1'], { referrers: true, onProgress: (e) => events.push(e) });
    assert.equal(result.root.digest, g.index.digest);
    assert.deepEqual(result.referrers.map((d) => d.digest).sort(), g.referrers.map((d) => d.digest).sort());
    assert.equal((await dst.resolve('v1')).digest, g.index.digest);
    assert.deepEqual((await collect(dst.referrers(g.arm64))).map((d) => d.digest), [g.referrers[1]!.digest]);
    assert.deepEqual((await collect(dst.referrers(g.referrers[1]!))).map((d) => d.digest), [g.referrers[2]!.digest]);
    // Order: each manifest after everything it needs.
    const copied = events.filter((e) => e.type === 'copied').map((e) => e.desc.digest);
    assert.ok(copied.indexOf(g.amd64.digest) < copied.indexOf(g.index.digest));
    assert.ok(copied.indexOf(g.index.digest) < copied.indexOf(g.referrers[0]!.digest));
    assert.ok(copied.indexOf(g.referrers[1]!.digest) < copied.indexOf(g.referrers[2]!.digest));
    const again = await copy(src, 'v1', dst, ['v1'], { referrers: true });
    assert.equal(again.copied, 0);
  });

  it('without referrers copies only the image; with a platform only that child (and its referrers)', async () => {
    const src = await newLayout();
    const g = await imageWithReferrers(src);
    await src.tag(g.index, 'v1');
    const plain = await newLayout();
    await copy(src, 'v1', plain, ['v1']);
    assert.deepEqual(await collect(plain.referrers(g.index)), []);
    const one = await newLayout();
    const r = await copy(src, 'v1', one, ['arm'], { platform: parsePlatform('linux/arm64'), referrers: true });
    assert.equal(r.root.digest, g.arm64.digest);
    assert.equal((await one.resolve('arm')).digest, g.arm64.digest);
    assert.ok(!(await one.exists(g.amd64)));
    assert.ok(!(await one.exists(g.index)));
    assert.deepEqual(r.referrers.map((d) => d.digest).sort(), [g.referrers[1]!.digest, g.referrers[2]!.digest].sort());
    await assert.rejects(copy(src, 'v1', one, [], { platform: parsePlatform('linux/s390x') }), /no manifest for platform linux\/s390x.*linux\/amd64, linux\/arm64/);
  });

  it('keeps at most `concurrency` transfers running', async () => {
    const src = await newLayout();
    const layers = Array.from({ length: 12 }, (_, i) => `layer ${i}`);
    const image = await makeImage(src, { layers });
    const dst = await newLayout();
    let running = 0;
    let peak = 0;
    await copyGraph(src, dst, image, {
      concurrency: 2,
      onProgress: (e) => {
        if (e.type === 'copying') peak = Math.max(peak, ++running);
        if (e.type === 'copied') running--;
      },
    });
    assert.ok(peak <= 2 && peak >= 1, `peak ${peak}`);
    assert.ok(await dst.exists(image));
  });

  it('restarts a blob whose transfer dropped, and leaves nothing half-made when it cannot', async () => {
    const src = await newLayout();
    const image = await makeImage(src, { layers: ['x'.repeat(100_000)] });
    const dst = await newLayout();
    let failures = 1;
    const flaky = new Proxy(src, {
      get(target, prop, receiver) {
        if (prop !== 'fetch') return Reflect.get(target, prop, receiver);
        return async (desc: Descriptor, opts?: OpOptions): Promise<Readable> => {
          const real = await target.fetch(desc, opts);
          if (desc.size < 100_000 || failures-- <= 0) return real;
          const out = new PassThrough();
          real.once('data', (chunk: Buffer) => {
            out.write(chunk.subarray(0, 10));
            out.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
            real.destroy();
          });
          return out;
        };
      },
    });
    const events: CopyEvent[] = [];
    await copyGraph(flaky, dst, image, { onProgress: (e) => events.push(e) });
    assert.equal(events.filter((e) => e.type === 'retry').length, 1);
    assert.ok(await dst.exists(image));

    failures = 100;
    const dst2 = await newLayout();
    await assert.rejects(copyGraph(flaky, dst2, image, { attempts: 2 }), /socket hang up/);
    assert.ok(!(await dst2.exists(image)));
    const temp = join(dst2.location, '.manifold-tmp');
    assert.deepEqual(existsSync(temp) ? readdirSync(temp) : [], []);
  });

  it('stops when cancelled', async () => {
    const src = await newLayout();
    const image = await makeImage(src, { layers: ['a', 'b', 'c'] });
    const dst = await newLayout();
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await assert.rejects(copyGraph(src, dst, image, { signal: controller.signal }), /cancelled by the user/);
    assert.ok(!(await dst.exists(image)));
  });
});

describe('copy between layouts and registries', () => {
  let api: OciServer;
  let plain: OciServer;
  before(async () => {
    api = await startOciServer({ referrersPageSize: 2 });
    plain = await startOciServer({ referrersApi: false });
  });
  after(async () => {
    await api.stop();
    await plain.stop();
    cleanupTemps();
  });

  for (const kind of ['referrers API', 'fallback tags'] as const) {
    it(`layout -> registry (${kind}) -> layout brings back every referrer`, async () => {
      const server = kind === 'referrers API' ? api : plain;
      const src = await newLayout();
      const g = await imageWithReferrers(src);
      await src.tag(g.index, 'v1');
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), `app-${kind.replace(' ', '-').toLowerCase()}`);
      const from = server.requests.length;
      await copy(src, 'v1', repo, ['v1'], { referrers: true });
      assert.equal((await repo.resolve('v1')).digest, g.index.digest);
      // Pushed in the order registries accept: each manifest after its children, each referrer after its subject.
      const puts = server.requests.slice(from).filter((r) => r.method === 'PUT' && r.path.includes('/manifests/sha256:')).map((r) => r.path.split('/manifests/')[1]);
      const at = (d: Descriptor) => puts.indexOf(d.digest);
      for (const [before, after] of [[g.amd64, g.index], [g.arm64, g.index], [g.index, g.referrers[0]!], [g.arm64, g.referrers[1]!], [g.referrers[1]!, g.referrers[2]!]] as const) {
        assert.ok(at(before) !== -1 && at(before) < at(after), `${before.digest} before ${after.digest}: ${puts.join(' ')}`);
      }
      assert.deepEqual((await collect(repo.referrers(g.arm64))).map((d) => d.digest), [g.referrers[1]!.digest]);
      const back = await newLayout();
      const r = await copy(repo, 'v1', back, ['v1'], { referrers: true });
      assert.deepEqual(r.referrers.map((d) => d.digest).sort(), g.referrers.map((d) => d.digest).sort());
      for (const d of [g.index, g.amd64, g.arm64, ...g.referrers]) assert.ok(await back.exists(d), d.digest);
    });
  }

  it('a copy of 2,000 blobs to a registry opens at most 8 connections, the existence checks included', async function () {
    this.timeout(180_000);
    const server = await startOciServer();
    try {
      const src = await newLayout();
      const layers = Array.from({ length: 2000 }, (_, i) => `small layer ${i}\n`);
      const image = await makeImage(src, { arch: 'amd64', layers });
      await src.tag(image, 'many');
      // The default client, as the CLI and the extension make it: the shared pool, capped per registry.
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'many');
      await copy(src, 'many', repo, ['many'], { concurrency: 3 });
      assert.equal((await repo.resolve('many')).digest, image.digest);
      assert.equal(server.repo('many').blobs.size, 2001, 'every layer and the config');
      const heads = server.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/blobs/')).length;
      assert.equal(heads, 2001, 'one existence check per blob');
      console.log(`      2,001 blobs: ${server.connections.opened} connections opened, ${server.connections.peak} open at most`);
      assert.ok(server.connections.peak <= 8, `${server.connections.peak} connections open at once`);
      // Never more than 8 at once. Over the whole copy a few more may be opened: a pooled socket idle past
      // undici's keep-alive (4 s, reached on a loaded machine) is closed and replaced. Unbounded was 2,005.
      assert.ok(server.connections.opened <= 32, `${server.connections.opened} connections opened`);
    } finally {
      await server.stop();
    }
  });

  it('copying again what is there writes nothing: the root and the tag are checked at once, the subgraph is skipped', async () => {
    const src = await newLayout();
    const a = await makeImage(src, { arch: 'amd64', layers: ['again a'] });
    const b = await makeImage(src, { arch: 'arm64', layers: ['again b'] });
    const index = await makeIndex(src, [a, b]);
    await src.tag(index, 'v1');
    await src.tag(a, 'v0');
    const repo = new RemoteRepository(new RegistryClient(api.host, { plainHttp: true }), 'again');
    await copy(src, 'v1', repo, ['v1']);
    const from = api.requests.length;
    const again = await copy(src, 'v1', repo, ['v1']);
    assert.deepEqual({ copied: again.copied, existing: again.existing }, { copied: 0, existing: 1 });
    assert.deepEqual(api.requests.slice(from).map((r) => `${r.method} ${r.path}`).sort(), [`HEAD /v2/again/manifests/${index.digest}`, 'HEAD /v2/again/manifests/v1']);
    // A tag that names something else is moved; one that is missing is written.
    await copy(src, 'v0', repo, ['v1', 'v0']);
    assert.equal((await repo.resolve('v1')).digest, a.digest);
    assert.equal((await repo.resolve('v0')).digest, a.digest);
    await copy(src, 'v1', repo, ['v1']);
    assert.equal((await repo.resolve('v1')).digest, index.digest);
  });

  it('registry -> registry on one registry mounts blobs instead of uploading them', async () => {
    const src = await newLayout();
    const image = await makeImage(src, { layers: ['m1', 'm2'] });
    await src.tag(image, 'v1');
    const client = new RegistryClient(api.host, { plainHttp: true });
    const a = new RemoteRepository(client, 'mount-a');
    await copy(src, 'v1', a, ['v1']);
    const b = new RemoteRepository(client, 'mount-b');
    const events: CopyEvent[] = [];
    await copy(a, 'v1', b, ['v2'], { onProgress: (e) => events.push(e) });
    assert.equal(events.filter((e) => e.type === 'mounted').length, 3, 'config and two layers');
    assert.equal((await b.resolve('v2')).digest, image.digest);
  });

  it('tells how many bytes of each blob have gone, up to its size, into a registry and into a layout', async () => {
    const src = await newLayout();
    // Large enough to be read in several buffers, so a blob's progress comes in several steps.
    const big = await pushBlob(src, randomBytes(3 * POOLED_CHUNK + 1234), MediaType.ImageLayer);
    const small = await pushBlob(src, 'small layer', MediaType.ImageLayer);
    const config = await pushBlob(src, '{}', MediaType.ImageConfig);
    const image = await pushManifest(src, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [big, small] });
    const repo = new RemoteRepository(new RegistryClient(api.host, { plainHttp: true }), 'progress');
    for (const [kind, dst] of [['registry', repo], ['layout', await newLayout()]] as const) {
      const told = new Map<string, number[]>();
      await copyGraph(src, dst, image, { onProgress: (e) => e.type === 'bytes' && told.set(e.desc.digest, [...(told.get(e.desc.digest) ?? []), e.bytes]) });
      for (const blob of [big, small, config]) {
        const steps = told.get(blob.digest) ?? [];
        assert.equal(steps.at(-1), blob.size, `${kind}: ${blob.digest} told up to its size: ${steps.join(' ')}`);
        assert.deepEqual(steps, [...steps].sort((a, b) => a - b), `${kind}: growing`);
      }
      assert.ok(told.get(big.digest)!.length > 1, `${kind}: the large blob in steps`);
      assert.ok((await dst.fetchBytes(big)).equals(await src.fetchBytes(big)), `${kind}: the large blob byte for byte`);
    }
  });

  it('fails clearly when the source content is corrupt, storing nothing under its digest', async () => {
    const src = await newLayout();
    const image = await makeImage(src, { layers: ['good layer'] });
    const repo = new RemoteRepository(new RegistryClient(api.host, { plainHttp: true }), 'corrupt');
    const layer = JSON.parse((await src.fetchBytes(image)).toString()).layers[0] as Descriptor;
    writeFileSync(join(src.location, 'blobs', 'sha256', layer.digest.slice(7)), 'evil layer');
    await assert.rejects(copyGraph(src, repo, image), (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'));
    assert.ok(!(await repo.exists(layer)));
    assert.ok(!(await repo.exists(image)));
  });

  it('a large layer damaged in place (same size, one byte changed) fails the copy to a registry and to a layout, storing neither', async () => {
    // Streamed in many chunks, and the digest is only known wrong at the end: the source's error must reach
    // whatever the destination is doing with the stream (an upload, a temp file), not end it as a whole blob.
    const src = await newLayout();
    const content = randomBytes(5 * POOLED_CHUNK + 123);
    const image = await makeImage(src, { layers: [content.toString('latin1')] });
    const layer = JSON.parse((await src.fetchBytes(image)).toString()).layers[0] as Descriptor;
    const file = join(src.location, 'blobs', 'sha256', layer.digest.slice(7));
    const damaged = readFileSync(file);
    damaged[damaged.length - 7] ^= 0xff;
    writeFileSync(file, damaged);
    const repo = new RemoteRepository(new RegistryClient(api.host, { plainHttp: true }), 'damaged-large');
    await assert.rejects(copyGraph(src, repo, image), (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'));
    assert.ok(!(await repo.exists(layer)));
    assert.ok(!(await repo.exists(image)));
    const dst = await newLayout();
    await assert.rejects(copyGraph(src, dst, image), (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'));
    assert.ok(!existsSync(join(dst.location, 'blobs', 'sha256', layer.digest.slice(7))));
    assert.ok(!(await dst.exists(image)));
  });
});

