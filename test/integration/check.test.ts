import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { tempDir } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';
import { useLaunchedRegistry } from './support';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface CheckJson {
  errors: number;
  warnings: number;
  checked: { indexes: number; manifests: number; configs: number; layers: number; referrers: number; bytes: number };
  problems: Array<{ where: string; path: string; code: string; message: string }>;
  uncompared: Record<string, number>;
}

async function checkJson(...args: string[]): Promise<{ code: number; json: CheckJson }> {
  const r = await runCli('check', ...args, '--format', 'json');
  assert.equal(r.stderr, '');
  return { code: r.code, json: JSON.parse(r.stdout) as CheckJson };
}

describe('manifold check on what peers build and registries serve', function () {
  this.timeout(180_000);
  let tmp: { dir: string; cleanup(): void };
  before(() => {
    tmp = tempDir();
  });
  after(() => tmp.cleanup());

  it('passes images buildah and umoci build: their gzip layers unpack to the diff_ids their configs list', async () => {
    // buildah: a scratch image with one file, committed to a layout (gzip layer, diff_id computed by buildah).
    const files = join(tmp.dir, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'hello.txt'), 'hello from buildah\n'.repeat(500));
    const b = (...args: string[]) => run('buildah', ['--root', join(tmp.dir, 'root'), '--runroot', join(tmp.dir, 'run'), '--storage-driver', 'vfs', ...args]).trim();
    const ctr = b('from', 'scratch');
    b('copy', ctr, join(files, 'hello.txt'), '/hello.txt');
    b('commit', '--format', 'oci', ctr, `oci:${join(tmp.dir, 'buildah')}:hello`);
    let r = await checkJson('--oci-layout', `${join(tmp.dir, 'buildah')}:hello`);
    assert.deepEqual(r.json.problems, []);
    assert.equal(r.code, 0);
    assert.deepEqual([r.json.checked.manifests, r.json.checked.configs, r.json.checked.layers], [1, 1, 1]);
    assert.ok(r.json.checked.bytes > 0);

    // umoci: a new image, a file added and repacked (umoci computes the diff_id as it packs).
    const layout = join(tmp.dir, 'umoci');
    run('umoci', ['init', '--layout', layout]);
    run('umoci', ['new', '--image', `${layout}:base`]);
    const bundle = join(tmp.dir, 'bundle');
    run('umoci', ['unpack', '--rootless', '--image', `${layout}:base`, bundle]);
    writeFileSync(join(bundle, 'rootfs', 'hello.txt'), 'hello from umoci\n');
    run('umoci', ['repack', '--image', `${layout}:with-file`, bundle]);
    r = await checkJson('--oci-layout', layout);
    // umoci writes manifests without their mediaType, and its base image has no layer: warnings, not errors.
    assert.equal(r.json.errors, 0);
    assert.equal(r.code, 0);
    assert.deepEqual([...new Set(r.json.problems.map((p) => `${p.where} ${p.path} ${p.code}`))].sort(), ['base layers empty-layers', 'base mediaType missing-media-type', 'with-file mediaType missing-media-type']);
    assert.equal(r.json.checked.layers, 1);
  });

  it("buildah's zstd layers: compared with their diff_ids where zlib has zstd; on Node 20, read and counted as not compared", async () => {
    // Two images pushed with zstd layers: one over 1 MiB (streamed as it is read), one small (unpacked whole).
    const files = join(tmp.dir, 'zstd-files');
    mkdirSync(files);
    writeFileSync(join(files, 'big.bin'), randomBytes(3_000_000)); // zstd cannot shrink it under 1 MiB
    writeFileSync(join(files, 'small.txt'), 'small and zstd\n'.repeat(100));
    const b = (...args: string[]) => run('buildah', ['--root', join(tmp.dir, 'zroot'), '--runroot', join(tmp.dir, 'zrun'), '--storage-driver', 'vfs', ...args]).trim();
    const layout = join(tmp.dir, 'zstd');
    for (const file of ['big.bin', 'small.txt']) {
      const ctr = b('from', 'scratch');
      b('copy', ctr, join(files, file), `/${file}`);
      b('commit', '--format', 'oci', ctr, `zstd-${file}`);
      b('push', '--compression-format', 'zstd', `zstd-${file}`, `oci:${layout}:${file}`);
    }
    const sizes: number[] = [];
    for (const tag of ['big.bin', 'small.txt']) {
      const manifest = JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${layout}:${tag}`)).stdout) as { layers: Array<{ mediaType: string; size: number }> };
      assert.equal(manifest.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
      sizes.push(manifest.layers[0]!.size);
    }
    assert.ok(sizes[0]! > 1 << 20 && sizes[1]! < 1 << 20, `layer sizes ${sizes.join(', ')}`);
    const r = await runCli('check', '--oci-layout', layout, '--format', 'json');
    const json = JSON.parse(r.stdout) as CheckJson;
    assert.deepEqual([r.code, json.problems, json.checked.layers], [0, [], 2]);
    if ((zlib as { createZstdDecompress?: unknown }).createZstdDecompress) {
      assert.deepEqual([json.uncompared, r.stderr], [{}, '']);
    } else {
      // Node 20: each layer's digest verified, its content not unpacked, and the note says so.
      assert.deepEqual(json.uncompared, { zstd: 2 });
      assert.equal(r.stderr, 'Note: the diff_ids of 2 zstd layers were not compared: this Node.js cannot unpack zstd\n');
      assert.equal(json.checked.bytes, sizes[0]! + sizes[1]!);
    }
  });

  describe('on a registry (docker-registry 2.8)', () => {
    const registry = useLaunchedRegistry();

    it('checks what cp pushed, referrers included, and names a blob the registry serves damaged', async () => {
      const layout = join(tmp.dir, 'demo');
      await generateDemoLayout(layout);
      const local = await checkJson('--oci-layout', `${layout}:v1`);
      assert.deepEqual(local.json.problems, []);
      const ref = `${registry.host}/demo:v1`;
      const cp = await runCli('cp', '-r', '--plain-http', '--from-oci-layout', `${layout}:v1`, ref);
      assert.equal(cp.code, 0, cp.stderr);
      const remote = await checkJson('--plain-http', ref);
      assert.deepEqual(remote.json.problems, []);
      // The same graph, found through the registry's referrers tag schema.
      assert.deepEqual(remote.json.checked, local.json.checked);

      // The repository whole (every tag; the referrers' fallback tag last): the same graph, each blob read once.
      const whole = await checkJson('--plain-http', `${registry.host}/demo`);
      assert.deepEqual(whole.json.problems, []);
      // One index more: the fallback tag's own index, which lists the referrers (docker-registry has no referrers API).
      assert.deepEqual(whole.json.checked, { ...local.json.checked, indexes: local.json.checked.indexes + 1 });

      // Damage a layer in the registry's own storage: it serves those bytes under the old digest.
      const index = JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${layout}:v1`)).stdout) as { manifests: Array<{ digest: string; platform: { os: string; architecture: string } }> };
      const arm = index.manifests.find((m) => m.platform.architecture === 'arm64')!;
      const manifest = JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${layout}@${arm.digest}`)).stdout) as { layers: Array<{ digest: string }> };
      const hex = manifest.layers[0]!.digest.slice(7);
      const data = join(registry.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
      const bytes = readFileSync(data);
      bytes[bytes.length - 1] ^= 1;
      writeFileSync(data, bytes);
      const damaged = await checkJson('--plain-http', ref);
      assert.equal(damaged.code, 1);
      assert.deepEqual(damaged.json.problems.map((p) => [p.where, p.path, p.code]), [['v1 > linux/arm64/v8', 'layers[0]', 'blob-unreadable']]);
      assert.match(damaged.json.problems[0]!.message, new RegExp(hex));
      // --fast does not read layers: the registry's HEAD says the blob is there, of its size.
      const fast = await checkJson('--plain-http', ref, '--fast');
      assert.deepEqual(fast.json.problems, []);
    });
  });
});
