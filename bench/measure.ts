import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface Measured {
  ms: number;
  /** User + system CPU time of the process: steadier than wall time on a busy machine. */
  cpuMs: number;
  maxRssMb: number;
  stdout: string;
}

const MAX_RSS = resolve(__dirname, 'maxRss.cjs');

/** Runs a Node script in a fresh process; its wall time, CPU time and peak RSS (read through fd 3). */
export function measureNode(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Measured {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', MAX_RSS, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString()}`);
  const [rssKb = 0, cpuUs = 0] = (r.output[3]?.toString().trim() ?? '').split(' ').map(Number);
  return { ms, cpuMs: cpuUs / 1000, maxRssMb: rssKb / 1024, stdout: r.stdout.toString() };
}

/** The faster of a best so far (none yet: undefined) and a new run: a best-of kept as runs come. */
export function faster<M extends { ms: number }>(best: M | undefined, run: M): M {
  return !best || run.ms < best.ms ? run : best;
}

/** The best (lowest) wall time of n runs, with the peak memory of that run. */
export function best(n: number, run: () => Measured): Measured {
  let result: Measured | undefined;
  for (let i = 0; i < n; i++) result = faster(result, run());
  return result!;
}

export function measureCommand(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
