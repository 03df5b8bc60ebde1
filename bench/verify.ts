// Verification at scale: a 50-platform index where each platform and the index carry a cosign signature (key), a
// Sigstore bundle (key), a cosign attestation (key) and a Notary signature, as a release check verifies it:
// `verify -r --key --notary-roots`, `verify-attestation -r --key`, `coverage --key --notary-roots`. In a layout that
// also holds 10,000 other tags (the built CLI in fresh processes: wall, CPU, RSS); on a local registry (distribution
// 2.8, no referrers API: the requests each verification makes in the process, counted as bench/coverage.ts counts
// them); and on the in-repo registry holding each request 30 ms (the CLI's wall time against its requests one after
// another, as bench/latency.ts). Standalone: `npm run build && npx tsx bench/verify.ts`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { attestManifest, verifyImageAttestations } from '../src/oci/attestations';
import { copy } from '../src/oci/copy';
import type { Descriptor } from '../src/oci/descriptor';
import { DigestReads } from '../src/oci/digestReads';
import { oneRunReads } from '../src/oci/oneRunReads';
import { OciLayoutStore } from '../src/oci/layout';
import { referrerCoverage, verifiedCoverage } from '../src/oci/referrers';
import { RegistryClient, RemoteRepository } from '../src/oci/registry';
import { loadNotaryRoots, loadNotarySigner, loadPublicKey, type NotaryTrust, signKey, signManifest, signManifestBundle, signManifestNotary, verifyImage, type VerifyKey } from '../src/oci/signatures';
import type { ReadOnlyTarget, Target } from '../src/oci/target';
import { startOciServer } from '../test/integration/support/ociServer';
import { hasDockerRegistry, launchRegistry } from '../test/integration/support/registryLauncher';
import { generateLayout, settle } from './generateLayout';
import { best, measureNode } from './measure';
import { addWideIndex, type Row } from './referrers';

const CLI = resolve(__dirname, '../dist/cli.js');
const PLATFORMS = 50;
const LATENCY_MS = 30;
const MADE = resolve(__dirname, '../test/fixtures/notary-made');
const PROVENANCE = Buffer.from('{"buildType":"https://example.com/bench","builder":{"id":"https://example.com/builder"}}');

interface Keys {
  dir: string;
  pub: string;
  roots: string;
  sign: (target: Target, subject: Descriptor) => Promise<void>;
  verifyKeys: VerifyKey[];
  notary: NotaryTrust;
}

/** cosign.key (in memory) and cosign.pub; the Notary leaf of test/fixtures/notary-made, its chain, its root. */
export function makeKeys(work: string): Keys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = join(work, 'cosign.pub');
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const key = signKey('cosign.key', privateKey);
  const chain = ['leaf', 'intermediate', 'root'].map((n) => readFileSync(join(MADE, `${n}.pem`), 'utf8')).join('');
  const notarySigner = loadNotarySigner('leaf.key.pem', readFileSync(join(MADE, 'leaf.key.pem')), 'chain.pem', Buffer.from(chain));
  const roots = join(MADE, 'root.pem');
  return {
    dir: work,
    pub,
    roots,
    // What a release pipeline leaves on each manifest: cosign sign (the .sig tag), cosign 3's bundle (a referrer),
    // cosign attest (the .att tag), notation sign (a referrer).
    sign: async (target, subject) => {
      await signManifest(target, subject, key, 'registry.example.com/app:v1');
      await signManifestBundle(target, subject, key);
      await attestManifest(target, subject, key, 'slsaprovenance', PROVENANCE, 'registry.example.com/app');
      await signManifestNotary(target, subject, notarySigner);
    },
    verifyKeys: [loadPublicKey('cosign.pub', readFileSync(pub))],
    notary: { roots: loadNotaryRoots('root.pem', readFileSync(roots)), authorityRoots: [], identities: [] },
  };
}

