import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

describe('a layout whose blob file is a folder', () => {
  it('cp and pull name the folder and say the layout is damaged (as blob fetch does), and write nothing', async () => {
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
    const said = `Error: ${path} is a folder, not a file: the layout is damaged\n`;
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

describe('a layout whose stored blob is damaged (cut short, longer, a symlink loop), written again', () => {
  const damages: Array<[string, (path: string) => void]> = [
    ['cut short', (p) => truncateSync(p, 2)],
    ['longer', (p) => appendFileSync(p, 'extra')],
    ['a symlink to itself', (p) => (rmSync(p), symlinkSync(basename(p), p))],
  ];
  for (const [what, damage] of damages) {
    it(`blob push and cp store the right bytes again when it is ${what}, instead of taking it as stored`, async () => {
      const good = await newLayout();
      const layer = await pushBlob(good, 'hello, layer\n', 'text/plain');
      await good.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON);
      const art = await pushManifest(good, {
        schemaVersion: 2,
        mediaType: MediaType.ImageManifest,
        artifactType: 'application/vnd.test',
        config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
        layers: [layer],
      });
      await good.tag(art, 'v1');
      const bytes = readFileSync(join(good.location, 'blobs', 'sha256', layer.digest.slice(7)));

      // The layer alone is stored there, damaged (the manifest is not: a copy takes a stored manifest's graph as stored).
      const damaged = (await newLayout()).location;
      const path = join(damaged, 'blobs', 'sha256', layer.digest.slice(7));
      mkdirSync(join(damaged, 'blobs', 'sha256'), { recursive: true });
      writeFileSync(path, bytes);
      damage(path);
      const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${good.location}:v1`, `${damaged}:v1`);
      assert.equal(copied.code, 0, copied.stderr);
      assert.ok(readFileSync(path).equals(bytes), 'cp stored the layer again');

      damage(path);
      const file = join(tempDir(), 'layer.txt');
      writeFileSync(file, bytes);
      const pushed = await runCli('blob', 'push', '--oci-layout', damaged, file);
      assert.deepEqual([pushed.code, pushed.stderr], [0, '']);
      assert.ok(readFileSync(path).equals(bytes), 'blob push stored the layer again');
      const out = join(tempDir(), 'fetched');
      const fetched = await runCli('blob', 'fetch', '--oci-layout', `${damaged}@${layer.digest}`, '--output', out);
      assert.deepEqual([fetched.code, fetched.stderr], [0, '']);
      assert.ok(readFileSync(out).equals(bytes), 'what blob fetch reads back verifies');
    });
  }
});
