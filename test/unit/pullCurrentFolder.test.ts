import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

const inDir = runCliIn;

describe('push . and pull: the current folder as a folder layer', () => {
  it('unpacks into the output folder itself, as oras does; -k refuses a file already there, naming it', async () => {
    const dir = tempDir('manifold-dot-');
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'a\n');
    writeFileSync(join(src, 'sub', 'b.txt'), 'b\n');
    const pushed = await inDir(src, 'push', '--oci-layout', join(dir, 'layout:v1'), '.');
    assert.equal(pushed.code, 0, pushed.stderr);
    const out = join(dir, 'out');
    const pulled = await runCli('pull', '--oci-layout', join(dir, 'layout:v1'), '-o', out);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['a.txt', 'sub']);
    assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'a\n');
    assert.equal(readFileSync(join(out, 'sub', 'b.txt'), 'utf8'), 'b\n');

    writeFileSync(join(out, 'a.txt'), 'mine\n');
    const kept = await runCli('pull', '--oci-layout', join(dir, 'layout:v1'), '-o', out, '--keep-old-files');
    assert.deepEqual([kept.code, kept.stderr], [1, `Error: ${join(out, 'a.txt')}: exists; refusing to overwrite it (--keep-old-files)\n`]);
    assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'mine\n');
    const fresh = join(dir, 'fresh');
    mkdirSync(fresh);
    const intoEmpty = await runCli('pull', '--oci-layout', join(dir, 'layout:v1'), '-o', fresh, '--keep-old-files');
    assert.equal(intoEmpty.code, 0, intoEmpty.stderr);
    assert.deepEqual(readdirSync(fresh).sort(), ['a.txt', 'sub']);
  });
});
