import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

after(cleanupTemps);

describe('a layout archive cut short', () => {
  it('says the archive is cut short, where, not that the layout lacks a file', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store, { arch: 'amd64' }), 'v1');
    const whole = join(tempDir(), 'layout.tar');
    await writeLayoutTar(store.location, whole);
    const bytes = readFileSync(whole);
    // Inside the second member's header (the first, oci-layout, is a 512-byte header and one block of data).
    const cut = join(tempDir(), 'cut.tar');
    writeFileSync(cut, bytes.subarray(0, 1024 + 100));
    for (const args of [['repo', 'tags', '--oci-layout', cut], ['manifest', 'fetch', '--oci-layout', `${cut}:v1`]]) {
      const r = await runCli(...args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: ${cut}: the archive is cut short (it ends inside the header at byte 1024)\n`], args.join(' '));
    }
    // Cut at a header boundary, without the end-of-archive blocks: what Go's archive/tar reads as the end too.
    const atBoundary = join(tempDir(), 'boundary.tar');
    writeFileSync(atBoundary, bytes.subarray(0, bytes.length - 1024));
    const r = await runCli('repo', 'tags', '--oci-layout', atBoundary, '--format', 'text');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'v1\n', '']);
  });
});
