// Resolving a digest then fetching it reads the manifest once; what that shortcut returns is still checked.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemps, makeImage, newLayout } from './builders';
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
});
