import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore, TEMP_DIR } from '../../src/oci/layout';
import { pruneLayout } from '../../src/oci/layout/prune';
import { MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, makeImage, newLayout, pushBlob } from './builders';

after(cleanupTemps);

/** What a layout folder holds at its top: after a write, only what the image-layout spec names. */
const topLevel = (store: OciLayoutStore) => readdirSync(store.location).sort();

describe('layout: the temp folder (.manifold-tmp)', () => {
  it('is gone after each kind of write: a blob, a manifest, a tag, a staged blob, a prune', async () => {
    const store = await newLayout();
    const loose = await pushBlob(store, 'a blob');
    assert.deepEqual(topLevel(store), ['blobs', 'index.json', 'oci-layout']);
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    assert.deepEqual(topLevel(store), ['blobs', 'index.json', 'oci-layout']);
    const staged = await store.stage(PassThrough.from(['staged ', 'bytes']));
    assert.ok(existsSync(join(store.location, TEMP_DIR)), 'the staged file waits in the temp folder');
    await staged.commit();
    assert.equal((await store.fetchBytes({ mediaType: MediaType.ImageLayer, digest: staged.digest, size: staged.size })).toString(), 'staged bytes');
    assert.deepEqual(topLevel(store), ['blobs', 'index.json', 'oci-layout']);
    // Prune moves what it removes aside into the temp folder first.
    const report = await pruneLayout(store.location, { graceMs: 0 });
    assert.ok(report.removed.some((f) => f.path.endsWith(loose.digest.slice(7))), 'the loose blob was pruned');
    assert.deepEqual(topLevel(store), ['blobs', 'index.json', 'oci-layout']);
    assert.equal((await store.resolve('v1')).digest, image.digest);
  });

  it('stays while another writer has a file in it, and that writer finishes unharmed', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    // Another writer (a second store on the same folder, as another process) streams a blob in slowly.
    const other = await OciLayoutStore.open(store.location);
    const data = Buffer.alloc(256 * 1024, 3);
    const desc: Descriptor = { mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length };
    const slow = new PassThrough();
    const pushing = other.push(desc, slow);
    slow.write(data.subarray(0, 1000));
    const tmp = join(store.location, TEMP_DIR);
    for (let i = 0; i < 200 && !(existsSync(tmp) && readdirSync(tmp).length > 0); i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(readdirSync(tmp).length, 1, 'the other writer\'s temp file');
    // This store's writes end meanwhile: the folder is not empty, so it stays (ENOTEMPTY is no failure).
    await store.tag(image, 'v1');
    await pushBlob(store, 'beside');
    assert.equal(readdirSync(tmp).length, 1);
    slow.end(data.subarray(1000));
    await pushing;
    assert.ok((await store.fetchBytes(desc)).equals(data));
    assert.equal(existsSync(tmp), false, 'the last writer out removes it');
    assert.equal((await store.resolve('v1')).digest, image.digest);
  });

  it('a writer whose temp folder was removed under it makes it again; a file someone else left in it is kept', async () => {
    const store = await newLayout();
    await pushBlob(store, 'first'); // the store has made (and removed) its temp folder once
    assert.equal(existsSync(join(store.location, TEMP_DIR)), false);
    const second = await pushBlob(store, 'second');
    assert.equal((await store.fetchBytes(second)).toString(), 'second');
    // A file of a writer this store does not know of (young: not swept) keeps the folder.
    mkdirSync(join(store.location, TEMP_DIR), { recursive: true });
    writeFileSync(join(store.location, TEMP_DIR, 'blob-elsewhere'), 'partial');
    await store.tag(await makeImage(store), 'v2');
    assert.deepEqual(readdirSync(join(store.location, TEMP_DIR)), ['blob-elsewhere']);
  });
});
