// The dry-run figure of issue 18: `manifold cp --dry-run` of the 2 x 3 x 64 MiB image of bench/copy.ts from a
// layout to a fresh local registry (11 HEADs, the plan printed as JSON), best of five, in its own process.
// Run alone: `node esbuild.mjs && npx tsx bench/dryRun.ts`; `benchDryRun` for the harness.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchRegistry } from '../test/integration/support/registryLauncher';
import { generateImage } from './copy';
import { best, measureNode } from './measure';

const CLI = resolve(__dirname, '../dist/cli.js');
const MiB = 1 << 20;

export async function benchDryRun(work: string): Promise<Array<{ what: string; figure: string; target: string; ok: boolean }>> {
  const layout = join(work, 'dry-run-layout');
  await generateImage(layout, ['linux/amd64', 'linux/arm64'], 3, 64 * MiB);
  const registry = await launchRegistry();
  try {
    const m = best(5, () => measureNode([CLI, 'cp', '--from-oci-layout', `${layout}:v1`, `${registry.host}/bench:v1`, '--plain-http', '--dry-run', '--format', 'json']));
    // The CLI's own start (`cp --help`) in the same run: on a busy machine most of the wall time is that.
    const start = best(5, () => measureNode([CLI, 'cp', '--help']));
    const plan = JSON.parse(m.stdout) as { copy: unknown[]; bytesToCopy: number };
    // The plan is checked, so the figure is of a dry run that saw the whole image.
    const whole = plan.copy.length === 11 && plan.bytesToCopy > 6 * 64 * MiB;
    return [
      {
        what: 'cp --dry-run layout -> registry, 2 x 3 x 64 MiB',
        figure: `${m.ms.toFixed(0)} ms (${(m.cpuMs / 1000).toFixed(2)} s CPU), ${m.maxRssMb.toFixed(0)} MB; plan of ${plan.copy.length} items, ${(plan.bytesToCopy / MiB).toFixed(0)} MiB; \`cp --help\` ${start.ms.toFixed(0)} ms (${(start.cpuMs / 1000).toFixed(2)} s CPU)`,
        target: '< 300 ms',
        ok: whole && m.ms < 300,
      },
    ];
  } finally {
    await registry.stop();
  }
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-dry-run-'));
  benchDryRun(work)
    .then((rows) => {
      for (const r of rows) process.stdout.write(`${r.what}: ${r.figure} (target ${r.target}) ${r.ok ? 'ok' : 'MISSED'}\n`);
    })
    .finally(() => rmSync(work, { recursive: true, force: true }))
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    });
}
