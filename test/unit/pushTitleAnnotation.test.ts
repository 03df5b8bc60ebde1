import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor';
import { runCliIn as inDir } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('push --annotation-file: a title set for a file renames it, as oras lets it', () => {
  it('the layer carries the title given, a folder is packed under it, and pull writes them under those names', async () => {
    const dir = tempDir('manifold-title-');
    mkdirSync(join(dir, 'build', 'docs'), { recursive: true });
    writeFileSync(join(dir, 'build', 'app-linux-amd64'), 'binary\n');
    writeFileSync(join(dir, 'build', 'docs', 'a.md'), '# a\n');
    const title = 'org.opencontainers.image.title';
    writeFileSync(join(dir, 'ann.json'), JSON.stringify({ 'build/app-linux-amd64': { [title]: 'app' }, 'build/docs': { [title]: 'manual' } }));
    const pushed = await inDir(dir, 'push', '--oci-layout', 'layout:v1', '--annotation-file', 'ann.json', 'build/app-linux-amd64', 'build/docs', '--export-manifest', 'm.json');
    assert.equal(pushed.code, 0, pushed.stderr);
    const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ImageManifest;
    assert.deepEqual(m.layers.map((l) => l.annotations?.[title]), ['app', 'manual']);
    const pulled = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out');
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['app', 'manual']);
    assert.equal(readFileSync(join(dir, 'out', 'app'), 'utf8'), 'binary\n');
    assert.equal(readFileSync(join(dir, 'out', 'manual', 'a.md'), 'utf8'), '# a\n');
  });

  it('a title that climbs out of the folder is refused as a path would be', async () => {
    const dir = tempDir('manifold-title-');
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    writeFileSync(join(dir, 'ann.json'), JSON.stringify({ 'a.txt': { 'org.opencontainers.image.title': '../a.txt' } }));
    const r = await inDir(dir, 'push', '--oci-layout', 'layout:v1', '--annotation-file', 'ann.json', 'a.txt');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /file path \.\.\/a\.txt goes outside the current folder/);
  });
});
