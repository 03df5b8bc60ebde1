// A registry some way off: the commands that walk a multi-arch image make many round trips, and overlap them.
// The in-repo OCI server holds every request 30 ms (a registry in another region); a 50-platform index with an
// SBOM on each platform. Each command's wall time, less the CLI's start-up measured in the same run, is set beside
// what its requests cost one after another (as oras makes most of them): requests x 30 ms. The overlap is that
// cost over the time taken. Standalone: `npm run build && npx tsx bench/latency.ts [WORD...]`, the rows whose
// description holds one of the words alone (e.g. `delete`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createIndex } from '../src/oci/imageIndex';
import { RegistryClient, RemoteRepository } from '../src/oci/registry';
import { startOciServer } from '../test/integration/support/ociServer';
import { ANNOTATION_TITLE, type Descriptor } from '../src/oci/descriptor';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../src/oci/mediaType';
import { makeArtifact, makeImage, makeIndex, pushBlob, pushManifest } from '../test/unit/builders';

const CLI = resolve(__dirname, '../dist/cli.js');
const LATENCY_MS = 30;
const PLATFORMS = 50;
const TAGS = 30;

type Row = (what: string, figure: string, target: string, ok: boolean) => void;

/** Runs the CLI without blocking this process (the registry answers from it); wall ms and the requests it made. */
function timedCli(args: string[], requests: () => number): Promise<{ ms: number; requests: number }> {
  const before = requests();
  const t0 = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`manifold ${args.join(' ')} exited ${code}: ${stderr}`));
      done({ ms: Number(process.hrtime.bigint() - t0) / 1e6, requests: requests() - before });
    });
  });
}