/** The index and its platforms, as signed: the index first. */
async function subjectsOf(target: ReadOnlyTarget, index: Descriptor): Promise<Descriptor[]> {
  const doc = JSON.parse((await target.fetchBytes(index)).toString('utf8')) as { manifests: Descriptor[] };
  return [index, ...doc.manifests.map((m) => ({ mediaType: m.mediaType, digest: m.digest, size: m.size }))];
}

export async function signAll(target: Target, index: Descriptor, keys: Keys): Promise<number> {
  const subjects = await subjectsOf(target, index);
  for (const s of subjects) await keys.sign(target, s);
  return subjects.length;
}

/** What each command must say of the image: every manifest verified, by each way it was signed. */
function checkVerify(stdout: string, subjects: number): void {
  const r = JSON.parse(stdout) as { manifests: Array<{ valid: boolean; signatures: Array<{ valid: boolean }> }> };
  const full = r.manifests.filter((m) => m.valid && m.signatures.length === 3 && m.signatures.every((s) => s.valid)).length;
  if (r.manifests.length !== subjects || full !== subjects) throw new Error(`verify -r: ${r.manifests.length} manifests, ${full} with 3 valid signatures; expected ${subjects}`);
}
function checkAttestations(stdout: string, subjects: number): void {
  const r = JSON.parse(stdout) as { manifests: Array<{ valid: boolean; attestations: Array<{ valid: boolean }> }> };
  const full = r.manifests.filter((m) => m.valid && m.attestations.length === 1 && m.attestations[0]!.valid).length;
  if (r.manifests.length !== subjects || full !== subjects) throw new Error(`verify-attestation -r: ${r.manifests.length} manifests, ${full} with a valid attestation; expected ${subjects}`);
}
function checkCoverage(stdout: string, subjects: number): void {
  const r = JSON.parse(stdout) as { manifests: Array<{ cells?: Record<string, { verified?: { valid: boolean } }> }> };
  const both = r.manifests.filter((m) => m.cells?.signature?.verified?.valid && m.cells?.provenance?.verified?.valid).length;
  if (r.manifests.length !== subjects || both !== subjects) throw new Error(`coverage --key: ${r.manifests.length} manifests, ${both} with signature and provenance verified; expected ${subjects}\n${stdout.slice(0, 2000)}`);
}

type Command = { what: string; args: (ref: string[]) => string[]; check: (stdout: string, subjects: number) => void };

function commands(keys: Keys): Command[] {
  return [
    { what: 'verify -r --key --notary-roots', args: (ref) => ['verify', '-r', '--key', keys.pub, '--notary-roots', keys.roots, '--format', 'json', ...ref], check: checkVerify },
    { what: 'verify-attestation -r --key', args: (ref) => ['verify-attestation', '-r', '--key', keys.pub, '--format', 'json', ...ref], check: checkAttestations },
    { what: 'coverage --key --notary-roots', args: (ref) => ['coverage', '--key', keys.pub, '--notary-roots', keys.roots, '--format', 'json', ...ref], check: checkCoverage },
  ];
}

/** An undici agent that counts the requests it sends. */
class CountingAgent extends Agent {
  requests = 0;
  /** Requests by method and path, digests and query left out: what kinds of read a walk makes. */
  readonly kinds = new Map<string, number>();
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.requests++;
    const kind = `${options.method} ${options.path.replace(/sha256[:-][0-9a-f]{64}/g, '<digest>').replace(/\?.*/, '')}`;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    return super.dispatch(options, handler);
  }
}

/** The three verifications in the process, as the CLI composes them (coverage: one DigestReads and oneRunReads under all three walks). */
const inProcess: Array<[string, (t: ReadOnlyTarget, keys: Keys) => Promise<void>]> = [
  ['verify -r --key --notary-roots', async (t, k) => void (await verifyImage(t, 'wide', k.verifyKeys, { recursive: true, notary: k.notary }))],
  ['verify-attestation -r --key', async (t, k) => void (await verifyImageAttestations(t, 'wide', k.verifyKeys, { recursive: true }))],
  [
    'coverage --key --notary-roots',
    async (t, k) => {
      const target = new DigestReads().over(oneRunReads(t));
      const report = await referrerCoverage(target, 'wide');
      const [signatures, attestations] = await Promise.all([
        verifyImage(target, 'wide', k.verifyKeys, { recursive: true, notary: k.notary }),
        verifyImageAttestations(target, 'wide', k.verifyKeys, { recursive: true }),
      ]);
      verifiedCoverage(report, { signatures, attestations });
    },
  ],
];

