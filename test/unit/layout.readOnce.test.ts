// Resolving a digest then fetching it reads the manifest once; what that shortcut returns is still checked.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemps, makeImage, newLayout, pushBlob } from './builders';
import { code } from '../helpers/assertions';

after(cleanupTemps);

describe('layout: a manifest resolved by digest, then fetched', () => {
  it('gives the stored bytes, and after a delete says not found', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const desc = await store.resolve(image.digest);
    const bytes = await store.fetchBytes(desc);
    assert.equal(bytes.length, image.size);
    assert.equal(JSON.parse(bytes.toString('utf8')).mediaType, image.mediaType);
    await store.resolve(image.digest);
    await store.delete(desc);
    await assert.rejects(store.fetchBytes(desc), code('NOT_FOUND'));
  });

  it('checks the size the caller expects, and a file changed since is read again and refused', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.resolve(image.digest);
    await assert.rejects(store.fetchBytes({ ...image, size: image.size + 1 }), /size|expected/);
    await store.resolve(image.digest);
    await store.fetchBytes(image); // the shortcut, used once
    writeFileSync(join(store.location, 'blobs', 'sha256', image.digest.slice(7)), 'tampered');
    await assert.rejects(store.fetchBytes(image), /digest|size/);
  });

  it('resolves a digest of any size in one read or a stat: a manifest, blobs under and over the 64 KiB read at once, a missing one', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    assert.deepEqual(await store.resolve(image.digest), { mediaType: image.mediaType, digest: image.digest, size: image.size });
    for (const size of [0, 1, (64 << 10) - 1, 64 << 10, (64 << 10) + 1, (4 << 20) + 1]) {
      const blob = await pushBlob(store, Buffer.alloc(size, 'x'), 'application/octet-stream');
      assert.deepEqual(await store.resolve(blob.digest), { mediaType: 'application/octet-stream', digest: blob.digest, size }, `${size} bytes`);
    }
    await assert.rejects(store.resolve(`sha256:${'0'.repeat(64)}`), code('NOT_FOUND'));
  });
});
