// Issue 19's workloads at scale, each beside skopeo or a plain-Node floor measured in the same run: many small
// layers to a registry, a 50-platform index pulled and copied layout -> layout, a no-op re-copy, and attach
// --recursive and index create with 1,000 manifests in a 10,000-tag layout. (The 2 x 3 x 64 MiB copy is copy.ts.)
// Runs the built CLI (dist/cli.js) in fresh processes. Alone: `npm run build && tsx bench/scale.ts`.
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Descriptor } from '../src/oci/descriptor';
import { encodeIndex, encodeManifest } from '../src/oci/encoding/goJson';
import { encodeIndexJson, parseIndexJson } from '../src/oci/layout';
import { MediaType } from '../src/oci/mediaType';
import { launchRegistry } from '../test/integration/support/registryLauncher';
import { blobWriter, generateLayout, settle } from './generateLayout';
import type { Measured } from './measure';
import { addWideIndex, type Row } from './referrers';

const CLI = resolve(__dirname, '../dist/cli.js');
const FLOOR = resolve(__dirname, 'floorScale.cjs');
/**
 * Another build of the CLI (a copy of dist/ from before a change) to time beside this one in the same runs, so a
 * before/after comparison sees the same machine load: `MANIFOLD_BASE_CLI=/tmp/before/dist/cli.js tsx bench/scale.ts
 * manifests`. Copy package.json beside that dist/ too (/tmp/before/package.json): Node reads the nearest one when it
 * starts cli.js, and without it the base skips that read (9 million instructions fewer under valgrind, 0.5%).
 */
const BASE_CLI = process.env.MANIFOLD_BASE_CLI;

/**
 * Wall time, CPU and peak RSS of any command (GNU time), as copy.ts measures skopeo. Asynchronous: a registry this
 * process launched writes to a pipe it must keep reading, or the registry stalls once the pipe is full.
 */
function timed(cmd: string, args: string[]): Promise<Measured> {
  const start = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (status !== 0) return reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr}`));
      const [kb, user, sys] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
      resolvePromise({ ms, cpuMs: (user + sys) * 1000, maxRssMb: kb / 1024, stdout });
    });
  });
}

const manifold = (...args: string[]) => timed(process.execPath, [CLI, ...args]);
/** The floor with MANIFOLD_FLOOR_VERIFY=1: it also hashes every blob it reads against its digest. */
const timedVerifying = (args: string[]) => timed('/usr/bin/env', ['MANIFOLD_FLOOR_VERIFY=1', process.execPath, ...args]);
const fig = (m: Measured) => `${m.ms.toFixed(0)} ms (${m.cpuMs.toFixed(0)} ms CPU), ${m.maxRssMb.toFixed(0)} MB`;
/** `; before <figure> (ratio r)` when MANIFOLD_BASE_CLI was timed too. */
const beforeFig = (before: Measured | undefined, floor: Measured) => (before ? `; before (MANIFOLD_BASE_CLI) ${fig(before)} (ratio ${(before.ms / floor.ms).toFixed(2)})` : '');

/** A layout holding one image of `layers` random layers of `size` bytes, tagged v1: written straight to disk. */
function manyLayers(dir: string, layers: number, size: number): void {
  const put = blobWriter(dir);
  const descs: Descriptor[] = [];
  for (let i = 0; i < layers; i++) descs.push(put(MediaType.ImageLayerGzip, randomFillSync(Buffer.alloc(size))));
  const config = put(MediaType.ImageConfig, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: descs.map((d) => d.digest) } })));
  const image = put(MediaType.ImageManifest, encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: descs }));
  writeFileSync(join(dir, 'index.json'), encodeIndexJson({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ ...image, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
}

/** A layout of a `platforms`-platform index (each image one random layer of `layerSize` bytes), tagged v1. */
function wideImage(dir: string, platforms: number, layerSize: number): void {
  const put = blobWriter(dir);
  const children: Descriptor[] = [];
  for (let p = 0; p < platforms; p++) {
    const platform = { architecture: `arch${p}`, os: 'linux' };
    const layer = put(MediaType.ImageLayerGzip, randomFillSync(Buffer.alloc(layerSize)));
    const config = put(MediaType.ImageConfig, Buffer.from(JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
    children.push({ ...put(MediaType.ImageManifest, encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] })), platform });
  }
  const index = put(MediaType.ImageIndex, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: children }));
  writeFileSync(join(dir, 'index.json'), encodeIndexJson({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ ...index, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
}

/** Manifold and skopeo each copy `layout:v1` into a fresh registry, alternating; the best of `runs` each. */
async function toRegistry(layout: string, runs: number): Promise<{ m: Measured; s: Measured }> {
  let m: Measured | undefined;
  let s: Measured | undefined;
  for (let i = 0; i < runs; i++) {
    const a = await launchRegistry();
    try {
      const r = await manifold('cp', '--from-oci-layout', `${layout}:v1`, `${a.host}/bench:v1`, '--plain-http');
      if (!m || r.ms < m.ms) m = r;
    } finally {
      await a.stop();
    }
    const b = await launchRegistry();
    try {
      const r = await timed('skopeo', ['copy', '--all', '--quiet', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${b.host}/bench:v1`]);
      if (!s || r.ms < s.ms) s = r;
    } finally {
      await b.stop();
    }
  }
  return { m: m!, s: s! };
}

