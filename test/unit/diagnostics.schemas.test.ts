// The JSON schemas contributed through `jsonValidation` (hover and completion in `*.oci-index.json` and
// `*.oci-manifest.json`): present, well-formed, and agreeing with the validator on real documents.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { MediaType } from '../../src/oci/mediaType';

const root = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const schema = (name: string) => JSON.parse(readFileSync(join(root, 'schemas', name), 'utf8'));
const D = (c: string) => `sha256:${c.repeat(64)}`;

import Ajv from 'ajv';

describe('diagnostics: JSON schemas', () => {
  it('package.json names each schema file, for file names that are OCI documents by convention', () => {
    const entries: { fileMatch: string | string[]; url: string }[] = pkg.contributes.jsonValidation;
    assert.deepEqual(entries.map((e) => [e.fileMatch, e.url]), [
      ['*.oci-index.json', './schemas/image-index.schema.json'],
      ['*.oci-manifest.json', './schemas/image-manifest.schema.json'],
    ]);
    for (const e of entries) assert.ok(existsSync(join(root, e.url)), e.url);
  });

  const index = encodeIndex({
    schemaVersion: 2,
    mediaType: MediaType.ImageIndex,
    manifests: [{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 10, platform: { architecture: 'arm', os: 'linux', variant: 'v7' }, annotations: { a: 'b' } }],
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  }).toString();
  const manifest = encodeManifest({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: { mediaType: MediaType.ImageConfig, digest: D('c'), size: 2 },
    layers: [{ mediaType: MediaType.ImageLayerGzip, digest: D('d'), size: 3 }],
  }).toString();

  const cases: Array<[string, string, unknown, boolean]> = [
    ['an index', 'image-index.schema.json', JSON.parse(index), true],
    ['an index without platform os', 'image-index.schema.json', { ...JSON.parse(index), manifests: [{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 1, platform: { architecture: 'amd64' } }] }, false],
    ['an index with a string size', 'image-index.schema.json', { ...JSON.parse(index), manifests: [{ mediaType: MediaType.ImageManifest, digest: D('a'), size: '1' }] }, false],
    ['an index with a non-string annotation', 'image-index.schema.json', { ...JSON.parse(index), annotations: { a: 1 } }, false],
    ['a manifest', 'image-manifest.schema.json', JSON.parse(manifest), true],
    ['a manifest without layers', 'image-manifest.schema.json', { ...JSON.parse(manifest), layers: undefined }, false],
    ['a manifest with schemaVersion 1', 'image-manifest.schema.json', { ...JSON.parse(manifest), schemaVersion: 1 }, false],
  ];
  for (const [title, file, doc, valid] of cases) {
    it(`${title}: ${valid ? 'valid' : 'invalid'}`, () => {
      const check = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema(file));
      assert.equal(check(JSON.parse(JSON.stringify(doc))), valid, JSON.stringify(check.errors));
    });
  }
});
