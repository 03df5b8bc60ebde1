// A registry some way off: the commands that walk a multi-arch image make many round trips, and overlap them.
// The in-repo OCI server holds every request 30 ms (a registry in another region); a 50-platform index with an
// SBOM on each platform. Each command's wall time is printed beside what its requests cost one after another (as
// oras makes them): requests x 30 ms. Standalone: `npm run build && npx tsx bench/latency.ts`.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createIndex } from '../src/oci/imageIndex';
import { RegistryClient, RemoteRepository } from '../src/oci/registry';
import { startOciServer } from '../test/integration/support/ociServer';
import { makeArtifact, makeImage, makeIndex } from '../test/unit/builders';

const CLI = resolve(__dirname, '../dist/cli.js');
const LATENCY_MS = 30;
const PLATFORMS = 50;

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

export async function benchLatency(row: Row): Promise<void> {
  let held = false;
  const server = await startOciServer({ hold: () => (held ? new Promise<void>((r) => setTimeout(r, LATENCY_MS)) : undefined) });
  try {
    const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
    const images = [];
    for (let i = 0; i < PLATFORMS; i++) images.push(await makeImage(repo, { arch: `arch${i}` }));
    await repo.tag(await makeIndex(repo, images), 'multi');
    for (const image of images) await makeArtifact(repo, { subject: image, artifactType: 'application/spdx+json' });
    // A second release: the same platforms but the last, for the diff.
    await createIndex(repo, { sources: images.slice(0, -1).map((i) => i.digest), tags: ['older'] });
    held = true;
    const count = () => server.requests.length;
    const ref = (tag: string) => `${server.host}/app:${tag}`;
    const measured: Array<[string, string[]]> = [
      [`manifest index create, ${PLATFORMS} sources by digest`, ['manifest', 'index', 'create', '--plain-http', ref('made'), ...images.map((i) => i.digest)]],
      [`discover --recursive, ${PLATFORMS} platforms with an SBOM each`, ['discover', '--plain-http', '--recursive', ref('multi')]],
      [`manifest index diff of two ${PLATFORMS}-platform indexes`, ['manifest', 'index', 'diff', '--plain-http', ref('older'), ref('multi')]],
    ];
    for (const [what, args] of measured) {
      let best: { ms: number; requests: number } | undefined;
      for (let i = 0; i < 3; i++) {
        const run = await timedCli(args, count);
        if (!best || run.ms < best.ms) best = run;
      }
      const serial = best!.requests * LATENCY_MS;
      row(`${what}, registry ${LATENCY_MS} ms a request`, `${best!.ms.toFixed(0)} ms for ${best!.requests} requests; one after another at least ${serial} ms (ratio ${(best!.ms / serial).toFixed(2)})`, '<= 1/3 of one after another', best!.ms <= serial / 3);
    }
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  benchLatency((what, figure, target, ok) => process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