/** Runs the CLI without blocking this process (the registry answers from it); wall ms and stdout. */
function spawnCli(args: string[]): Promise<{ ms: number; stdout: string }> {
  const t0 = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`manifold ${args.join(' ')} exited ${code}: ${stderr}`));
      done({ ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout });
    });
  });
}

export async function benchVerify(work: string, row: Row, only: readonly string[] = []): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const want = (part: string) => only.length === 0 || only.includes(part);
  const keys = makeKeys(work);
  const cmds = commands(keys);
  const subjects = PLATFORMS + 1;

  if (want('layout')) {
    const t0 = Date.now();
    const layout = generateLayout(join(work, 'verify'), 1000, 8);
    const small = join(work, 'verify-signed');
    // Signed in a layout of its own (each signature rewrites index.json), then its entries added to the big one.
    await OciLayoutStore.open(small, { create: true });
    const index = addWideIndex(small, 'wide', PLATFORMS);
    await signAll(await OciLayoutStore.open(small), index, keys);
    const entries = JSON.parse(readFileSync(join(small, 'index.json'), 'utf8')) as { manifests: unknown[] };
    const bigIndex = JSON.parse(readFileSync(join(layout.dir, 'index.json'), 'utf8')) as { manifests: unknown[] };
    bigIndex.manifests.push(...entries.manifests);
    writeFileSync(join(layout.dir, 'index.json'), JSON.stringify(bigIndex));
    await copyBlobs(small, layout.dir);
    process.stdout.write(`generated a layout of ${layout.tags} tags and a signed ${PLATFORMS}-platform index in ${Date.now() - t0} ms\n`);
    settle();
    for (const c of cmds) {
      const m = best(3, () => measureNode([CLI, ...c.args(['--oci-layout', `${layout.dir}:wide`])]));
      c.check(m.stdout, subjects);
      row(
        `${c.what}, ${PLATFORMS} platforms + index (4 signatures each), ${layout.tags} other tags`,
        `${m.ms.toFixed(0)} ms (${m.cpuMs.toFixed(0)} ms CPU), ${m.maxRssMb.toFixed(0)} MB`,
        '< 1000 ms, < 150 MB',
        m.ms < 1000 && m.maxRssMb < 150,
      );
    }
  }

  if (want('registry') && hasDockerRegistry()) {
    const registry = await launchRegistry();
    try {
      const client = new RegistryClient(registry.host, { plainHttp: true });
      const repo = new RemoteRepository(client, 'bench/verify');
      const small = join(work, 'verify-registry');
      const index = addWideIndex((await OciLayoutStore.open(small, { create: true })).location, 'wide', PLATFORMS);
      await copy(await OciLayoutStore.open(small), 'wide', repo, ['wide']);
      await signAll(repo, index, keys);
      for (const [what, run] of inProcess) {
        const agent = new CountingAgent();
        const fresh = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true, dispatcher: agent }), 'bench/verify');
        await run(fresh, keys);
        await agent.close();
        process.stdout.write(`  ${what}: ${[...agent.kinds].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
        const { bound, text } = requestBound(what, 4);
        row(`${what} on a registry (distribution 2.8, no referrers API), ${PLATFORMS} platforms + index (4 signatures each)`, `${agent.requests} requests`, text, agent.requests <= bound);
      }
    } finally {
      await registry.stop();
    }
  } else if (want('registry')) process.stdout.write('(no docker-registry: the registry request counts are skipped)\n');

  if (want('latency')) {
    let held = false;
    const server = await startOciServer({ hold: () => (held ? new Promise<void>((r) => setTimeout(r, LATENCY_MS)) : undefined) });
    try {
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const small = join(work, 'verify-latency');
      const index = addWideIndex((await OciLayoutStore.open(small, { create: true })).location, 'wide', PLATFORMS);
      await copy(await OciLayoutStore.open(small), 'wide', repo, ['wide']);
      await signAll(repo, index, keys);
      held = true;
      const startup = Math.min(...(await sequential(3, async () => (await spawnCli(['--version'])).ms)));
      for (const c of cmds) {
        let fastest: { ms: number; requests: number } | undefined;
        for (let i = 0; i < 3; i++) {
          const before = server.requests.length;
          const run = await spawnCli(c.args(['--plain-http', `${server.host}/app:wide`]));
          c.check(run.stdout, subjects);
          const r = { ms: run.ms, requests: server.requests.length - before };
          if (!fastest || r.ms < fastest.ms) fastest = r;
        }
        const serial = fastest!.requests * LATENCY_MS;
        const overlap = serial / Math.max(1, fastest!.ms - startup);
        const { bound, text } = requestBound(c.what, 0);
        row(
          `${c.what}, ${PLATFORMS} platforms + index (4 signatures each), registry ${LATENCY_MS} ms a request`,
          `${fastest!.ms.toFixed(0)} ms for ${fastest!.requests} requests (CLI start-up ${startup.toFixed(0)} ms); one after another ${serial} ms: overlap ${overlap.toFixed(1)}x`,
          `overlap >= 3x; ${text}`,
          overlap >= 3 && fastest!.requests <= bound,
        );
      }
    } finally {
      await server.stop();
    }
  }
}

async function sequential<T>(n: number, run: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await run());
  return out;
}

/** Each blob of `from` not yet in `to`, copied (the signed index's documents into the big layout). */
async function copyBlobs(from: string, to: string): Promise<void> {
  const { readdirSync, copyFileSync } = await import('node:fs');
  for (const name of readdirSync(join(from, 'blobs', 'sha256'))) {
    const dest = join(to, 'blobs', 'sha256', name);
    if (!existsSync(dest)) copyFileSync(join(from, 'blobs', 'sha256', name), dest);
  }
}

/**
 * The requests each document read once makes, for S manifests (the index and its platforms): the reference
 * resolved, the index read, the tags listed once (cosign's tags: by name for the first 4 manifests, then listed),
 * and per manifest its referrers listed, its cosign tag(s) resolved and each signature or attestation manifest
 * found read with its one blob. verify: the .sig tag and 3 manifests (the .sig, the bundle, the Notary signature):
 * 2 + 2 x 3. verify-attestation: the .att tag and the .att manifest (the bundle's listing says it is a signature:
 * not read), 2 + 2 x 1.
 * coverage --key: .sig and .att tags and all 4 manifests, 3 + 2 x 4, and `.sbom` asked by name for the first 4.
 * On distribution 2.8, `probes`: the referrers API asked by the first 4 manifests at once before the client knows
 * it is missing (each listing is then the fallback tag's read).
 */
const REQUESTS: Record<string, { perManifest: number; extra: number; formula: string }> = {
  'verify -r --key --notary-roots': { perManifest: 8, extra: 0, formula: '3 + 8 x S' },
  'verify-attestation -r --key': { perManifest: 4, extra: 0, formula: '3 + 4 x S' },
  'coverage --key --notary-roots': { perManifest: 11, extra: 4, formula: '7 + 11 x S' },
};
function requestBound(what: string, probes: number): { bound: number; text: string } {
  const r = REQUESTS[what]!;
  const bound = 3 + r.extra + r.perManifest * (PLATFORMS + 1) + probes;
  return { bound, text: `requests <= ${r.formula}${probes ? ` + ${probes}` : ''} = ${bound} (S = ${PLATFORMS + 1}: each document read once)` };
}

if (require.main === module) {
  const work = mkdtempSync(join(tmpdir(), 'manifold-bench-verify-'));
  benchVerify(work, (what, figure, target, ok) => process.stdout.write(`${what}: ${figure} (target ${target}) ${ok ? 'met' : 'MISSED'}\n`), process.argv.slice(2))
    .catch((err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(() => rmSync(work, { recursive: true, force: true }));
}
