import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { parseIndexJson } from '../../src/oci/layout';
import { EMPTY_JSON } from '../../src/oci/mediaType';
import { builtCli, runCliProcess, stressRound } from '../helpers/layoutStress';
import { cleanupTemps, makeMultiArchLayout } from './builders';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

function ageAll(dir: string): void {
  for (const hex of readdirSync(join(dir, 'blobs', 'sha256'))) utimesSync(join(dir, 'blobs', 'sha256', hex), HOUR_AGO, HOUR_AGO);
}

/** Digests index.json reaches that are not stored: what a prune that lost a writer's content would leave. */
function dangling(dir: string): string[] {
  const seen = new Set<string>();
  const missing: string[] = [];
  const queue = parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json').manifests.map((d) => d.digest);
  while (queue.length > 0) {
    const digest = queue.pop()!;
    if (seen.has(digest)) continue;
    seen.add(digest);
    const path = join(dir, 'blobs', 'sha256', digest.slice(7));
    if (!existsSync(path)) {
      missing.push(digest);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    if (!text.startsWith('{')) continue;
    const doc = JSON.parse(text);
    for (const d of [...(doc.manifests ?? []), ...(doc.layers ?? []), ...(doc.config ? [doc.config] : []), ...(doc.subject ? [doc.subject] : [])]) queue.push(d.digest);
  }
  return missing;
}

describe('prune beside concurrent writers', function () {
  this.timeout(240_000);
  after(cleanupTemps);

  it('prune processes among attach --recursive and tag processes lose nothing any writer reported', async () => {
    const cli = builtCli();
    const { store } = await makeMultiArchLayout();
    const dir = store.location;
    // Old garbage for the prunes to remove, and the empty config every attach will rely on, stored, old and
    // unreachable: a writer that finds it must keep it from being pruned under it.
    const garbage: string[] = [];
    for (let i = 0; i < 20; i++) {
      const bytes = Buffer.from(`garbage ${i}\n`);
      garbage.push(digestOf(bytes));
      writeFileSync(join(dir, 'blobs', 'sha256', digestOf(bytes).slice(7)), bytes);
    }
    writeFileSync(join(dir, 'blobs', 'sha256', digestOf(EMPTY_JSON).slice(7)), EMPTY_JSON);
    ageAll(dir);

    const prune = ['prune', '--oci-layout', dir, '--format', 'json'];
    for (let round = 0; round < 2; round++) {
      const problems = await stressRound(cli, dir, 'multi', round, { attachers: 4, taggers: 4, maxDelayMs: 300, alongside: [prune, prune, prune] });
      assert.deepEqual(problems, [], `round ${round}`);
      assert.deepEqual(dangling(dir), [], `round ${round}: everything index.json reaches is stored`);
      ageAll(dir); // the next round's prunes judge everything written so far as old
    }
    for (const digest of garbage) assert.ok(!existsSync(join(dir, 'blobs', 'sha256', digest.slice(7))), `${digest} pruned`);
    // Nothing is left to prune: every stored blob is reachable.
    const last = await runCliProcess(cli, ['prune', '--oci-layout', dir, '--dry-run', '--format', 'json']);
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(JSON.parse(last.stdout).removed, []);
  });
});
