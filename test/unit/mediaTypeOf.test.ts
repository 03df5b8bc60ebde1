import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mediaTypeOf, mediaTypeOfContent } from '../../src/oci/artifacts/mediaTypeOf';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('mediaTypeOf: the media type of a file pushed or attached without one', () => {
  const cases: Array<[string, string, string]> = [
    ['an SPDX JSON SBOM by its marker, whatever its name', 'sbom.json', '{\n  "spdxVersion": "SPDX-2.3",\n  "name": "x"\n}'],
    ['an SPDX JSON SBOM by its name', 'app.spdx.json', '{}'],
    ['a CycloneDX JSON SBOM by its marker', 'bom.json', '{"bomFormat": "CycloneDX", "specVersion": "1.5"}'],
    ['a CycloneDX JSON SBOM by its name', 'app.cdx.json', '{}'],
    ['an SPDX tag-value document', 'sbom.txt', 'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n'],
    ['a CycloneDX XML SBOM', 'bom.xml', '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"></bom>'],
    ['other JSON by its name', 'settings.JSON', 'not even json'],
    ['other JSON by its content', 'data', '[1, 2, {"a": true}]'],
    ['text', 'notes.txt', 'hello {'],
    ['a file starting with { that is not JSON', 'x.conf', '{ not json'],
  ];
  const expected = [
    'application/spdx+json',
    'application/spdx+json',
    'application/vnd.cyclonedx+json',
    'application/vnd.cyclonedx+json',
    'text/spdx',
    'application/vnd.cyclonedx+xml',
    'application/json',
    'application/json',
    'application/vnd.oci.image.layer.v1.tar',
    'application/vnd.oci.image.layer.v1.tar',
  ];
  cases.forEach(([what, name, content], i) => {
    it(`${what}: ${expected[i]}`, async () => {
      const path = join(tempDir('manifold-mediatype-'), name);
      writeFileSync(path, content);
      assert.equal(await mediaTypeOf(path), expected[i]);
    });
  });

  it('a large file is judged by its first 64 KiB: JSON without a .json name needs the whole to parse', () => {
    const head = Buffer.from(`[${'1,'.repeat(40_000)}`);
    assert.equal(mediaTypeOfContent('numbers', head, false), 'application/vnd.oci.image.layer.v1.tar');
    const sbom = Buffer.from(`{"spdxVersion":"SPDX-2.3","packages":[${'{},'.repeat(30_000)}`);
    assert.equal(mediaTypeOfContent('big-sbom', sbom, false), 'application/spdx+json');
  });

  it('a byte-order mark does not hide JSON', () => {
    assert.equal(mediaTypeOfContent('x', Buffer.from('\uFEFF{"bomFormat":"CycloneDX"}'), true), 'application/vnd.cyclonedx+json');
  });

  it('a binary file is a layer', async () => {
    const path = join(tempDir('manifold-mediatype-'), 'blob.bin');
    writeFileSync(path, Buffer.from([0, 1, 2, 0xff, 0x7b]));
    assert.equal(await mediaTypeOf(path), 'application/vnd.oci.image.layer.v1.tar');
  });

  it('a missing file fails naming it', async () => {
    await assert.rejects(mediaTypeOf('/nonexistent/manifold/x.json'), /x\.json/);
  });
});
