import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('push --artifact-type ""', () => {
  it('is no type given (an unset variable in a script), as oras reads it: the default type applies', async () => {
    const dir = tempDir('manifold-empty-type-');
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    const r = await runCliIn(dir, 'push', '--oci-layout', 'layout:v1', '--artifact-type', '', 'a.txt', '--export-manifest', 'm.json');
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ImageManifest;
    assert.equal(m.artifactType, 'application/vnd.unknown.artifact.v1');
  });
});
