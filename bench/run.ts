// `npm run bench`: the speed and memory figures the issues set targets for, each beside its floor,
// measured in the same run. Prints a table and writes bench/RESULTS.md.
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateLayout, settle } from './generateLayout';
import { best, measureCommand, measureNode } from './measure';
import { benchCopy } from './copy';
import { benchDryRun } from './dryRun';
import { benchLifecycle } from './lifecycle';
import { benchReferrers } from './referrers';
import { benchScale } from './scale';
import { benchArtifacts } from './artifacts';
import { benchCoverage } from './coverage';
import { benchLatency } from './latency';
import { benchVerify } from './verify';

const CLI = resolve(__dirname, '../dist/cli.js');
const TSX = ['--import', 'tsx'];
const rows: Array<[string, string, string, string]> = [];
const row = (what: string, figure: string, target: string, ok: boolean) => {
  rows.push([what, figure, target, ok ? 'met' : 'MISSED']);
  process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`);
};

function benchTags(work: string): void {
  const t0 = Date.now();
  const layout = generateLayout(join(work, 'tags'), 1000, 8);
  process.stdout.write(`generated a layout of ${layout.tags} tags in ${Date.now() - t0} ms\n`);
  settle();
  const dir = layout.dir;
  const floor = best(3, () => measureNode([join(__dirname, 'floorTags.cjs'), dir]));
  const tags = best(3, () => measureNode([CLI, 'repo', 'tags', '--oci-layout', dir]));
  const lines = tags.stdout.trimEnd().split('\n').length - 1;
  if (lines !== layout.tags) throw new Error(`repo tags listed ${lines} tags, expected ${layout.tags}`);
  row(`repo tags, ${layout.tags} tags`, `${tags.ms.toFixed(0)} ms (${tags.cpuMs.toFixed(0)} ms CPU), ${tags.maxRssMb.toFixed(0)} MB; floor ${floor.ms.toFixed(0)} ms (${floor.cpuMs.toFixed(0)} ms CPU); ratio ${(tags.ms / floor.ms).toFixed(2)} (CPU ${(tags.cpuMs / floor.cpuMs).toFixed(2)})`, '< 1500 ms, < 250 MB', tags.ms < 1500 && tags.maxRssMb < 250);

  const sources = layout.imageTags.slice(0, 100);
  // Each run creates the index anew: the layout as generated, without the index blob a previous run stored
  // (a second create of the same index would find it stored and tagged, and write nothing).
  const indexJson = readFileSync(join(dir, 'index.json'));
  let created = '';
  const create = best(3, () => {
    writeFileSync(join(dir, 'index.json'), indexJson);
    if (created) rmSync(join(dir, 'blobs', 'sha256', created.slice('sha256:'.length)), { force: true });
    const m = measureNode([CLI, 'manifest', 'index', 'create', '--oci-layout', `${dir}:bench-index`, ...sources]);
    created = /Digest: (sha256:[0-9a-f]{64})/.exec(m.stdout)?.[1] ?? '';
    return m;
  });
  row('index create, 100 sources, in that layout', `${create.ms.toFixed(0)} ms (${create.cpuMs.toFixed(0)} ms CPU), ${create.maxRssMb.toFixed(0)} MB`, '< 300 ms', create.ms < 300);
  let n = 100;
  const update = best(3, () => measureNode([CLI, 'manifest', 'index', 'update', '--oci-layout', `${dir}:bench-index`, '--add', layout.imageTags[n++]!]));
  row('index update --add, in that layout', `${update.ms.toFixed(0)} ms (${update.cpuMs.toFixed(0)} ms CPU), ${update.maxRssMb.toFixed(0)} MB`, '< 300 ms', update.ms < 300);
  const startup = best(3, () => measureNode([CLI, '--version']));
  process.stdout.write(`(node start-up and CLI load alone: ${startup.ms.toFixed(0)} ms, ${startup.cpuMs.toFixed(0)} ms CPU)\n`);
}

function benchIngest(work: string): void {
  const size = 1 << 30;
  const file = join(work, 'big.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 << 20);
  const hash = createHash('sha256');
  for (let written = 0; written < size; written += chunk.length) {
    randomFillSync(chunk);
    hash.update(chunk);
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const digest = `sha256:${hash.digest('hex')}`;
  const ingestFile = join(__dirname, 'ingestOne.ts');
  const runs = 3;
  let floorMs = Infinity;
  let storeMs = Infinity;
  let cpMs = Infinity;
  let storeRss = 0;
  for (let i = 0; i < runs; i++) {
    // Alternate the two so page-cache state favours neither.
    const out = join(work, `floor-${i}.bin`);
    const f = measureNode([...TSX, ingestFile, 'floor', file, out]);
    floorMs = Math.min(floorMs, Number(f.stdout));
    rmSync(out, { force: true });
    const layout = join(work, `ingest-${i}`);
    const s = measureNode([...TSX, ingestFile, 'store', file, layout, digest, String(size)]);
    storeMs = Math.min(storeMs, Number(s.stdout));
    storeRss = Math.max(storeRss, s.maxRssMb);
    rmSync(layout, { recursive: true, force: true });
    const cpOut = join(work, `cp-${i}.bin`);
    cpMs = Math.min(cpMs, measureCommand('cp', [file, cpOut]));
    rmSync(cpOut, { force: true });
  }
  row('store a 1 GiB blob (hash, verify, write, fsync, rename)', `${storeMs.toFixed(0)} ms, ${storeRss.toFixed(0)} MB peak; one-pass floor ${floorMs.toFixed(0)} ms (ratio ${(storeMs / floorMs).toFixed(2)}); cp ${cpMs.toFixed(0)} ms`, '<= 1.1x the floor, flat memory', storeMs <= floorMs * 1.1 && storeRss < 150);
  rmSync(file, { force: true });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-'));
  try {
    // `npm run bench -- tags` runs one part; the default is all of them.
    const only = process.argv.slice(2);
    if (only.length === 0 || only.includes('tags')) benchTags(work);
    if (only.length === 0 || only.includes('referrers')) benchReferrers(work, row);
    if (only.length === 0 || only.includes('coverage')) await benchCoverage(work, row);
    if (only.length === 0 || only.includes('verify')) await benchVerify(work, row);
    if (only.length === 0 || only.includes('ingest')) benchIngest(work);
    if (only.length === 0 || only.includes('artifacts')) await benchArtifacts(work, row);
    if (only.length === 0 || only.includes('copy')) for (const r of await benchCopy(work)) row(r.what, r.figure, r.target, r.ok);
    if (only.length === 0 || only.includes('scale')) await benchScale(work, row);
    if (only.length === 0 || only.includes('dry-run')) for (const r of await benchDryRun(work)) row(r.what, r.figure, r.target, r.ok);
    if (only.length === 0 || only.includes('latency')) await benchLatency(row);
    if (only.length === 0 || only.includes('lifecycle')) for (const r of await benchLifecycle(work)) row(r.what, r.figure, r.target, r.ok);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const table = ['| what | figure | target | |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU';
  if (process.argv.length > 2) return; // a partial run does not replace the committed results
  writeFileSync(resolve(__dirname, 'RESULTS.md'), `# Benchmark results\n\n\`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu}.\n\n${table}\n`);
  process.stdout.write(`\n${table}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
