// lostLayoutFile: what the Layouts view's "Restore the oci-layout file" runs. Only a folder that lost the file while
// its index.json is there gets a restore; finding it writes nothing; the restore writes oras-go's exact bytes.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { lostLayoutFile } from '../../src/oci/layout/lostLayoutFile';
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
});
