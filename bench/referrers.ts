// Referrers at scale: `attach --recursive` on an index of 50 platform images, then `discover --recursive` on it
// with 3 referrers on each manifest, in a layout that also holds 10,000 other tags (issue #5: under 1 s each).
// Runs the built CLI (dist/cli.js) in fresh processes, as a user would. Standalone: `npx tsx bench/referrers.ts`.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Descriptor } from '../src/oci/descriptor';
import { encodeIndex, encodeManifest } from '../src/oci/encoding/goJson';
import { encodeIndexJson, parseIndexJson } from '../src/oci/layout';
import { MediaType } from '../src/oci/mediaType';
import { generateLayout } from './generateLayout';
import { measureNode, type Measured } from './measure';

const CLI = resolve(__dirname, '../dist/cli.js');
const PLATFORMS = 50;
const REFERRERS_EACH = 3;

export type Row = (what: string, figure: string, target: string, ok: boolean) => void;

/** Adds an index of `platforms` images, tagged `tag`, straight to the layout on disk (a fixture, not what is measured). */
export function addWideIndex(dir: string, tag: string, platforms: number): Descriptor {
  const put = (mediaType: string, bytes: Buffer): Descriptor => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  };
  const children: Descriptor[] = [];
  for (let p = 0; p < platforms; p++) {
    const platform = { architecture: `arch${p}`, os: 'linux' };
    const layer = put(MediaType.ImageLayerGzip, Buffer.from(`${tag} layer ${p}`));
    const config = put(MediaType.ImageConfig, Buffer.from(JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: [layer.digest] } })));
    const image = put(MediaType.ImageManifest, encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] }));
    children.push({ ...image, platform });
  }
  const index = put(MediaType.ImageIndex, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: children }));
  const indexFile = join(dir, 'index.json');
  const doc = parseIndexJson(readFileSync(indexFile), indexFile);
  doc.manifests.push({ ...index, annotations: { 'org.opencontainers.image.ref.name': tag } });
  writeFileSync(indexFile, encodeIndexJson(doc));
  return index;
}

export function benchReferrers(work: string, row: Row): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const t0 = Date.now();
  const layout = generateLayout(join(work, 'referrers'), 1000, 8);
  addWideIndex(layout.dir, 'wide', PLATFORMS);
  process.stdout.write(`generated a layout of ${layout.tags} tags and a ${PLATFORMS}-platform index in ${Date.now() - t0} ms\n`);
  const ref = `${layout.dir}:wide`;
  const subjects = PLATFORMS + 1;

  const attachRuns: Measured[] = [];
  for (let i = 0; i < REFERRERS_EACH; i++) {
    const m = measureNode([CLI, 'attach', '--oci-layout', ref, '--artifact-type', `application/vnd.bench.kind${i}`, '--recursive', '--annotation', `bench.run=${i}`, '--format', 'json']);
    const made = (JSON.parse(m.stdout) as { artifacts: unknown[] }).artifacts.length;
    if (made !== subjects) throw new Error(`attach --recursive made ${made} artifacts, expected ${subjects}`);
    attachRuns.push(m);
    process.stdout.write(`  attach --recursive #${i + 1}: ${m.ms.toFixed(0)} ms (${m.cpuMs.toFixed(0)} ms CPU)\n`);
  }
  const attach = attachRuns[0]!;
  const worst = Math.max(...attachRuns.map((m) => m.ms));
  row(
    `attach --recursive, ${PLATFORMS} platforms + index, ${layout.tags} other tags`,
    `${attach.ms.toFixed(0)} ms first (${attach.cpuMs.toFixed(0)} ms CPU), ${worst.toFixed(0)} ms worst of ${REFERRERS_EACH}; ${attach.maxRssMb.toFixed(0)} MB`,
    '< 1000 ms',
    worst < 1000,
  );

  const discover = measureNode([CLI, 'discover', '--oci-layout', ref, '--recursive', '--format', 'json']);
  const tree = JSON.parse(discover.stdout) as { referrers: unknown[]; manifests: { referrers: unknown[] }[] };
  const counts = [tree.referrers.length, ...tree.manifests.map((m) => m.referrers.length)];
  if (counts.length !== subjects || counts.some((n) => n !== REFERRERS_EACH)) {
    throw new Error(`discover --recursive found ${counts.join(',')} referrers, expected ${REFERRERS_EACH} on each of ${subjects}`);
  }
  row(
    `discover --recursive, ${subjects} manifests x ${REFERRERS_EACH} referrers, ${layout.tags} other tags`,
    `${discover.ms.toFixed(0)} ms (${discover.cpuMs.toFixed(0)} ms CPU), ${discover.maxRssMb.toFixed(0)} MB`,
    '< 1000 ms',
    discover.ms < 1000,
  );
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-referrers-'));
  try {
    benchReferrers(work, (what, figure, target, ok) => process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
