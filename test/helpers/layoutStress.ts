/**
 * Many `manifold attach --recursive` and `manifold tag` processes on one layout at once, each started
 * after a small random delay, then a check that nothing any of them reported is missing: every tag it
 * printed and every artifact it listed is in index.json exactly once, and every blob hashes to its name.
 * Used by the concurrency test and by bench/lockSoak.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseIndexJson, TEMP_DIR } from '../../src/oci/layout';

const root = resolve(__dirname, '../..');
let built = false;

/** dist/cli.js, built from the current sources once per process (esbuild takes well under a second); $MANIFOLD_CLI instead, if set. */
export function builtCli(): string {
  if (process.env.MANIFOLD_CLI) return process.env.MANIFOLD_CLI;
  if (!built) execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  built = true;
  return join(root, 'dist/cli.js');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in its own process (as user `uid`, if given). */
export function runCliProcess(cli: string, args: string[], delayMs = 0, uid?: number): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    setTimeout(() => {
      const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(uid === undefined ? {} : { uid, gid: uid }) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolveRun({ code, stdout, stderr }));
    }, delayMs);
  });
}

export interface StressOptions {
  attachers: number;
  taggers: number;
  /** Each process starts after a random delay up to this. */
  maxDelayMs: number;
  /** Other CLI invocations (e.g. prune) started among them the same way; each must exit 0. */
  alongside?: string[][];
}

/**
 * One round on `dir`, whose tag `subject` names a multi-arch index. Returns what went wrong, empty when
 * nothing did: a process that failed, or anything one reported that index.json does not list exactly once.
 */
export async function stressRound(cli: string, dir: string, subject: string, round: number, o: StressOptions): Promise<string[]> {
  const delay = () => Math.floor(Math.random() * o.maxDelayMs);
  const attaches = Array.from({ length: o.attachers }, (_, i) =>
    // A distinct artifact type per process, so no two make the same artifact.
    runCliProcess(cli, ['attach', '--recursive', '--oci-layout', `${dir}:${subject}`, '--artifact-type', `application/vnd.stress.r${round}.a${i}`, '--annotation', `round=${round}`, '--format', 'json'], delay()),
  );
  const tags = Array.from({ length: o.taggers }, (_, i) => runCliProcess(cli, ['tag', '--oci-layout', `${dir}:${subject}`, `r${round}-t${i}`], delay()));
  const others = (o.alongside ?? []).map((args) => runCliProcess(cli, args, delay()));
  const [attached, tagged, ran] = await Promise.all([Promise.all(attaches), Promise.all(tags), Promise.all(others)]);

  const problems: string[] = [];
  ran.forEach((r, i) => {
    if (r.code !== 0) problems.push(`${o.alongside![i]!.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  });
  const index = parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json');
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  for (const d of index.manifests) {
    const name = d.annotations?.['org.opencontainers.image.ref.name'];
    if (name) names.set(name, (names.get(name) ?? 0) + 1);
    else digests.set(d.digest, (digests.get(d.digest) ?? 0) + 1);
  }
  tagged.forEach((r, i) => {
    const name = `r${round}-t${i}`;
    if (r.code !== 0) problems.push(`tag ${name} exited ${r.code}: ${r.stderr.trim()}`);
    else if (!r.stdout.includes(`Tagged ${name}\n`)) problems.push(`tag ${name} did not report the tag: ${r.stdout}`);
    else if (names.get(name) !== 1) problems.push(`tag ${name}: listed ${names.get(name) ?? 0} times in index.json`);
  });
  attached.forEach((r, i) => {
    if (r.code !== 0) return problems.push(`attach ${i} exited ${r.code}: ${r.stderr.trim()}`);
    const artifacts = (JSON.parse(r.stdout) as { artifacts: { digest: string }[] }).artifacts;
    if (artifacts.length === 0) problems.push(`attach ${i} reported no artifacts`);
    const missing = artifacts.filter((a) => digests.get(a.digest) !== 1).map((a) => `${a.digest} (${digests.get(a.digest) ?? 0}x)`);
    if (missing.length > 0) problems.push(`attach ${i}: ${missing.length} of ${artifacts.length} artifacts not listed once: ${missing.join(', ')}`);
  });
  problems.push(...corruptBlobs(dir));
  const leftovers = readdirSync(dir).filter((n) => n.startsWith('index.json.'));
  if (leftovers.length > 0) problems.push(`left behind: ${leftovers.join(', ')}`);
  // Each writer removes the temp folder once it is empty: after the last, none is left, empty or not.
  if (existsSync(join(dir, TEMP_DIR))) problems.push(`left: ${TEMP_DIR} (${readdirSync(join(dir, TEMP_DIR)).join(', ') || 'empty'})`);
  return problems;
}

/** Blobs whose sha256 is not their name. */
export function corruptBlobs(dir: string): string[] {
  const blobs = join(dir, 'blobs', 'sha256');
  return readdirSync(blobs)
    .filter((hex) => createHash('sha256').update(readFileSync(join(blobs, hex))).digest('hex') !== hex)
    .map((hex) => `blob sha256:${hex} does not match its content`);
}
