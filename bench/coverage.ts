// Referrer coverage at scale (issue #16): `manifold coverage` of a 50-platform index with 5 referrers on each
// platform (a signature, an SBOM, an in-toto provenance, an end-of-life note, one of no known kind), in a layout
// that also holds 10,000 other tags: under 1 s. Then the same image on a local registry: how many requests the
// coverage walk makes, counted at two numbers of unrelated tags in the repository (it must not grow with them).
// Standalone: `npm run build && npx tsx bench/coverage.ts`.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { copy } from '../src/oci/copy';
import type { Descriptor } from '../src/oci/descriptor';
import { encodeManifest } from '../src/oci/encoding/goJson';
import { encodeIndexJson, OciLayoutStore, parseIndexJson } from '../src/oci/layout';
import { MediaType } from '../src/oci/mediaType';
import { referrerCoverage } from '../src/oci/referrers';
import { RegistryClient, RemoteRepository } from '../src/oci/registry';
import { hasDockerRegistry, launchRegistry } from '../test/integration/support/registryLauncher';
import { generateLayout } from './generateLayout';
import { best, measureNode } from './measure';
import { addWideIndex, type Row } from './referrers';

const CLI = resolve(__dirname, '../dist/cli.js');
const PLATFORMS = 50;
const EOL = 'vnd.microsoft.artifact.lifecycle.end-of-life.date';
/** One referrer of each kind, and one of none. */
const REFERRERS: Array<{ artifactType: string; annotations?: Record<string, string> }> = [
  { artifactType: 'application/vnd.cncf.notary.signature' },
  { artifactType: 'application/spdx+json' },
  { artifactType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' } },
  { artifactType: 'application/vnd.microsoft.artifact.lifecycle', annotations: { [EOL]: '2027-01-01T00:00:00Z' } },
  { artifactType: 'application/vnd.example.readme' },
];

/** Writes REFERRERS onto each platform of `index` straight to disk, listed untagged in index.json as oras keeps them (a fixture, not what is measured). */
function addReferrers(dir: string, index: Descriptor): number {
  const put = (mediaType: string, bytes: Buffer): Descriptor => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  };
  const indexDoc = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', index.digest.slice(7)), 'utf8')) as { manifests: Descriptor[] };
  const empty = put(MediaType.Empty, Buffer.from('{}'));
  const entries: Descriptor[] = [];
  for (const platform of indexDoc.manifests) {
    const subject = { mediaType: platform.mediaType, digest: platform.digest, size: platform.size };
    for (const r of REFERRERS) {
      const layer = put('application/octet-stream', Buffer.from(`${r.artifactType} of ${platform.digest}`));
      const manifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: r.artifactType, config: empty, layers: [{ ...layer, ...(r.annotations ? { annotations: r.annotations } : {}) }], subject, ...(r.annotations ? { annotations: r.annotations } : {}) };
      const desc = put(MediaType.ImageManifest, encodeManifest(manifest as never));
      entries.push({ ...desc, artifactType: r.artifactType });
    }
  }
  const file = join(dir, 'index.json');
  const doc = parseIndexJson(readFileSync(file), file);
  doc.manifests.push(...entries);
  writeFileSync(file, encodeIndexJson(doc));
  return entries.length;
}

/** An undici agent that counts the requests it sends. */
class CountingAgent extends Agent {
  requests = 0;
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.requests++;
    return super.dispatch(options, handler);
  }
}

