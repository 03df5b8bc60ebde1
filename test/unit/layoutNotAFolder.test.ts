// A layout whose blobs folder was replaced by a file or a looping link: writes say the layout is damaged and where,
// not a bare EEXIST / ENOTDIR / ELOOP naming a path below the culprit, and change nothing.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, pushBlob, tempDir } from './builders';

after(cleanupTemps);

/** A layout with one tagged blob-only manifest, its blobs/sha256 folder then replaced by `damage`. */
async function damaged(damage: (sha256: string) => void): Promise<{ dir: string; file: string; before: Buffer }> {
  const store = await newLayout();
  await pushBlob(store, 'kept\n', 'text/plain');
  const dir = store.location;
  const sha256 = join(dir, 'blobs', 'sha256');
  rmSync(sha256, { recursive: true });
  damage(sha256);
  const file = join(tempDir(), 'new.txt');
  writeFileSync(file, 'new content\n');
  return { dir, file, before: readFileSync(join(dir, 'index.json')) };
}

describe('a layout whose blobs/sha256 is not a folder', () => {
  it('a file: blob push and push name blobs/sha256 and the layout, and write nothing', async () => {
    const { dir, file, before } = await damaged((p) => writeFileSync(p, 'not a folder'));
    const blob = await runCli('blob', 'push', '--oci-layout', dir, file);
    assert.deepEqual([blob.code, blob.stderr], [1, `Error: layout ${dir} is damaged: blobs/sha256 is not a folder (EEXIST): cannot write a new blob\n`]);
    const pushed = await runCli('push', '--oci-layout', `${dir}:v2`, file, '--disable-path-validation');
    assert.equal(pushed.code, 1);
    assert.match(pushed.stderr, new RegExp(`^Error: layout ${dir} is damaged: blobs/sha256 is not a folder \\((EEXIST|ENOTDIR)\\): cannot write (a new blob|blob sha256:[0-9a-f]{64})\\n$`));
    assert.equal(readFileSync(join(dir, 'blobs', 'sha256'), 'utf8'), 'not a folder');
    assert.deepEqual(readFileSync(join(dir, 'index.json')), before);
    assert.deepEqual(readdirSync(dir).sort(), ['blobs', 'index.json', 'oci-layout']);
  });

  it('a link to itself: blob push and push name the link, not a blob path below it', async () => {
    const { dir, file, before } = await damaged((p) => symlinkSync('sha256', p));
    const blob = await runCli('blob', 'push', '--oci-layout', dir, file);
    assert.deepEqual([blob.code, blob.stderr], [1, `Error: layout ${dir} is damaged: blobs/sha256 is a symbolic link that loops (ELOOP): cannot write a new blob\n`]);
    const pushed = await runCli('push', '--oci-layout', `${dir}:v2`, file, '--disable-path-validation');
    assert.equal(pushed.code, 1);
    assert.match(pushed.stderr, new RegExp(`^Error: layout ${dir} is damaged: blobs/sha256 is a symbolic link that loops \\(ELOOP\\): cannot write (a new blob|blob sha256:[0-9a-f]{64})\\n$`));
    assert.deepEqual(readFileSync(join(dir, 'index.json')), before);
  });
});
