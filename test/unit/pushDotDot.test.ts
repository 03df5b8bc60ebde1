import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { runCliIn as inDir } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('push: .. in a file path is judged once the path is cleaned', () => {
  it('a path that goes down, up and down again stays inside and is pushed under its clean title; one that climbs out is refused', async () => {
    const dir = tempDir('manifold-dotdot-');
    mkdirSync(join(dir, 'docs', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'docs', 'a.txt'), 'a\n');
    const ok = await inDir(dir, 'push', '--oci-layout', 'layout:v1', './docs/sub/../a.txt');
    assert.equal(ok.code, 0, ok.stderr);
    const store = await OciLayoutStore.open(join(dir, 'layout'));
    const manifest = JSON.parse((await store.fetchBytes(await store.resolve('v1'))).toString('utf8')) as ImageManifest;
    assert.deepEqual(manifest.layers.map((l) => l.annotations?.['org.opencontainers.image.title']), ['docs/a.txt']);
    const out = await inDir(join(dir, 'docs'), 'push', '--oci-layout', 'layout:v1', 'sub/../../docs/a.txt');
    assert.equal(out.code, 1);
    assert.match(out.stderr, /file path sub\/\.\.\/\.\.\/docs\/a\.txt goes outside the current folder/);
  });
});
