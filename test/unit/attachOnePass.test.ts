// attach reads each file once: hashed as it is written into the layout's temp file (Target.stage), published
// under its digest only when every file is read; a file that changes while it is read is refused with nothing
// visible (index.json and blobs/ unchanged, nothing left in the temp folder).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_TITLE, type Descriptor } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { attach } from '../../src/oci/referrers';
import { emptyDescriptor, packArtifactManifest } from '../../src/oci/referrers/pack';
import { code } from '../helpers/assertions';
import { tapStaging } from '../helpers/stageTap';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';

const NOW = () => new Date('2026-03-04T05:06:07.891Z');

function snapshot(store: OciLayoutStore): { index: string; blobs: string[]; temp: string[] } {
  const tmp = join(store.location, '.manifold-tmp');
  return {
    index: readFileSync(join(store.location, 'index.json'), 'utf8'),
    blobs: readdirSync(join(store.location, 'blobs', 'sha256')).sort(),
    temp: existsSync(tmp) ? readdirSync(tmp) : [],
  };
}


after(cleanupTemps);

describe('attach: one pass per file', () => {
  it('stores the same bytes and digests as hashing first would: layers, blobs on disk, the manifest bytes', async () => {
    const { store } = await makeMultiArchLayout();
    const dir = tempDir('manifold-onepass-');
    const big = Buffer.alloc(5 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    writeFileSync(join(dir, 'big.bin'), big);
    writeFileSync(join(dir, 'sbom.json'), '{"spdxVersion":"SPDX-2.3"}\n');
    const files = [
      { path: join(dir, 'big.bin'), title: 'big.bin' },
      { path: join(dir, 'sbom.json'), title: 'sbom.json', mediaType: 'application/spdx+json' },
    ];
    const subject = await store.resolve('multi');
    const { artifacts } = await attach(store, { subject: 'multi', artifactType: 'application/vnd.test', files, now: NOW });
    assert.equal(artifacts.length, 1);

    // What a two-pass attach computed: each file hashed on its own, packed the same way.
    const expectedLayers: Descriptor[] = files.map((f) => {
      const bytes = readFileSync(f.path);
      return { mediaType: f.mediaType ?? MediaType.ImageLayer, digest: digestOf(bytes), size: bytes.length, annotations: { [ANNOTATION_TITLE]: f.title } };
    });
    const expected = packArtifactManifest({
      artifactType: 'application/vnd.test',
      config: emptyDescriptor(),
      layers: expectedLayers,
      subject,
      annotations: { 'org.opencontainers.image.created': '2026-03-04T05:06:07Z' },
    });
    assert.equal(artifacts[0]!.desc.digest, expected.desc.digest);
    assert.deepEqual(artifacts[0]!.raw, expected.raw);
    assert.deepEqual(readFileSync(join(store.location, 'blobs', 'sha256', expected.desc.digest.slice(7))), expected.raw);
    for (const [i, f] of files.entries()) {
      assert.deepEqual(readFileSync(join(store.location, 'blobs', 'sha256', expectedLayers[i]!.digest.slice(7))), readFileSync(f.path), f.title);
    }
    // Nothing staged is left behind.
    assert.deepEqual(snapshot(store).temp, []);
  });

  it('a target without stage() gets the same artifact through a private copy, read once too', async () => {
    const dir = tempDir('manifold-onepass-');
    writeFileSync(join(dir, 'notes.txt'), 'notes\n');
    const files = [{ path: join(dir, 'notes.txt'), title: 'notes.txt' }];
    const { store: a } = await makeMultiArchLayout();
    const { store: b } = await makeMultiArchLayout();
    const plain = Object.create(b, { stage: { value: undefined } }) as OciLayoutStore;
    const viaStage = await attach(a, { subject: 'multi', artifactType: 'a/b', files, now: NOW });
    const viaCopy = await attach(plain, { subject: 'multi', artifactType: 'a/b', files, now: NOW });
    assert.deepEqual(viaCopy.artifacts[0]!.raw, viaStage.artifacts[0]!.raw);
    const layer = viaCopy.artifacts[0]!.manifest.layers[0]!;
    assert.deepEqual(readFileSync(join(b.location, 'blobs', 'sha256', layer.digest.slice(7))), readFileSync(files[0]!.path));
  });

  it('a file already stored is staged, found, and dropped: one blob, reported as existing', async () => {
    const { store } = await makeMultiArchLayout();
    const dir = tempDir('manifold-onepass-');
    writeFileSync(join(dir, 'a.txt'), 'same\n');
    writeFileSync(join(dir, 'b.txt'), 'same\n');
    await attach(store, { subject: 'multi', artifactType: 'a/b', files: [{ path: join(dir, 'a.txt') }], now: NOW });
    const events: string[] = [];
    const { artifacts } = await attach(store, {
      subject: 'multi',
      artifactType: 'a/c',
      files: [{ path: join(dir, 'a.txt'), title: 'a' }, { path: join(dir, 'b.txt'), title: 'b' }],
      onEvent: (e) => {
        if (e.type !== 'attached' && e.type !== 'resolved') events.push(`${e.type} ${e.name}`);
      },
    });
    // The two files are staged side by side: whichever is published first finds the blob stored; the other is dropped.
    assert.equal(events.length, 2, events.join('; '));
    assert.ok(events.includes('exists config'));
    assert.match(events.find((e) => e !== 'exists config')!, /^exists [ab]$/);
    const layers = artifacts[0]!.manifest.layers;
    assert.equal(layers[0]!.digest, layers[1]!.digest);
    assert.deepEqual(snapshot(store).temp, []);
  });

  for (const how of ['grows (appended to by a second process)', 'is rewritten with the same size'] as const) {
    it(`refuses a file that ${how} while it is read, naming it; index.json, blobs/ and the temp folder unchanged`, async () => {
      const { store } = await makeMultiArchLayout();
      const dir = tempDir('manifold-onepass-');
      const first = join(dir, 'first.txt');
      const changing = join(dir, 'changing.bin');
      writeFileSync(first, `read whole ${Date.now()}\n`);
      writeFileSync(changing, Buffer.alloc(3 << 20, 7));
      const before = snapshot(store);
      let changed = false;
      // Files are staged a few at a time: only the big one changes, once its first chunk is read.
      const target = tapStaging(store, (chunk) => {
        if (changed || chunk.length < 1024) return;
        changed = true;
        if (how.startsWith('grows')) {
          execFileSync('sh', ['-c', 'printf more >> "$0"', changing]);
        } else {
          writeFileSync(changing, Buffer.alloc(3 << 20, 8));
          const later = new Date(Date.now() + 60_000);
          utimesSync(changing, later, later); // a clock coarser than the write cannot hide it
        }
      });
      await assert.rejects(
        attach(target, {
          subject: 'multi',
          artifactType: 'a/b',
          files: [{ path: first }],
          perPlatformFiles: [{ platform: { os: 'linux', architecture: 'arm64' }, files: [{ path: changing }] }],
        }),
        code('INVALID_ARGUMENT', new RegExp(`${changing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file changed while it was read`)),
      );
      assert.ok(changed);
      assert.deepEqual(snapshot(store), before);
      // The file read whole before the refusal is not under its digest either.
      assert.equal(await store.exists({ mediaType: 'application/octet-stream', digest: digestOf(readFileSync(first)), size: readFileSync(first).length }), false);
    });
  }

  it('a missing file refuses before any file is read', async () => {
    const { store } = await makeMultiArchLayout();
    const dir = tempDir('manifold-onepass-');
    writeFileSync(join(dir, 'here.txt'), 'here\n');
    const before = snapshot(store);
    const target = tapStaging(store, () => undefined);
    await assert.rejects(
      attach(target, { subject: 'multi', artifactType: 'a/b', files: [{ path: join(dir, 'here.txt') }, { path: join(dir, 'gone.txt') }], recursive: true }),
      code('NOT_FOUND', /gone\.txt: no such file/),
    );
    assert.equal(target.stages, 0);
    assert.deepEqual(snapshot(store), before);
  });
});
