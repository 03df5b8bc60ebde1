import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';

const TWO_DAYS_AGO = new Date(Date.now() - 2 * 86_400_000);

/**
 * A layout whose `.manifold-tmp` is a link to a folder of the user's (as a layout unpacked from someone else's
 * tar can be): a write swept that folder's old files as its own leftovers.
 */
describe('a layout whose temp folder is a symbolic link', () => {
  let work: string;
  let layout: string;
  let victim: string;
  let precious: string;
  beforeEach(async () => {
    work = mkdtempSync(join(tmpdir(), 'manifold-test-templink-'));
    layout = join(work, 'layout');
    victim = join(work, 'documents');
    writeFileSync(join(work, 'a.txt'), 'the first file\n');
    writeFileSync(join(work, 'b.txt'), 'the second file\n');
    const first = await runCli('push', '--disable-path-validation', '--oci-layout', `${layout}:v1`, join(work, 'a.txt'));
    assert.equal(first.code, 0, first.stderr);
    mkdirSync(victim);
    precious = join(victim, 'notes.txt');
    writeFileSync(precious, 'not the layout\'s\n');
    utimesSync(precious, TWO_DAYS_AGO, TWO_DAYS_AGO);
    symlinkSync(victim, join(layout, '.manifold-tmp'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const refused = () =>
    `Error: layout ${layout} is damaged: .manifold-tmp is a symbolic link (to ${victim}); Manifold writes and removes temp files only in a folder of the layout itself: remove the link\n`;

  const writes: Array<[string, () => string[]]> = [
    ['push', () => ['push', '--disable-path-validation', '--oci-layout', `${layout}:v2`, join(work, 'b.txt')]],
    ['tag', () => ['tag', '--oci-layout', `${layout}:v1`, 'again']],
    ['blob push', () => ['blob', 'push', '--oci-layout', layout, join(work, 'b.txt')]],
    ['attach', () => ['attach', '--disable-path-validation', '--oci-layout', `${layout}:v1`, '--artifact-type', 'application/vnd.note', join(work, 'b.txt')]],
  ];
  for (const [name, args] of writes) {
    it(`${name} refuses, and the linked folder keeps its files`, async () => {
      const index = readFileSync(join(layout, 'index.json'));
      const r = await runCli(...args());
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stderr, refused());
      assert.ok(existsSync(precious), 'the linked folder lost its file');
      assert.deepEqual(readFileSync(join(layout, 'index.json')), index);
    });
  }

  it('reads work through it as before', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', layout);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^v1\b/m);
    assert.ok(existsSync(precious));
  });
});
