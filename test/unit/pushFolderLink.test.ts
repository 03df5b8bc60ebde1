import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliIn as inDir } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('push: a folder named through a symbolic link', () => {
  it('packs the folder the link leads to (its files under the name typed), and pull writes them back', async function () {
    if (process.platform === 'win32') this.skip(); // links need privileges there
    const dir = tempDir('manifold-folder-link-');
    mkdirSync(join(dir, 'real', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'real', 'a.txt'), 'a\n');
    writeFileSync(join(dir, 'real', 'sub', 'b.txt'), 'b\n');
    symlinkSync('a.txt', join(dir, 'real', 'inner-link')); // a link inside stays a link, as before
    symlinkSync('real', join(dir, 'current'));
    const pushed = await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'current');
    assert.equal(pushed.code, 0, pushed.stderr);
    const pulled = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out');
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(readdirSync(join(dir, 'out', 'current')).sort(), ['a.txt', 'sub']);
    assert.equal(readFileSync(join(dir, 'out', 'current', 'a.txt'), 'utf8'), 'a\n');
    assert.equal(readFileSync(join(dir, 'out', 'current', 'sub', 'b.txt'), 'utf8'), 'b\n');
    assert.match(pulled.stderr, /Skipped current\/inner-link: links in folders are not created/);
  });
});