/** `only`: run just the rows whose description holds one of these words (all when empty). */
export async function benchLatency(row: Row, only: readonly string[] = []): Promise<void> {
  let held = false;
  const server = await startOciServer({ hold: () => (held ? new Promise<void>((r) => setTimeout(r, LATENCY_MS)) : undefined) });
  try {
    const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
    const images: Descriptor[] = [];
    for (let i = 0; i < PLATFORMS; i++) images.push(await makeImage(repo, { arch: `arch${i}` }));
    await repo.tag(await makeIndex(repo, images), 'multi');
    for (const image of images) await makeArtifact(repo, { subject: image, artifactType: 'application/spdx+json' });
    // A second release: the same platforms but the last, for the diff.
    await createIndex(repo, { sources: images.slice(0, -1).map((i) => i.digest), tags: ['older'] });
    // An artifact of 20 files, for pull.
    const files: Descriptor[] = [];
    for (let i = 0; i < 20; i++) files.push({ ...(await pushBlob(repo, `file ${i}\n`, 'text/plain')), annotations: { [ANNOTATION_TITLE]: `file-${i}.txt` } });
    const empty = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length };
    await repo.push(empty, EMPTY_JSON);
    await repo.tag(await pushManifest(repo, { schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.example.files', config: empty, layers: files }), 'files');
    // For delete: a 50-platform index (its own, so `multi` stays) with as many referrers, a signature on each, made
    // again before each run. On a registry the plan is the index and its referrers (the platforms, and theirs, stay:
    // a registry does not say what else reaches them): 101 manifests, listed, read and deleted.
    const doomed = async () => {
      held = false;
      const index = await makeIndex(repo, images, { annotations: { purpose: 'deleted by the bench' } });
      await repo.tag(index, 'doomed');
      for (let i = 0; i < PLATFORMS; i++) {
        const sbom = await makeArtifact(repo, { subject: index, artifactType: 'application/spdx+json', annotations: { n: String(i) } });
        await makeArtifact(repo, { subject: sbom, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', annotations: { n: String(i) } });
      }
      held = true;
    };
    // For push: 20 files on disk, each run to a repository that holds none of them.
    const sources = mkdtempSync(join(tmpdir(), 'manifold-bench-push-'));
    const pushFiles = Array.from({ length: 20 }, (_, i) => {
      writeFileSync(join(sources, `file-${i}.txt`), `pushed file ${i}\n`);
      return join(sources, `file-${i}.txt`);
    });
    // For backup and restore: 30 tags, each an image with an SBOM; restored each run to a repository that holds none.
    const many = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'many');
    for (let i = 0; i < TAGS; i++) {
      const image = await makeImage(many, { arch: `tag${i}` });
      await many.tag(image, `t${i}`);
      await makeArtifact(many, { subject: image, artifactType: 'application/spdx+json' });
    }
    const freshBackup = async () => rmSync(join(out, 'backup'), { recursive: true, force: true });
    const freshRestore = async () => {
      if (!existsSync(join(out, 'backed-up'))) {
        held = false;
        await timedCli(['backup', '--plain-http', '--include-referrers', '-o', join(out, 'backed-up'), `${server.host}/many`], count);
        held = true;
      }
      const restored = server.repo('restored');
      for (const held of [restored.blobs, restored.manifests, restored.tags]) held.clear();
    };
    const freshRepository = async () => {
      const pushed = server.repo('pushed');
      for (const held of [pushed.blobs, pushed.manifests, pushed.tags]) held.clear();
    };
    held = true;
    const count = () => server.requests.length;
    const ref = (tag: string) => `${server.host}/app:${tag}`;
    const out = mkdtempSync(join(tmpdir(), 'manifold-bench-latency-'));
    // What each command is asked, and the overlap it must reach: 3x, but 1.5x for pull and push, which take three
    // files at a time (as oras), pull after its two requests for the manifest.
    const measured: Array<[string, string[], number?, (() => Promise<void>)?]> = [
      [`manifest index create, ${PLATFORMS} sources by digest`, ['manifest', 'index', 'create', '--plain-http', ref('made'), ...images.map((i) => i.digest)]],
      [`discover --recursive, ${PLATFORMS} platforms with an SBOM each`, ['discover', '--plain-http', '--recursive', ref('multi')]],
      [`manifest index diff of two ${PLATFORMS}-platform indexes`, ['manifest', 'index', 'diff', '--plain-http', ref('older'), ref('multi')]],
      [`coverage of a ${PLATFORMS}-platform index`, ['coverage', '--plain-http', ref('multi')]],
      [`check of a ${PLATFORMS}-platform index`, ['check', '--plain-http', ref('multi')]],
      [`cp -r of a ${PLATFORMS}-platform index into a layout`, ['cp', '-r', '--plain-http', ref('multi'), '--to-oci-layout', `${join(out, 'copy')}:v1`]],
      ['pull of an artifact of 20 files', ['pull', '--plain-http', ref('files'), '-o', join(out, 'pulled')], 1.5],
      // Three files at a time too, as oras; each file asked for (HEAD), then sent: the registry gets it again each run
      // (a fresh repository), so every run sends all 20.
      ['push of 20 files', ['push', '--plain-http', '--disable-path-validation', `${server.host}/pushed:v1`, ...pushFiles], 1.5, freshRepository],
      // Three tags at a time (five for restore), each with its own transfers; the tags set one after another at the end.
      [`backup --include-referrers of ${TAGS} tags, an image with an SBOM each`, ['backup', '--plain-http', '--include-referrers', '-o', join(out, 'backup'), `${server.host}/many`], 2, freshBackup],
      [`restore of those ${TAGS} tags and their SBOMs`, ['restore', '--plain-http', '--input', join(out, 'backed-up'), `${server.host}/restored`], 3, freshRestore],
      [
        `manifest delete --include-referrers of a ${PLATFORMS}-platform index with ${PLATFORMS} referrers, a signature on each`,
        ['manifest', 'delete', '--plain-http', '--include-referrers', '--force', ref('doomed')],
        3,
        doomed,
      ],
    ];
    const best = async (args: string[], prepare?: () => Promise<void>) => {
      let fastest: { ms: number; requests: number } | undefined;
      for (let i = 0; i < 3; i++) {
        for (const made of ['copy', 'pulled']) rmSync(join(out, made), { recursive: true, force: true });
        await prepare?.();
        const run = await timedCli(args, count);
        if (!fastest || run.ms < fastest.ms) fastest = run;
      }
      return fastest!;
    };
    const startup = (await best(['--version'])).ms;
    for (const [what, args, target = 3, prepare] of measured) {
      if (only.length > 0 && !only.some((word) => what.includes(word))) continue;
      const run = await best(args, prepare);
      const serial = run.requests * LATENCY_MS;
      const overlap = serial / Math.max(1, run.ms - startup);
      row(
        `${what}, registry ${LATENCY_MS} ms a request`,
        `${run.ms.toFixed(0)} ms for ${run.requests} requests (CLI start-up ${startup.toFixed(0)} ms); one after another ${serial} ms: overlap ${overlap.toFixed(1)}x`,
        `overlap >= ${target}x`,
        overlap >= target,
      );
    }
    rmSync(out, { recursive: true, force: true });
    rmSync(sources, { recursive: true, force: true });
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  benchLatency((what, figure, target, ok) => process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`), process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
