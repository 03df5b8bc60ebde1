import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, pushBlob, tempDir, writeTar, type TarEntry } from './builders';
import { code, collect, readStream } from '../helpers/assertions';

const LAYOUT = '{"imageLayoutVersion":"1.0.0"}';
const EMPTY_INDEX = '{"schemaVersion":2,"manifests":[]}';

after(cleanupTemps);

describe('layout: tar archives', () => {
  for (const format of ['gnu', 'posix', 'ustar']) {
    it(`reads a layout tar made by tar -cf --format=${format}`, async () => {
      const store = await newLayout();
      const img = await makeImage(store);
      await store.tag(img, 'v1');
      const file = join(tempDir(), 'layout.tar');
      execFileSync('tar', ['-cf', file, `--format=${format}`, '-C', store.location, '.']);
      const tar = await OciLayoutStore.openTar(file);
      assert.equal((await tar.resolve('v1')).digest, img.digest);
      assert.ok((await tar.fetchBytes(img)).equals(await store.fetchBytes(img)));
    });
  }

  it('reads a layout tar made by tar -cf, read-only', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64' });
    const index = await makeIndex(store, [amd, arm]);
    await store.tag(index, 'multi');
    const sig = await makeArtifact(store, { subject: index, artifactType: 'application/example.sig' });
    const big = Buffer.alloc(2 * 1024 * 1024 + 3, 1);
    const bigDesc = await pushBlob(store, big);
    const file = join(tempDir(), 'layout.tar');
    execFileSync('tar', ['-cf', file, '-C', store.location, '.']);

    const tar = await OciLayoutStore.openTar(file);
    assert.equal(tar.readOnly, true);
    assert.deepEqual(await collect(tar.tags()), ['multi']);
    assert.equal((await tar.resolve('multi')).digest, index.digest);
    assert.deepEqual(await tar.resolve(amd.digest), { mediaType: MediaType.ImageManifest, digest: amd.digest, size: amd.size });
    assert.ok((await tar.fetchBytes(index)).equals(await store.fetchBytes(index)));
    assert.ok((await readStream(await tar.fetch(bigDesc))).equals(big));
    assert.deepEqual((await collect(tar.referrers(index))).map((d) => d.digest), [sig.digest]);

    await assert.rejects(tar.push(bigDesc, big), code('READ_ONLY'));
    await assert.rejects(tar.tag(index, 'x'), code('READ_ONLY'));
    await assert.rejects(tar.untag('multi'), code('READ_ONLY'));
    await assert.rejects(tar.delete(index), code('READ_ONLY'));
    const missing = { mediaType: MediaType.ImageLayer, digest: digestOf(Buffer.from('no')), size: 2 };
    await assert.rejects(tar.fetch(missing), code('NOT_FOUND', new RegExp(missing.digest)));
  });

  it('verifies blobs read from a tar', async () => {
    const good = Buffer.from('good bytes');
    const digest = digestOf(good);
    const file = join(tempDir(), 'bad.tar');
    writeTar(file, [
      { name: 'oci-layout', body: LAYOUT },
      { name: 'index.json', body: EMPTY_INDEX },
      { name: `blobs/sha256/${digest.slice(7)}`, body: 'evil bytes' },
    ]);
    const tar = await OciLayoutStore.openTar(file);
    const desc = { mediaType: MediaType.ImageLayer, digest, size: good.length };
    await assert.rejects(readStream(await tar.fetch(desc)), code('DIGEST_MISMATCH', new RegExp(`blob ${digest}`)));
    await assert.rejects(tar.fetchBytes(desc), code('DIGEST_MISMATCH'));
  });

  it('reads pax path records, hard links and symlinks that stay inside', async () => {
    const blob = Buffer.from('linked blob');
    const hex = digestOf(blob).slice(7);
    const file = join(tempDir(), 'links.tar');
    writeTar(file, [
      { name: 'oci-layout', body: LAYOUT, pax: true },
      { name: 'index.json', body: EMPTY_INDEX },
      { name: 'store/data', body: blob },
      { name: `blobs/sha256/${hex}`, type: '1', linkname: 'store/data' },
      { name: 'blobs/sha512', type: '2', linkname: 'sha256' },
    ]);
    const tar = await OciLayoutStore.openTar(file);
    const desc = { mediaType: MediaType.ImageLayer, digest: `sha256:${hex}`, size: blob.length };
    assert.ok((await tar.fetchBytes(desc)).equals(blob));
    assert.equal(await tar.exists(desc), true);
  });

  const escapes: Array<[string, TarEntry, RegExp]> = [
    ['an entry with ..', { name: '../evil', body: 'x' }, /entry \.\.\/evil leaves the layout/],
    ['an entry with .. inside', { name: 'blobs/../../evil', body: 'x' }, /entry blobs\/\.\.\/\.\.\/evil/],
    ['an absolute entry', { name: '/etc/passwd', body: 'x' }, /entry \/etc\/passwd has an absolute path/],
    ['a symlink to /etc', { name: 'blobs/sha256/etc', type: '2', linkname: '/etc' }, /entry blobs\/sha256\/etc is a symlink to the absolute path \/etc/],
    ['a symlink climbing out', { name: 'blobs/up', type: '2', linkname: '../../outside' }, /entry blobs\/up links to \.\.\/\.\.\/outside, outside the layout/],
    ['a hard link out', { name: 'blobs/hard', type: '1', linkname: '../outside' }, /entry blobs\/hard links to \.\.\/outside/],
    ['a pax path with ..', { name: '../pax-evil', body: 'x', pax: true }, /entry \.\.\/pax-evil/],
  ];
  for (const [what, entry, message] of escapes) {
    it(`refuses ${what} (PATH_ESCAPE naming it)`, async () => {
      const file = join(tempDir(), 'evil.tar');
      writeTar(file, [{ name: 'oci-layout', body: LAYOUT }, { name: 'index.json', body: EMPTY_INDEX }, entry]);
      await assert.rejects(OciLayoutStore.openTar(file), code('PATH_ESCAPE', message));
    });
  }

  it('refuses a real symlink to /etc archived by tar', async () => {
    const store = await newLayout();
    symlinkSync('/etc', join(store.location, 'blobs', 'etc'));
    const file = join(tempDir(), 'symlink.tar');
    execFileSync('tar', ['-cf', file, '-C', store.location, '.']);
    await assert.rejects(OciLayoutStore.openTar(file), code('PATH_ESCAPE', /\.\/blobs\/etc is a symlink to the absolute path \/etc/));
  });

  it('refuses archives that are not layouts, naming the file', async () => {
    const dir = tempDir();
    writeTar(join(dir, 'no-layout.tar'), [{ name: 'index.json', body: EMPTY_INDEX }]);
    await assert.rejects(OciLayoutStore.openTar(join(dir, 'no-layout.tar')), code('INVALID_LAYOUT', /oci-layout in .*no-layout\.tar: missing/));
    writeTar(join(dir, 'truncated.tar'), [{ name: 'oci-layout', body: LAYOUT }, { name: 'index.json', body: '{"schemaVersion":2,"manif' }]);
    await assert.rejects(OciLayoutStore.openTar(join(dir, 'truncated.tar')), code('INVALID_LAYOUT', /index\.json in .*truncated\.tar: malformed JSON/));
    writeFileSync(join(dir, 'garbage.tar'), Buffer.alloc(1024, 0x41));
    await assert.rejects(OciLayoutStore.openTar(join(dir, 'garbage.tar')), code('INVALID_LAYOUT', /garbage\.tar: not a tar archive/));
    writeFileSync(join(dir, 'layout.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, ...Buffer.alloc(1020)]));
    await assert.rejects(OciLayoutStore.openTar(join(dir, 'layout.tar.gz')), code('UNSUPPORTED', /compressed/));
    await assert.rejects(OciLayoutStore.openTar(join(dir, 'absent.tar')), code('NOT_FOUND'));
  });
});
