// lostLayoutFile: what the Layouts view's "Restore the oci-layout file" runs. Only a folder that lost the file while
// its index.json is there gets a restore; finding it writes nothing; the restore writes oras-go's exact bytes.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { lostLayoutFile, lostLayoutShape } from '../../src/oci/layout/lostLayoutFile';
import { cleanupTemps, folderSnapshot, makeImage, newLayout, tempDir } from './builders';

describe('lostLayoutFile', () => {
  after(cleanupTemps);

  it('a layout that lost oci-layout: found without writing, restored with the exact bytes, then readable', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const file = join(store.location, 'oci-layout');
    rmSync(file);
    await assert.rejects(OciLayoutStore.open(store.location), { code: 'INVALID_LAYOUT', message: `${file}: missing; ${store.location} is not an OCI image layout` });
    const before = folderSnapshot(store.location);
    const lost = await lostLayoutFile(store.location);
    assert.equal(lost?.file, file);
    assert.deepEqual(folderSnapshot(store.location), before);
    await lost.restore();
    assert.equal(readFileSync(file, 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
    const reopened = await OciLayoutStore.open(store.location);
    assert.deepEqual((await reopened.entries()).map((e) => e.annotations?.['org.opencontainers.image.ref.name']), ['v1']);
    assert.equal(await lostLayoutFile(store.location), undefined);
  });

  it('a restore never overwrites an oci-layout written meanwhile', async () => {
    const store = await newLayout();
    const file = join(store.location, 'oci-layout');
    rmSync(file);
    const lost = await lostLayoutFile(store.location);
    writeFileSync(file, '{"imageLayoutVersion": "1.0.0"}\n');
    await lost!.restore();
    assert.equal(readFileSync(file, 'utf8'), '{"imageLayoutVersion": "1.0.0"}\n');
  });

  it('a folder without index.json, or with an oci-layout of another version, is refused with the reason', async () => {
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    await assert.rejects(lostLayoutFile(empty), { code: 'INVALID_LAYOUT', message: `${join(empty, 'oci-layout')}: missing; ${empty} is not an OCI image layout` });
    const store = await newLayout();
    writeFileSync(join(store.location, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await assert.rejects(lostLayoutFile(store.location), /imageLayoutVersion is "2\.0\.0", expected "1\.0\.0"/);
  });

  describe('lostLayoutShape: what the Layouts view lists without an oci-layout', () => {
    it('a layout that lost oci-layout (index.json, blobs/<algorithm>/) has it; with its oci-layout back it has not', async () => {
      const store = await newLayout();
      await store.tag(await makeImage(store), 'v1');
      assert.equal(await lostLayoutShape(store.location), false);
      rmSync(join(store.location, 'oci-layout'));
      assert.equal(await lostLayoutShape(store.location), true);
      // An empty layout has its blobs/sha256 too (every writer makes it), and another algorithm's folder counts.
      const empty = await newLayout();
      rmSync(join(empty.location, 'oci-layout'));
      rmSync(join(empty.location, 'blobs', 'sha256'), { recursive: true });
      mkdirSync(join(empty.location, 'blobs', 'sha512'));
      assert.equal(await lostLayoutShape(empty.location), true);
    });

    it('some other index.json is not a layout: no blobs/, a blobs file, blobs/ without an algorithm folder, index.json a folder', async () => {
      const project = join(tempDir(), 'project');
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), '{"name":"x"}');
      writeFileSync(join(project, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
      assert.equal(await lostLayoutShape(project), false);
      writeFileSync(join(project, 'blobs'), '');
      assert.equal(await lostLayoutShape(project), false);
      rmSync(join(project, 'blobs'));
      mkdirSync(join(project, 'blobs'));
      writeFileSync(join(project, 'blobs', 'sha256'), '');
      mkdirSync(join(project, 'blobs', 'Not An Algorithm'));
      assert.equal(await lostLayoutShape(project), false);
      const folderIndex = join(tempDir(), 'folder-index');
      mkdirSync(join(folderIndex, 'index.json'), { recursive: true });
      mkdirSync(join(folderIndex, 'blobs', 'sha256'), { recursive: true });
      assert.equal(await lostLayoutShape(folderIndex), false);
    });
  });
});
