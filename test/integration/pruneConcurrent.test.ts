import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { parseIndexJson } from '../../src/oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST } from '../../src/oci/mediaType';
import { builtCli, corruptBlobs, runCliProcess, type RunResult } from '../helpers/layoutStress';
import { tempDir } from '../helpers/peerLayouts';

const HOUR_AGO = new Date(Date.now() - 3_600_000);
const WRITERS = 5;
const ROUNDS = 3;
const REF_NAME = 'org.opencontainers.image.ref.name';

function ageAll(dir: string): void {
  for (const hex of readdirSync(join(dir, 'blobs', 'sha256'))) utimesSync(join(dir, 'blobs', 'sha256', hex), HOUR_AGO, HOUR_AGO);
}

function blobPath(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice(7));
}

/** What index.json reaches (children, configs, layers, subjects) that is not stored. */
function dangling(dir: string): string[] {
  const seen = new Set<string>();
  const missing: string[] = [];
  const queue = parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json').manifests.map((d) => d.digest);
  while (queue.length) {
    const digest = queue.pop()!;
    if (seen.has(digest)) continue;
    seen.add(digest);
    if (!existsSync(blobPath(dir, digest))) {
      missing.push(digest);
      continue;
    }
    const text = readFileSync(blobPath(dir, digest), 'utf8');
    if (!text.startsWith('{')) continue;
    const m = JSON.parse(text);
    if (m.schemaVersion !== 2) continue;
    for (const d of [...(m.manifests ?? []), ...(m.layers ?? []), ...(m.config ? [m.config] : []), ...(m.subject ? [m.subject] : [])]) queue.push(d.digest);
  }
  return missing;
}

interface Written {
  /** tag -> digest it must name. */
  tags: Map<string, string>;
  /** Artifacts attached: each must be listed in index.json. */
  artifacts: string[];
  failures: string[];
}

/** One writer: ROUNDS times an attach, a tag and an index create, each its own process, one after the other. */
async function writer(cli: string, dir: string, w: number, out: Written): Promise<void> {
  const failed = (what: string, r: RunResult) => out.failures.push(`writer ${w} ${what} exited ${r.code}: ${r.stderr.trim()}`);
  for (let i = 0; i < ROUNDS; i++) {
    const a = await runCliProcess(cli, ['attach', '--oci-layout', `${dir}:v1`, '--artifact-type', `application/vnd.w${w}.i${i}`, '--annotation', `w=${w}`, '--format', 'json']);
    if (a.code !== 0) failed('attach', a);
    else out.artifacts.push(...(JSON.parse(a.stdout) as { artifacts: { digest: string }[] }).artifacts.map((x) => x.digest));
    const t = await runCliProcess(cli, ['tag', '--oci-layout', `${dir}:linux-amd64`, `w${w}-t${i}`]);
    if (t.code !== 0) failed('tag', t);
    else out.tags.set(`w${w}-t${i}`, 'linux-amd64');
    // A distinct index each time (its annotation), over the two images: a new blob, then its tag.
    const c = await runCliProcess(cli, ['manifest', 'index', 'create', '--oci-layout', `${dir}:w${w}-idx${i}`, 'linux-amd64', 'linux-arm64', '--annotation', `made.by=w${w}.i${i}`]);
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(c.stdout)?.[1];
    if (c.code !== 0 || !digest) failed('index create', c);
    else out.tags.set(`w${w}-idx${i}`, digest);
  }
}

describe('prune beside 5 writer processes in a loop', function () {
  this.timeout(900_000);
  let tmp: { dir: string; cleanup(): void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  it('attach, tag and index create, each in its own process, lose nothing to prunes (with and without --untagged) running all along', async () => {
    const cli = builtCli();
    const dir = join(tmp.dir, 'layout');
    await generateDemoLayout(dir);
    // Old garbage for the prunes, and the empty config every attach relies on, stored, old and unreachable:
    // an attach that finds it must keep it from being pruned under it.
    const garbage: string[] = [];
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(`garbage ${i}\n`);
      const hex = createHash('sha256').update(bytes).digest('hex');
      writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
      garbage.push(`sha256:${hex}`);
    }
    writeFileSync(blobPath(dir, EMPTY_JSON_DIGEST), EMPTY_JSON);
    ageAll(dir);

    const written: Written = { tags: new Map(), artifacts: [], failures: [] };
    let writing = true;
    const writers = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(cli, dir, w, written))).finally(() => (writing = false));
    const prunes: RunResult[] = [];
    const pruning = (async () => {
      for (let n = 0; writing; n++) prunes.push(await runCliProcess(cli, ['prune', '--oci-layout', dir, ...(n % 2 ? ['--untagged'] : []), '--format', 'json']));
    })();
    await Promise.all([writers, pruning]);

    assert.deepEqual(written.failures, []);
    assert.ok(prunes.length >= 2, `${prunes.length} prunes ran beside the writers`);
    for (const p of prunes) assert.equal(p.code, 0, p.stderr);
    assert.equal(written.artifacts.length, WRITERS * ROUNDS);
    assert.equal(written.tags.size, WRITERS * ROUNDS * 2);

    const entries = parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json').manifests;
    const byTag = new Map(entries.filter((d) => d.annotations?.[REF_NAME]).map((d) => [d.annotations![REF_NAME]!, d.digest]));
    for (const [tag, expected] of written.tags) {
      const digest = expected.startsWith('sha256:') ? expected : byTag.get(expected);
      assert.equal(byTag.get(tag), digest, `tag ${tag}`);
    }
    const listed = new Set(entries.map((d) => d.digest));
    for (const a of written.artifacts) assert.ok(listed.has(a), `artifact ${a} is listed`);
    assert.deepEqual(dangling(dir), [], 'everything index.json reaches is stored');
    assert.deepEqual(corruptBlobs(dir), []);
    for (const g of garbage) assert.ok(!existsSync(blobPath(dir, g)), `${g} was pruned`);

    // Once all of it is old, a last prune finds nothing it may remove: everything the writers made is reachable.
    ageAll(dir);
    const last = await runCliProcess(cli, ['prune', '--oci-layout', dir, '--dry-run', '--format', 'json']);
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(JSON.parse(last.stdout).removed, []);
  });
});
