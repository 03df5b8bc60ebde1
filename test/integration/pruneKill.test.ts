import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { digestOf } from '../../src/oci/digest';
import { parseIndexJson } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { builtCli, corruptBlobs, runCliProcess } from '../helpers/layoutStress';
import { tempDir } from '../helpers/peerLayouts';

const HOUR_AGO = new Date(Date.now() - 3_600_000);
const GARBAGE = 4000;

/** Old garbage for prune to remove, written straight into blobs/; returns the digests. */
function addGarbage(dir: string, round: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < GARBAGE; i++) {
    const bytes = Buffer.from(`garbage ${round}/${i}\n`);
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    out.push(`sha256:${hex}`);
  }
  for (const hex of readdirSync(join(dir, 'blobs', 'sha256'))) utimesSync(join(dir, 'blobs', 'sha256', hex), HOUR_AGO, HOUR_AGO);
  return out;
}

/** Every digest index.json reaches (children, configs, layers, subjects), and those of them not stored. */
function reach(dir: string): { reachable: Set<string>; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json').manifests.map((d) => d.digest);
  while (queue.length) {
    const digest = queue.pop()!;
    if (seen.has(digest)) continue;
    seen.add(digest);
    const path = join(dir, 'blobs', 'sha256', digest.slice(7));
    if (!existsSync(path)) {
      problems.push(`${digest}: reachable but missing`);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    if (!text.startsWith('{')) continue;
    const m = JSON.parse(text);
    if (m.schemaVersion !== 2) continue;
    for (const d of [...(m.manifests ?? []), ...(m.layers ?? []), ...(m.config ? [m.config] : []), ...(m.subject ? [m.subject] : [])]) queue.push(d.digest);
  }
  return { reachable: seen, problems };
}

const stored = (dir: string) => new Set(readdirSync(join(dir, 'blobs', 'sha256')).map((h) => `sha256:${h}`));

describe('prune killed with SIGKILL', function () {
  this.timeout(600_000);
  let tmp: { dir: string; cleanup(): void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  it('at any moment leaves a valid layout (index.json whole, everything reachable stored and verifying, no half blob); the next prune finishes the job', async () => {
    const cli = builtCli();
    const layout = join(tmp.dir, 'layout');
    await generateDemoLayout(layout);
    // An untagged entry nothing refers to (an image that lost its tag): prune --untagged rewrites index.json without it.
    const lostBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: { mediaType: MediaType.Empty, digest: digestOf(Buffer.from('{}')), size: 2 }, layers: [] }));
    const lost = digestOf(lostBytes);
    writeFileSync(join(layout, 'blobs', 'sha256', lost.slice(7)), lostBytes);
    writeFileSync(join(layout, 'blobs', 'sha256', digestOf(Buffer.from('{}')).slice(7)), '{}');
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    index.manifests.push({ mediaType: MediaType.ImageManifest, digest: lost, size: lostBytes.length });
    writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
    const entriesBefore = parseIndexJson(readFileSync(join(layout, 'index.json')), 'index.json').manifests;
    assert.deepEqual(reach(layout).problems, []);
    const visible = new Set(readdirSync(layout));

    let killedMidway = 0;
    for (let round = 0; round < 4; round++) {
      addGarbage(layout, round);
      const child = spawn(process.execPath, [cli, 'prune', '--oci-layout', layout, '--untagged'], { stdio: 'ignore' });
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // Killed at a different point each round: while starting or deciding, then while removing (some garbage gone).
      const all = readdirSync(join(layout, 'blobs', 'sha256')).length;
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const gone = all - readdirSync(join(layout, 'blobs', 'sha256')).length;
        if (round === 0 || gone >= (round - 1) * 1000 + 1) {
          child.kill('SIGKILL');
          if (gone > 0 && gone < GARBAGE) killedMidway++;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await exited;

      // No half file under a name a user or another tool reads: index.json is whole, every blob hashes to its name.
      const entries = parseIndexJson(readFileSync(join(layout, 'index.json')), 'index.json').manifests;
      // Either index.json as it was or without the lost entry: never anything in between.
      assert.deepEqual(entries.filter((d) => d.digest !== lost), entriesBefore.filter((d) => d.digest !== lost), `round ${round}`);
      assert.deepEqual(corruptBlobs(layout), [], `round ${round}`);
      assert.deepEqual(reach(layout).problems, [], `round ${round}`);
      // Nothing new beside the layout's own names but the lock a dead process held (broken by the next writer) and
      // Manifold's temp folder, which a killed writer cannot remove (the next writer sweeps and removes it).
      const extra = readdirSync(layout).filter((n) => !visible.has(n) && !/^index\.json\.lock(\..+)?$/.test(n) && n !== '.manifold-tmp');
      assert.deepEqual(extra, [], `round ${round}: left ${extra.join(', ')}`);
    }
    assert.ok(killedMidway > 0, 'at least one prune was killed while removing');

    // The next prune (not killed) breaks the dead process's lock, removes the rest and every leftover.
    const r = await runCliProcess(cli, ['prune', '--oci-layout', layout, '--grace', '0', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reach(layout).problems, []);
    assert.deepEqual(corruptBlobs(layout), []);
    const { reachable } = reach(layout);
    assert.deepEqual([...stored(layout)].sort(), [...reachable].sort(), 'only what index.json reaches is left');
    assert.equal(existsSync(join(layout, '.manifold-tmp')), false, 'the temp folder, emptied, is removed');
    assert.deepEqual(readdirSync(layout).filter((n) => n.startsWith('index.json.')), []);
    assert.deepEqual(parseIndexJson(readFileSync(join(layout, 'index.json')), 'index.json').manifests, entriesBefore.filter((d) => d.digest !== lost));
    assert.ok(!reachable.has(lost) && !stored(layout).has(lost), 'the untagged image was dropped and pruned');
  });
});