async function smallLayers(work: string, row: Row): Promise<void> {
  for (const [layers, target, maxRatio, maxRss] of [
    [500, '<= 0.3x skopeo', 0.3, Infinity],
    [2000, '< 100 MB', Infinity, 100],
  ] as const) {
    const dir = join(work, `layers-${layers}`);
    manyLayers(dir, layers, 4096);
    const { m, s } = await toRegistry(dir, 2);
    const ratio = m.ms / s.ms;
    row(`cp layout -> registry, ${layers} layers of 4 KiB`, `${fig(m)}; skopeo ${fig(s)} (ratio ${ratio.toFixed(2)})`, target, ratio <= maxRatio && m.maxRssMb < maxRss);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function wideCopies(work: string, row: Row): Promise<void> {
  const src = join(work, 'wide');
  wideImage(src, 50, 256 << 10);
  const reg = await launchRegistry();
  try {
    await manifold('cp', '--from-oci-layout', `${src}:v1`, `${reg.host}/wide:v1`, '--plain-http');
    let pull: Measured | undefined;
    let skopeoPull: Measured | undefined;
    let local: Measured | undefined;
    let skopeoLocal: Measured | undefined;
    for (let i = 0; i < 3; i++) {
      const out = [`m${i}`, `s${i}`, `ml${i}`, `sl${i}`].map((n) => join(work, n));
      const p = await manifold('cp', `${reg.host}/wide:v1`, '--to-oci-layout', `${out[0]}:v1`, '--plain-http');
      if (!pull || p.ms < pull.ms) pull = p;
      const sp = await timed('skopeo', ['copy', '--all', '--quiet', '--src-tls-verify=false', `docker://${reg.host}/wide:v1`, `oci:${out[1]}:v1`]);
      if (!skopeoPull || sp.ms < skopeoPull.ms) skopeoPull = sp;
      const l = await manifold('cp', '--from-oci-layout', '--to-oci-layout', `${src}:v1`, `${out[2]}:v1`);
      if (!local || l.ms < local.ms) local = l;
      const sl = await timed('skopeo', ['copy', '--all', '--quiet', `oci:${src}:v1`, `oci:${out[3]}:v1`]);
      if (!skopeoLocal || sl.ms < skopeoLocal.ms) skopeoLocal = sl;
    }
    row('pull registry -> layout, 50-platform index (256 KiB layers)', `${fig(pull!)}; skopeo ${fig(skopeoPull!)} (ratio ${(pull!.ms / skopeoPull!.ms).toFixed(2)})`, '<= 0.9x skopeo', pull!.ms <= 0.9 * skopeoPull!.ms);
    row('cp layout -> layout, 50-platform index', `${fig(local!)}; skopeo ${fig(skopeoLocal!)} (ratio ${(local!.ms / skopeoLocal!.ms).toFixed(2)})`, '<= 0.9x skopeo', local!.ms <= 0.9 * skopeoLocal!.ms);

    // Again into the layouts made above: everything is there, nothing is written.
    let again: Measured | undefined;
    let skopeoAgain: Measured | undefined;
    let startup: Measured | undefined;
    let node: Measured | undefined;
    for (let i = 0; i < 5; i++) {
      const a = await manifold('cp', '--from-oci-layout', '--to-oci-layout', `${src}:v1`, `${join(work, 'ml0')}:v1`);
      if (!again || a.ms < again.ms) again = a;
      const s = await timed('skopeo', ['copy', '--all', '--quiet', `oci:${src}:v1`, `oci:${join(work, 'sl0')}:v1`]);
      if (!skopeoAgain || s.ms < skopeoAgain.ms) skopeoAgain = s;
      const v = await manifold('--version');
      if (!startup || v.ms < startup.ms) startup = v;
      const n = await timed(process.execPath, ['-e', '0']);
      if (!node || n.ms < node.ms) node = n;
    }
    // Node's own start-up is most of this row, and NODE_EXTRA_CA_CERTS adds to it: Node 20 parses that bundle of
    // certificates before any script runs (a system's whole bundle: 0.4 billion instructions, five times the rest
    // of Node's start-up). The row says which it measured.
    const extraCerts = process.env.NODE_EXTRA_CA_CERTS ? `, with NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS} (Node parses it at start-up)` : '';
    row('no-op re-copy layout -> layout, 50-platform index', `${fig(again!)}; skopeo ${fig(skopeoAgain!)}; CLI start-up alone ${fig(startup!)}; Node alone (node -e 0) ${fig(node!)}${extraCerts}`, '< 150 ms', again!.ms < 150);
  } finally {
    await reg.stop();
  }
}

/** The median of each figure over several runs (wall, CPU and peak memory apart): steadier than the best of two. */
function median(runs: Measured[]): Measured {
  const mid = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  };
  return { ms: mid(runs.map((r) => r.ms)), cpuMs: mid(runs.map((r) => r.cpuMs)), maxRssMb: mid(runs.map((r) => r.maxRssMb)), stdout: '' };
}

/** How many times each side of the 1,000-manifest rows runs, alternating: MANIFOLD_BENCH_RUNS, 5 by default. */
const RUNS = Math.max(1, Number(process.env.MANIFOLD_BENCH_RUNS ?? 5) || 5);

/**
 * Manifold (and MANIFOLD_BASE_CLI if set) and the floor, one after the other, RUNS times; medians of each. The
 * floor's fsyncs vary as much as Manifold's from run to run (an earlier best-of-two saw the floor at 403 ms and
 * at 675 ms in the same hour), so one run of each compares two draws of the disk, not two programs. Both are
 * timed the same way (GNU time around a fresh node), and index.json is reset before every run.
 */
async function alternate(
  reset: () => void,
  runs: { cli: (i: number) => Promise<Measured>; base?: (i: number) => Promise<Measured>; floor: (i: number) => Promise<Measured>; verifyingFloor?: (i: number) => Promise<Measured> },
): Promise<{ m: Measured; base?: Measured; floor: Measured; verifying?: Measured }> {
  const m: Measured[] = [];
  const base: Measured[] = [];
  const floor: Measured[] = [];
  const verifying: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    const sides = [async () => m.push(await runs.cli(i))];
    if (runs.base) sides.push(async () => base.push(await runs.base!(i)));
    // This build and the base take turns going first, so that neither always runs right after the floor (whose
    // writes the disk may still be flushing): in a fixed order, two identical builds measured 519 and 471 ms.
    if (i % 2 === 1) sides.reverse();
    for (const side of sides) {
      reset();
      await side();
    }
    reset();
    floor.push(await runs.floor(i));
    if (runs.verifyingFloor) {
      reset();
      verifying.push(await runs.verifyingFloor(i));
    }
  }
  return { m: median(m), base: runs.base ? median(base) : undefined, floor: median(floor), verifying: runs.verifyingFloor ? median(verifying) : undefined };
}

