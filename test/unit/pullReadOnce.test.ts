import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { existingFiles, placePull, pullArtifact, readPull } from '../../src/oci/artifacts/pull';
import { pushArtifact } from '../../src/oci/artifacts/push';
import { countingReads as counting } from '../helpers/countingReads';
import { cleanupTemps, newLayout, tempDir } from './builders';

/**
 * Pull Files to Folder reads an artifact's manifest before it asks for a folder, places its files under the folder
 * picked, and pulls: the manifest is read once for all three (it was three times, each resolving it again).
 */
describe('pull: the manifest read once', () => {
  after(cleanupTemps);

  async function notes() {
    const store = await newLayout();
    const src = tempDir();
    writeFileSync(join(src, 'notes.txt'), 'release notes\n');
    writeFileSync(join(src, 'changes.txt'), 'what changed\n');
    const pushed = await pushArtifact(store, { tags: ['notes'], files: [{ path: join(src, 'notes.txt'), title: 'notes.txt' }, { path: join(src, 'changes.txt'), title: 'changes.txt' }], disablePathValidation: true });
    return { store, manifest: pushed.desc };
  }

  it('read, placed twice, asked about and pulled: one read of the manifest, none to resolve it again', async () => {
    const { store, manifest } = await notes();
    const { target, reads } = counting(store);
    const folder = tempDir();
    writeFileSync(join(folder, 'notes.txt'), 'my own edits\n');

    const read = await readPull(target, { reference: await store.resolve('notes') });
    assert.deepEqual(placePull(read, '.').files.map((f) => f.name), ['notes.txt', 'changes.txt']);
    const plan = placePull(read, folder);
    assert.deepEqual((await existingFiles(plan)).map((f) => f.name), ['notes.txt']);
    const result = await pullArtifact(target, { reference: manifest.digest, read, output: folder });

    assert.deepEqual(reads, [`fetchBytes ${manifest.digest}`]);
    assert.equal(result.root.digest, manifest.digest);
    assert.deepEqual(result.files.map((f) => f.name), ['notes.txt', 'changes.txt']);
    assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'release notes\n');
    assert.equal(readFileSync(join(folder, 'changes.txt'), 'utf8'), 'what changed\n');
  });

  it('pullArtifact by a reference alone resolves it and reads the manifest once, as manifold pull does', async () => {
    const { store, manifest } = await notes();
    const { target, reads } = counting(store);
    const folder = tempDir();
    const result = await pullArtifact(target, { reference: 'notes', output: folder });
    assert.deepEqual(reads, ['resolve notes', `fetchBytes ${manifest.digest}`]);
    assert.deepEqual(result.files.map((f) => f.name), ['notes.txt', 'changes.txt']);
    assert.equal(readFileSync(join(folder, 'changes.txt'), 'utf8'), 'what changed\n');
  });
});
