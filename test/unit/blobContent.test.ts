// A blob's content for a person: saved to a file verified (nothing under the name when the bytes are wrong), and
// read as text to show, refused with the reason when too large or not text.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBlobText, saveBlob } from '../../src/oci/artifacts/blobContent';
import { blobPath } from '../../src/oci/layout';
import { cleanupTemps, newLayout, pushBlob, tempDir } from './builders';

after(cleanupTemps);

describe('blob content: save and read as text', () => {
  it('saves a blob byte for byte, and leaves nothing under the name when the stored bytes were altered', async () => {
    const store = await newLayout();
    const sbom = await pushBlob(store, '{"spdxVersion":"SPDX-2.3","name":"app"}\n', 'application/spdx+json');
    const dir = tempDir();
    await saveBlob(store, sbom, join(dir, 'out', 'sbom.spdx.json'));
    assert.equal(readFileSync(join(dir, 'out', 'sbom.spdx.json'), 'utf8'), '{"spdxVersion":"SPDX-2.3","name":"app"}\n');

    writeFileSync(join(store.location, blobPath(sbom.digest)), '{"spdxVersion":"SPDX-2.3","name":"evil"}\n'.slice(0, sbom.size));
    await assert.rejects(saveBlob(store, sbom, join(dir, 'bad.json')), /sha256:/);
    assert.equal(existsSync(join(dir, 'bad.json')), false);
    assert.deepEqual(readdirSync(dir).sort(), ['out'], 'no temp file left beside it');
  });

  it('reads JSON and text as text', async () => {
    const store = await newLayout();
    const eol = await pushBlob(store, 'end of life: 2027-01-01\n', 'text/plain');
    assert.equal(await readBlobText(store, eol), 'end of life: 2027-01-01\n');
  });

  it('refuses a blob over the limit before reading it, and one that is not text, saying why', async () => {
    const store = await newLayout();
    const big = await pushBlob(store, 'x'.repeat(5000), 'text/plain');
    await assert.rejects(readBlobText(store, big, { maxBytes: 4096 }), (e: Error & { code?: string }) =>
      e.code === 'TOO_LARGE' && e.message === `${big.digest} (text/plain) is 4.9 KiB, more than the 4.0 KiB shown as text: save it to a file instead`);
    const binary = await pushBlob(store, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]), 'application/vnd.oci.image.layer.v1.tar+gzip');
    await assert.rejects(readBlobText(store, binary), (e: Error & { code?: string }) =>
      e.code === 'NOT_TEXT' && e.message === `${binary.digest} (application/vnd.oci.image.layer.v1.tar+gzip) is not text: save it to a file instead`);
  });
});