export async function benchCoverage(work: string, row: Row): Promise<void> {
  const t0 = Date.now();
  const layout = generateLayout(join(work, 'coverage'), 1000, 8);
  const index = addWideIndex(layout.dir, 'wide', PLATFORMS);
  const attached = addReferrers(layout.dir, index);
  process.stdout.write(`generated a layout of ${layout.tags} tags, a ${PLATFORMS}-platform index and ${attached} referrers in ${Date.now() - t0} ms\n`);

  // In the process: a fresh store (index.json read, every manifest walked once for their subjects: what the CLI and
  // the tree's first expansion in a layout pay), then the same store again (the tree's next expansions).
  const check = (report: Awaited<ReturnType<typeof referrerCoverage>>) => {
    const full = report.rows.slice(1).filter((r) => r.counts.signature === 1 && r.counts.sbom === 1 && r.counts.provenance === 1 && r.counts['end-of-life'] === 1 && r.counts.other === 1).length;
    if (report.rows.length !== PLATFORMS + 1 || full !== PLATFORMS) throw new Error(`coverage found ${report.rows.length} rows, ${full} with one referrer of each kind; expected ${PLATFORMS + 1} and ${PLATFORMS}`);
  };
  const timed = async (run: () => Promise<void>): Promise<{ ms: number; cpuMs: number }> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await run();
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  };
  let cold = { ms: Infinity, cpuMs: Infinity };
  let warm = { ms: Infinity, cpuMs: Infinity };
  for (let i = 0; i < 3; i++) {
    const store = await OciLayoutStore.open(layout.dir);
    const c = await timed(async () => check(await referrerCoverage(store, 'wide')));
    const w = await timed(async () => check(await referrerCoverage(store, 'wide')));
    if (c.ms < cold.ms) cold = c;
    if (w.ms < warm.ms) warm = w;
  }
  const fmt = (m: { ms: number; cpuMs: number }) => `${m.ms.toFixed(0)} ms (${m.cpuMs.toFixed(0)} ms CPU)`;
  let figure = `in process: fresh store ${fmt(cold)}, store already open ${fmt(warm)}`;
  let ms = cold.ms;
  if (existsSync(CLI)) {
    const cli = best(3, () => measureNode([CLI, 'coverage', '--oci-layout', `${layout.dir}:wide`, '--format', 'json']));
    const json = JSON.parse(cli.stdout) as { manifests: unknown[] };
    if (json.manifests.length !== PLATFORMS + 1) throw new Error(`manifold coverage listed ${json.manifests.length} manifests`);
    figure += `; manifold coverage ${fmt(cli)}, ${cli.maxRssMb.toFixed(0)} MB`;
    ms = Math.max(ms, cli.ms);
  }
  row(`coverage, ${PLATFORMS} platforms x ${REFERRERS.length} referrers, ${layout.tags} other tags`, figure, '< 1000 ms', ms < 1000);

  if (!hasDockerRegistry()) {
    process.stdout.write('(no docker-registry: the registry request count is skipped)\n');
    return;
  }
  const registry = await launchRegistry();
  try {
    const client = new RegistryClient(registry.host, { plainHttp: true });
    const repo = new RemoteRepository(client, 'bench/coverage');
    await copy(await OciLayoutStore.open(layout.dir), 'wide', repo, ['wide'], { referrers: true });
    const count = async (): Promise<number> => {
      const agent = new CountingAgent();
      const fresh = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true, dispatcher: agent }), 'bench/coverage');
      await referrerCoverage(fresh, 'wide');
      await agent.close();
      return agent.requests;
    };
    const counts: Array<[number, number]> = [];
    // Unrelated tags: one small image tagged many times over.
    const other = await (await OciLayoutStore.open(layout.dir)).resolve(layout.imageTags[0]!);
    await copy(await OciLayoutStore.open(layout.dir), layout.imageTags[0]!, repo, ['other-0']);
    let tagged = 1;
    for (const target of [1, 500]) {
      for (; tagged < target; tagged++) await repo.tag({ mediaType: other.mediaType, digest: other.digest, size: other.size }, `other-${tagged}`);
      counts.push([tagged, await count()]);
    }
    const flat = counts.every(([, n]) => n === counts[0]![1]);
    row(
      `coverage on a registry, ${PLATFORMS} platforms x ${REFERRERS.length} referrers`,
      counts.map(([tags, n]) => `${n} requests with ${tags} unrelated tags in the repository`).join('; '),
      'does not grow with unrelated tags',
      flat,
    );
  } finally {
    await registry.stop();
  }
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-coverage-'));
  benchCoverage(work, (what, figure, target, ok) => process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(() => rmSync(work, { recursive: true, force: true }));
}
