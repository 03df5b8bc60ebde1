import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout } from './builders';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

after(cleanupTemps);

/**
 * Two layouts sharing one blob folder (blobs/sha256 of the second a link to the first's): each layout's
 * index.json reaches only its own image, so a prune of either that looked through the link would delete the
 * other's blobs.
 */
async function sharedBlobs(link: 'blobs' | 'blobs/sha256'): Promise<{ first: string; second: string; shared: string; blobs: string[]; root: string }> {
  const a = await newLayout();
  await a.tag(await makeImage(a, { arch: 'amd64' }), 'v1');
  const b = await newLayout();
  await b.tag(await makeImage(b, { arch: 'arm64' }), 'v1');
  const root = mkdtempSync(join(tmpdir(), 'manifold-test-shared-'));
  const shared = join(root, 'store');
  cpSync(join(a.location, 'blobs'), shared, { recursive: true });
  cpSync(join(b.location, 'blobs'), shared, { recursive: true });
  for (const dir of [a.location, b.location]) {
    rmSync(join(dir, 'blobs'), { recursive: true });
    if (link === 'blobs') symlinkSync(shared, join(dir, 'blobs'));
    else {
      mkdirSync(join(dir, 'blobs'));
      symlinkSync(join(shared, 'sha256'), join(dir, 'blobs', 'sha256'));
    }
  }
  const blobs = readdirSync(join(shared, 'sha256')).sort();
  for (const hex of blobs) utimesSync(join(shared, 'sha256', hex), HOUR_AGO, HOUR_AGO);
  return { first: a.location, second: b.location, shared, blobs, root };
}

describe('prune where the blob folder is shared through a symbolic link', () => {
  for (const link of ['blobs', 'blobs/sha256'] as const) {
    it(`refuses, removing nothing, when ${link} is a link (other layouts' blobs live there)`, async () => {
      const l = await sharedBlobs(link);
      try {
        // What the first layout reads still works through the link.
        const read = await runCli('manifest', 'fetch', '--oci-layout', `${l.first}:v1`);
        assert.equal(read.code, 0, read.stderr);
        for (const dry of [['--dry-run'], []]) {
          const r = await runCli('prune', '--oci-layout', l.first, '--grace', '0', ...dry);
          assert.equal(r.code, 1, r.stderr);
          assert.equal(r.stdout, '');
          const target = link === 'blobs' ? l.shared : join(l.shared, 'sha256');
          assert.equal(
            r.stderr,
            `Error: prune: ${join(l.first, link)} is a symbolic link (to ${target}); the files there may belong to other layouts too, so nothing is removed (prune removes files only from the layout's own folders)\n`,
          );
        }
        // The second layout's image is whole: every blob both layouts stored is still there.
        assert.deepEqual(readdirSync(join(l.shared, 'sha256')).sort(), l.blobs);
        const fetched = await runCli('manifest', 'fetch', '--oci-layout', `${l.second}:v1`);
        assert.equal(fetched.code, 0, fetched.stderr);
      } finally {
        rmSync(l.root, { recursive: true, force: true });
      }
    });
  }

  it('refuses when the temp folder is a link, leaving the old files there', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store, { arch: 'amd64' }), 'v1');
    const elsewhere = mkdtempSync(join(tmpdir(), 'manifold-test-elsewhere-'));
    try {
      const old = join(elsewhere, 'notes.txt');
      writeFileSync(old, 'not the layout\'s\n');
      utimesSync(old, HOUR_AGO, HOUR_AGO);
      symlinkSync(elsewhere, join(store.location, '.manifold-tmp'));
      const r = await runCli('prune', '--oci-layout', store.location, '--grace', '0');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\.manifold-tmp is a symbolic link \(to .*\); the files there may belong to other layouts too, so nothing is removed/);
      assert.ok(existsSync(old));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
