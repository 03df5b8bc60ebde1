import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

describe('a layout whose blob file is a folder', () => {
  it('cp and pull name the blob and the layout (as blob fetch does), and write nothing', async () => {
    const store = await newLayout();
    await store.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON);
    const layer = await pushBlob(store, 'hello\n', 'text/plain');
    const art = await pushManifest(store, {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.test',
      config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
      layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': 'hello.txt' } }],
    });
    await store.tag(art, 'v1');
    const dir = store.location;
    const path = join(dir, 'blobs', 'sha256', layer.digest.slice(7));
    rmSync(path);
    mkdirSync(path);
    const said = `Error: blob ${layer.digest}: not found in ${dir}\n`;
    const fetched = await runCli('blob', 'fetch', '--oci-layout', `${dir}@${layer.digest}`, '--output', '-');
    assert.deepEqual([fetched.code, fetched.stderr], [1, said]);

    const out = tempDir();
    const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${dir}:v1`, `${join(out, 'copy')}:v1`);
    assert.deepEqual([copied.code, copied.stderr], [1, said]);
    assert.equal(existsSync(join(out, 'copy', 'blobs', 'sha256', layer.digest.slice(7))), false);

    const pulled = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', join(out, 'files'));
    assert.deepEqual([pulled.code, pulled.stderr], [1, said]);
    assert.deepEqual(existsSync(join(out, 'files')) ? readdirSync(join(out, 'files')) : [], []);
  });
});
