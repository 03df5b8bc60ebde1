// DirSource.holds: whether a layout file holds exactly some bytes, compared piece by piece (index.json under the
// lock is checked this way before it is read again whole). Each way the file can differ must say false.
import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirSource } from '../../src/oci/layout/source';
import { cleanupTemps, tempDir } from './builders';

describe('layout source: holds()', () => {
  after(cleanupTemps);

  // Over two of its 64 KiB pieces, so a difference in the last one is found too.
  const bytes = Buffer.alloc(150_000, 'abcdefghij');

  it('says true for the same bytes and false for any other content, length or file', async () => {
    const root = tempDir();
    const source = new DirSource(root);
    writeFileSync(join(root, 'index.json'), bytes);
    assert.equal(await source.holds('index.json', bytes), true);
    assert.equal(await source.holds('index.json', Buffer.from(bytes)), true);

    const lastPiece = Buffer.from(bytes);
    lastPiece[lastPiece.length - 1] = 0x7a;
    assert.equal(await source.holds('index.json', lastPiece), false);
    const firstByte = Buffer.from(bytes);
    firstByte[0] = 0x7a;
    assert.equal(await source.holds('index.json', firstByte), false);
    assert.equal(await source.holds('index.json', bytes.subarray(1)), false);
    assert.equal(await source.holds('index.json', Buffer.concat([bytes, Buffer.from(' ')])), false);
    assert.equal(await source.holds('index.json', Buffer.alloc(0)), false);
    assert.equal(await source.holds('missing.json', bytes), false);
  });

  it('reads only inside the layout: a link out of it is refused, as a read of it would be', async () => {
    const root = tempDir();
    const outside = join(tempDir(), 'elsewhere.json');
    writeFileSync(outside, bytes);
    mkdirSync(join(root, 'blobs'));
    symlinkSync(outside, join(root, 'index.json'));
    await assert.rejects(new DirSource(root).holds('index.json', bytes), /outside the layout/);
  });
});