/** `; a floor that verifies digests too <figure> (ratio r)`: what hashing what it reads costs the floor. */
const verifyingFig = (m: Measured, verifying?: Measured) => (verifying ? `; the floor hashing what it reads ${fig(verifying)} (ratio ${(m.ms / verifying.ms).toFixed(2)})` : '');

const ratioFig = (m: Measured, floor: Measured, before?: Measured, verifying?: Measured) =>
  `median of ${RUNS}: ${fig(m)}; floor ${fig(floor)} (ratio ${(m.ms / floor.ms).toFixed(2)}, CPU ratio ${(m.cpuMs / floor.cpuMs).toFixed(2)})${verifyingFig(m, verifying)}${beforeFig(before, floor)}`;

async function thousandManifests(work: string, row: Row): Promise<void> {
  const layout = generateLayout(join(work, 'thousand'), 1000, 8);
  const wide = addWideIndex(layout.dir, 'wide', 1000);
  settle();
  const indexJson = readFileSync(join(layout.dir, 'index.json'));
  const sources = parseIndexJson(readFileSync(join(layout.dir, 'blobs', 'sha256', wide.digest.slice(7))), 'wide').manifests.map((d) => d.digest);
  const reset = () => writeFileSync(join(layout.dir, 'index.json'), indexJson);
  const attachWith = async (cli: string, i: number, kind: string): Promise<Measured> => {
    // A new artifact type each run: new manifests to store and list, as the first attach of a kind.
    const a = await timed(process.execPath, [cli, 'attach', '--oci-layout', `${layout.dir}:wide`, '--artifact-type', `application/vnd.bench.${kind}${i}`, '--recursive', '--annotation', `run=${i}`, '--format', 'json']);
    const made = (JSON.parse(a.stdout) as { artifacts: unknown[] }).artifacts.length;
    if (made !== 1001) throw new Error(`attach --recursive made ${made} artifacts, expected 1001`);
    return a;
  };
  const attach = await alternate(reset, {
    cli: (i) => attachWith(CLI, i, 'scale'),
    base: BASE_CLI ? (i) => attachWith(BASE_CLI, i, 'before') : undefined,
    floor: (i) => timed(process.execPath, [FLOOR, 'attach', layout.dir, wide.digest, `application/vnd.bench.floor${i}`]),
    verifyingFloor: (i) => timedVerifying([FLOOR, 'attach', layout.dir, wide.digest, `application/vnd.bench.verifying${i}`]),
  });
  row(`attach --recursive, 1,000-manifest index, ${layout.tags} other tags`, ratioFig(attach.m, attach.floor, attach.base, attach.verifying), '<= 1.2x the floor', attach.m.ms <= 1.2 * attach.floor.ms);

  // The 1,000 children by digest: sources that need no tag, with their platforms read from their configs.
  const list = join(work, 'sources.txt');
  writeFileSync(list, sources.join('\n'));
  // A new annotation each run, so each run stores a new index blob, as the floor does.
  const createWith = (cli: string, name: string): Promise<Measured> =>
    timed(process.execPath, [cli, 'manifest', 'index', 'create', '--oci-layout', `${layout.dir}:${name}`, '--annotation', `run=${name}`, ...sources]);
  const create = await alternate(reset, {
    cli: (i) => createWith(CLI, `made${i}`),
    base: BASE_CLI ? (i) => createWith(BASE_CLI, `before${i}`) : undefined,
    floor: (i) => timed(process.execPath, [FLOOR, 'create', layout.dir, list, `floor${i}`]),
    verifyingFloor: (i) => timedVerifying([FLOOR, 'create', layout.dir, list, `verifying${i}`]),
  });
  row(`index create, 1,000 sources, ${layout.tags} other tags`, ratioFig(create.m, create.floor, create.base, create.verifying), '<= 1.2x the floor', create.m.ms <= 1.2 * create.floor.ms);
}

/** Every workload of issue 19 but the 2 x 3 x 64 MiB copy (copy.ts); `parts` picks some (`tsx bench/scale.ts manifests`). */
export async function benchScale(work: string, row: Row, parts: string[] = []): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const run = (part: string) => parts.length === 0 || parts.includes(part);
  if (run('manifests')) await thousandManifests(work, row);
  if (run('copies')) await wideCopies(work, row);
  if (run('layers')) await smallLayers(work, row);
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-scale-'));
  benchScale(work, (what, figure, target, ok) => process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`), process.argv.slice(2))
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(() => rmSync(work, { recursive: true, force: true }));
}
