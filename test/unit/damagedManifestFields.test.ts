// Documents another tool wrote with malformed fields, each found by random mutation (damagedLayoutsRandom.test.ts):
// the field is named, or shown as the JSON it holds, never read as what it is not ("size 78, expected [object
// Object]", "[object Object]/unknown", "name.startsWith is not a function").
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestOf, verifyBytes, verifyingStream } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { formatPlatform, platformMatches } from '../../src/oci/platform';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tagRawDocument, writeRawBlob } from './builders';

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
      const config = writeRawBlob(dir, JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const m = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: { mediaType: MediaType.ImageConfig, digest: config, size }, layers: [] });
      const manifest = tagRawDocument(dir, m, MediaType.ImageManifest, 'odd');

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

describe('a platform whose fields are not strings', () => {
  it('is shown as the JSON it holds and matches no platform asked for', () => {
    const odd = { os: {}, architecture: 'amd64', variant: 7 } as never;
    assert.equal(formatPlatform(odd), '{}/amd64/7');
    assert.equal(platformMatches({ os: 'linux', architecture: 'amd64' }, odd), false);
    assert.equal(platformMatches({ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: ['amd64'] } as never), false);
  });

  it('repo tags and discover show it so, not as [object Object]', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const dir = store.location;
    tagRawDocument(dir, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [amd, { ...amd, platform: { os: {}, architecture: 'unknown' } }] }), MediaType.ImageIndex, 'odd');

    const tags = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.equal(tags.code, 0, tags.stderr);
    assert.match(tags.stdout, /odd +sha256:[0-9a-f]{64} +index +multi-arch \(linux\/amd64, \{\}\/unknown\)\n/);
    const discover = await runCli('discover', '--oci-layout', `${dir}:odd`, '--recursive');
    assert.equal(discover.code, 0, discover.stderr);
    assert.match(discover.stdout, /\{\}\/unknown/);
    assert.doesNotMatch(tags.stdout + discover.stdout, /object Object/);
  });
});

describe('a descriptor whose size is no number, read leniently', () => {
  it('a read checked against it names the blob and the size, not "expected [object Object]"', async () => {
    const bytes = Buffer.from('{}');
    const expected = { digest: digestOf(bytes), size: { n: 1 } as unknown as number };
    const message = `blob ${expected.digest} in here: the descriptor's size {"n":1} is not a number`;
    assert.throws(() => verifyBytes(bytes, expected, ' in here'), { code: 'INVALID_MANIFEST', message });
    const stream = verifyingStream(expected, ' in here');
    await assert.rejects(pipeline(Readable.from([bytes]), stream, new Writable({ write: (_c, _e, done) => done() })), { code: 'INVALID_MANIFEST', message });
  });
});

describe('other fields found damaged at random', () => {
  it('discover --recursive on an attestation entry whose reference digest is no string: no label, no crash', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const dir = store.location;
    const entry = { ...amd, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': {} } };
    tagRawDocument(dir, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [amd, entry] }), MediaType.ImageIndex, 'odd');
    const r = await runCli('discover', '--oci-layout', `${dir}:odd`, '--recursive');
    assert.equal(r.code, 0, r.stderr); // was "name.startsWith is not a function"
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('Image ')), ['Image index', 'Image manifest [1] linux/amd64', 'Image manifest [2] unknown/unknown']);
  });

  it('an index.json without schemaVersion says it is missing, not "undefined"', async () => {
    const store = await newLayout();
    writeFileSync(join(store.location, 'index.json'), JSON.stringify({ mediaType: MediaType.ImageIndex, manifests: [] }));
    const r = await runCli('repo', 'tags', '--oci-layout', store.location);
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${join(store.location, 'index.json')}: schemaVersion is missing, expected 2\n`]);
  });
});

describe('cp prints a layer title from another tool as text', () => {
  /** A layout tagging `odd`: an artifact whose one layer has `title`, written as another tool might have. */
  async function titled(title: unknown): Promise<{ dir: string; layer: string; manifest: string }> {
    const store = await newLayout();
    const dir = store.location;
    const layer = writeRawBlob(dir, 'hello');
    const config = writeRawBlob(dir, '{}');
    const layers = [{ mediaType: 'application/vnd.test.file', digest: layer, size: 5, annotations: { 'org.opencontainers.image.title': title } }];
    const manifest = tagRawDocument(dir, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.test', config: { mediaType: MediaType.Empty, digest: config, size: 2 }, layers }), MediaType.ImageManifest, 'odd');
    return { dir, layer, manifest };
  }

  it('title {}: the manifest is refused, naming the field, before its layer is copied (no Copying line, never [object Object])', async () => {
    const { dir, manifest } = await titled({});
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${dir}:odd`, `${dir}-copy:odd`);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, `Error: manifest ${manifest}: layers[0].annotations["org.opencontainers.image.title"]: annotation "org.opencontainers.image.title" must be a string, not an object\n`);
    assert.doesNotMatch(r.stdout, /Copying|object Object/);
    const blobs = join(`${dir}-copy`, 'blobs', 'sha256');
    assert.deepEqual(existsSync(blobs) ? readdirSync(blobs) : [], []);
  });

  it('title "notes\\u202e.txt": quoted on the Copying line', async () => {
    const { dir, layer } = await titled('notes\u202e.txt');
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${dir}:odd`, `${dir}-copy:odd`);
    assert.ok(r.stdout.split('\n').includes(`Copying ${layer.slice(7, 19)} "notes\\u202e.txt"`), r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /object Object|\u202e/);
  });
});

describe('an index entry that is no descriptor, asked for a platform', () => {
  it('manifest fetch --platform skips a null entry and one whose os is no string; the error lists the real platforms', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const odd = { ...amd, platform: { os: {}, architecture: 'arm64' } };
    const index = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [null, odd, amd] });
    const digest = tagRawDocument(store.location, index, MediaType.ImageIndex, 'odd');
    const found = await runCli('manifest', 'fetch', '--oci-layout', `${store.location}:odd`, '--platform', 'linux/amd64', '--descriptor');
    assert.equal(found.code, 0, found.stderr); // was "Cannot read properties of null (reading 'platform')"
    assert.equal(JSON.parse(found.stdout).digest, amd.digest);
    const missing = await runCli('manifest', 'fetch', '--oci-layout', `${store.location}:odd`, '--platform', 'linux/arm64');
    assert.deepEqual([missing.code, missing.stderr], [1, `Error: no manifest for platform linux/arm64 in the index ${digest}; it has linux/amd64\n`]);
    const wildcard = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${store.location}:odd`, `${store.location}-copy:odd`, '--platform', 'linux/*', '--dry-run', '--format', 'json');
    assert.equal(wildcard.code, 0, wildcard.stderr);
  });
});
