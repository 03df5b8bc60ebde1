// Create OCI Image Layout (and any write that makes a layout) given a path that is a file, or lies below one: the
// message names that file, not a bare ENOTDIR on blobs/sha256 below it; nothing is written.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('a new layout where a file is', () => {
  for (const [title, below] of [
    ['the path is a file', ''],
    ['a folder of the path is a file', 'sub/layout'],
  ] as const) {
    it(`${title}: names the file, writes nothing`, async () => {
      const dir = tempDir();
      const file = join(dir, 'notes.txt');
      writeFileSync(file, 'mine\n');
      const path = below ? join(file, below) : file;
      await assert.rejects(OciLayoutStore.open(path, { create: true }), (err: Error) => {
        assert.equal(err.message, `${file} is a file, not a folder: cannot make a layout at ${path}`);
        return true;
      });
      assert.deepEqual(readdirSync(dir), ['notes.txt']);
      assert.equal(readFileSync(file, 'utf8'), 'mine\n');
    });
  }
});
