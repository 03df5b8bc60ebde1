// The copy figures of issue #4: a generated multi-arch image (2 platforms x 3 layers x 64 MiB of random
// data) copied from a layout to a fresh local registry by `manifold cp` and by `skopeo copy --all`, each
// into its own fresh registry (skopeo mounts blobs it remembers pushing), then copied again by Manifold
// when every blob exists (best of three per registry). Run alone: `npm run build && tsx bench/copy.ts`; `benchCopy` for the harness.
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Descriptor } from '../src/oci/descriptor';
import { digestOf } from '../src/oci/digest';
import { encodeIndex, encodeManifest } from '../src/oci/encoding/goJson';
import { OciLayoutStore } from '../src/oci/layout';
import { MediaType } from '../src/oci/mediaType';
import { launchRegistry } from '../test/integration/support/registryLauncher';
import type { Measured } from './measure';

const CLI = resolve(__dirname, '../dist/cli.js');
const MiB = 1 << 20;

export interface CopyBenchRow {
  what: string;
  figure: string;
  target: string;
  ok: boolean;
}

/** Writes a layout of `platforms` images of `layers` random layers of `layerSize` bytes, tagged v1. */
export async function generateImage(dir: string, platforms: string[], layers: number, layerSize: number): Promise<void> {
  const store = await OciLayoutStore.open(dir, { create: true });
  const chunk = Buffer.alloc(4 * MiB);
  const children: Descriptor[] = [];
  for (const platform of platforms) {
    const [os, architecture] = platform.split('/') as [string, string];
    const layerDescs: Descriptor[] = [];
    for (let i = 0; i < layers; i++) {
      // Written straight into blobs/ (hashed while written, renamed to its digest): the generator, not what is measured.
      const tmp = join(dir, `gen-${i}.tmp`);
      const fd = openSync(tmp, 'w');
      const hash = createHash('sha256');
      for (let written = 0; written < layerSize; written += chunk.length) {
        randomFillSync(chunk);
        hash.update(chunk);
        writeSync(fd, chunk);
      }
      closeSync(fd);
      const digest = `sha256:${hash.digest('hex')}`;
      mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
      renameSync(tmp, join(dir, 'blobs', 'sha256', digest.slice(7)));
      layerDescs.push({ mediaType: MediaType.ImageLayerGzip, digest, size: layerSize });
    }
    const config = Buffer.from(JSON.stringify({ architecture, os, rootfs: { type: 'layers', diff_ids: layerDescs.map((l) => l.digest) } }));
    const configDesc = { mediaType: MediaType.ImageConfig, digest: digestOf(config), size: config.length };
    await store.push(configDesc, config);
    const manifest = encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: configDesc, layers: layerDescs });
    const desc = { mediaType: MediaType.ImageManifest, digest: digestOf(manifest), size: manifest.length };
    await store.push(desc, manifest);
    children.push({ ...desc, platform: { architecture, os } });
  }
  const index = encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: children });
  const indexDesc = { mediaType: MediaType.ImageIndex, digest: digestOf(index), size: index.length };
  await store.push(indexDesc, index);
  await store.tag(indexDesc, 'v1');
}

interface Timed extends Measured {
  /** User + system CPU seconds: steadier than wall time on a busy machine. */
  cpu: number;
}

/** Wall time, CPU time and peak RSS (from GNU time) of a command. */
export function measureCommand(cmd: string, args: string[]): Timed {
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [kb, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs: (user + sys) * 1000, maxRssMb: kb / 1024, stdout: r.stdout, cpu: user + sys };
}

export async function benchCopy(work: string, runs = 2): Promise<CopyBenchRow[]> {
  const layout = join(work, 'copy-layout');
  const t0 = Date.now();
  await generateImage(layout, ['linux/amd64', 'linux/arm64'], 3, 64 * MiB);
  process.stdout.write(`generated a 2 x 3 x 64 MiB image in ${Date.now() - t0} ms\n`);
  let manifold: Timed | undefined;
  let skopeo: Timed | undefined;
  let again: Timed | undefined;
  const cp = (host: string) => measureCommand(process.execPath, [CLI, 'cp', '--from-oci-layout', `${layout}:v1`, `${host}/bench:v1`, '--plain-http']);
  for (let i = 0; i < runs; i++) {
    const a = await launchRegistry();
    try {
      const m = cp(a.host);
      if (!manifold || m.ms < manifold.ms) manifold = m;
      // A no-op copy takes a fraction of a second: the best of a few says more than one on a busy machine.
      for (let j = 0; j < 3; j++) {
        const e = cp(a.host);
        if (!again || e.ms < again.ms) again = e;
      }
    } finally {
      await a.stop();
    }
    const b = await launchRegistry();
    try {
      const s = measureCommand('skopeo', ['copy', '--all', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${b.host}/bench:v1`]);
      if (!skopeo || s.ms < skopeo.ms) skopeo = s;
    } finally {
      await b.stop();
    }
  }
  const ratio = manifold!.ms / skopeo!.ms;
  return [
    { what: 'cp layout -> registry, 2 x 3 x 64 MiB', figure: `${manifold!.ms.toFixed(0)} ms (${manifold!.cpu.toFixed(2)} s CPU), ${manifold!.maxRssMb.toFixed(0)} MB; skopeo ${skopeo!.ms.toFixed(0)} ms (${skopeo!.cpu.toFixed(2)} s CPU), ${skopeo!.maxRssMb.toFixed(0)} MB (ratio ${ratio.toFixed(2)})`, target: '<= 0.7 of skopeo, < 70 MB', ok: ratio <= 0.7 && manifold!.maxRssMb < 70 },
    { what: 'cp again, every blob there', figure: `${again!.ms.toFixed(0)} ms (${again!.cpu.toFixed(2)} s CPU), ${again!.maxRssMb.toFixed(0)} MB`, target: '< 300 ms', ok: again!.ms < 300 },
  ];
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-copy-'));
  benchCopy(work)
    .then((rows) => {
      for (const r of rows) process.stdout.write(`${r.what}: ${r.figure} (target ${r.target}) ${r.ok ? 'met' : 'MISSED'}\n`);
    })
    .finally(() => rmSync(work, { recursive: true, force: true }));
}
