// A manifest another tool wrote whose config descriptor is malformed: listing the tags names the field, rather
// than reading the config with a size that is no number ("size 78, expected [object Object]").
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

describe('repo tags on an image whose config descriptor is malformed', () => {
  for (const [size, problem] of [
    [{ mediaType: 'x/y' }, 'size must be a number, not an object'],
    ['151', 'size must be a number, not a string'],
  ] as const) {
    it(`names the tag and config.size (${JSON.stringify(size)}), lists the other tags, exit 1`, async () => {
      const store = await newLayout();
      await store.tag(await makeImage(store, { arch: 'amd64' }), 'good');
      const dir = store.location;
      const put = (bytes: Buffer): string => {
        const hex = createHash('sha256').update(bytes).digest('hex');
        writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
        return `sha256:${hex}`;
      };
      const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const m = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: { mediaType: MediaType.ImageConfig, digest: put(config), size }, layers: [] }));
      const manifest = put(m);
      const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
      index.manifests.push({ mediaType: MediaType.ImageManifest, digest: manifest, size: m.length, annotations: { 'org.opencontainers.image.ref.name': 'odd' } });
      writeFileSync(join(dir, 'index.json'), JSON.stringify(index));

      const r = await runCli('repo', 'tags', '--oci-layout', dir);
      assert.equal(r.code, 1);
      const rows = r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
      assert.deepEqual(rows.map(([tag, digest, type, platform]) => [tag, digest, type, platform]), [
        ['good', rows[0]![1], 'image', 'linux/amd64'],
        ['odd', manifest, 'unknown', 'error: not a valid manifest'],
      ]);
      assert.equal(r.stderr, `Error: tag "odd": config.size: ${problem}\n`);
    });
  }
});
