import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

/** A layout tagging `v1`: an artifact whose one titled layer's descriptor has `size` (and title) as given, written as another tool might. */
async function artifactWithLayerSize(size: unknown, title: unknown = 'hello.txt'): Promise<{ dir: string; manifest: string }> {
  const store = await newLayout();
  const dir = store.location;
  const put = (bytes: Buffer): string => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return `sha256:${hex}`;
  };
  put(Buffer.from(EMPTY_JSON));
  const layer = put(Buffer.from('hello\n'));
  const m = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.test',
      config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
      layers: [{ mediaType: 'text/plain', digest: layer, size, annotations: { 'org.opencontainers.image.title': title } }],
    }),
  );
  const manifest = put(m);
  const index = join(dir, 'index.json');
  const doc = JSON.parse(readFileSync(index, 'utf8'));
  doc.manifests.push({ mediaType: MediaType.ImageManifest, digest: manifest, size: m.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
  writeFileSync(index, JSON.stringify(doc));
  return { dir, manifest };
}

describe('pull of a manifest whose titled layer has a malformed descriptor', () => {
  for (const [size, problem] of [
    ['6', 'size must be a number, not a string'],
    [-5, 'size -5 is not a non-negative integer (at most 2^53-1)'],
  ] as const) {
    it(`names the manifest and the layer (size ${JSON.stringify(size)}), exit 1, and writes nothing`, async () => {
      const { dir, manifest } = await artifactWithLayerSize(size);
      const out = join(tempDir(), 'out');
      const r = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', out);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: manifest ${manifest}: layers[0].size: ${problem}\n`]);
      assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
    });
  }
});

describe('pull of a manifest whose layer title is not a string', () => {
  for (const title of [{}, 5, ['a.txt']]) {
    it(`names the manifest and the annotation (${JSON.stringify(title)}), exit 1, and writes nothing (it threw "name.replace is not a function")`, async () => {
      const { dir, manifest } = await artifactWithLayerSize(6, title);
      const out = join(tempDir(), 'out');
      const r = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', out);
      const expected = `Error: manifest ${manifest}: layers[0].annotations["org.opencontainers.image.title"]: the file name must be a string, not ${JSON.stringify(title)}\n`;
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', expected]);
      assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
    });
  }
});
