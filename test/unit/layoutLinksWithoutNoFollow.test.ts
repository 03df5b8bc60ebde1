// Windows has no O_NOFOLLOW: an open there follows a symbolic link (or a junction) wherever it leads. regularFile.ts
// then looks at the name before the open and compares the file opened with it after. Here that path runs on Linux
// (O_NOFOLLOW taken as missing, so the opens really follow links) and must refuse a blob linked out of the layout
// on every read, with the very words an O_NOFOLLOW open gives, while regular blobs and links inside still read.
import { strict as assert } from 'node:assert';
import { closeSync, existsSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOpenedFile, openInLayoutSync, openLinks } from '../../src/oci/layout/regularFile';
import { DirSource } from '../../src/oci/layout/source';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';
import { helloLayout as layout, type HelloLayout as Layout, LAYER } from './helloLayout';

/** `path` replaced by a link to a file outside the layout holding the same bytes; returns that file. */
function linkOut(path: string): string {
  const outside = join(tempDir(), 'private.bin');
  writeFileSync(outside, readFileSync(path));
  rmSync(path);
  symlinkSync(outside, path);
  return outside;
}

const refusal = (path: string, outside: string) => `${path} is a symbolic link to ${outside}, outside the layout: Manifold reads a layout's files only inside it`;

/** What each read of the layout says about the layer linked out (stderr of the CLI, the message of a call). */
async function readsOfLinkedLayer(l: Layout): Promise<Record<string, string>> {
  const out = tempDir();
  const said: Record<string, string> = {};
  const fetched = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(out, 'out.bin'));
  said['blob fetch (a stream)'] = `${fetched.code} ${fetched.stderr}`;
  const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:v1`, `${join(out, 'copy')}:v1`);
  said['cp (copy out)'] = `${copied.code} ${copied.stderr}`;
  const pulled = await runCli('pull', '--oci-layout', `${l.dir}:v1`, '-o', join(out, 'files'));
  said['pull'] = `${pulled.code} ${pulled.stderr}`;
  const checked = await runCli('check', '--oci-layout', `${l.dir}:v1`);
  said['check'] = `${checked.code} ${checked.stderr}${/symbolic link/.test(checked.stdout) ? '(stdout names the link)' : ''}`;
  const read = await new DirSource(l.dir).readFile(`blobs/sha256/${l.layer.digest.slice(7)}`, Infinity, l.layer.size).then(
    () => 'read',
    (err: Error) => err.message,
  );
  said['readFile (a blob read whole)'] = read;
  said['tar export'] = await writeLayoutTar(l.dir, join(out, 'out.tar')).then(
    () => 'written',
    (err: Error) => err.message,
  );
  assert.equal(existsSync(join(out, 'out.bin')), false);
  assert.equal(existsSync(join(out, 'copy', 'blobs', 'sha256', l.layer.digest.slice(7))), false);
  return said;
}

describe('layout reads without O_NOFOLLOW (as on Windows), run on Linux', function () {
  this.timeout(20_000);
  const had = openLinks.refusedByOpen;
  afterEach(() => (openLinks.refusedByOpen = had));
  after(cleanupTemps);

  it('a blob linked to a file outside the layout is refused by every read, in the same words as with O_NOFOLLOW', async () => {
    assert.equal(had, true, 'this machine has O_NOFOLLOW: the comparison below needs it');
    const l = await layout();
    const outside = linkOut(l.layerPath);
    const withFlag = await readsOfLinkedLayer(l);
    openLinks.refusedByOpen = false;
    const without = await readsOfLinkedLayer(l);
    assert.deepEqual(without, withFlag);
    const said = refusal(l.layerPath, outside);
    assert.equal(without['blob fetch (a stream)'], `1 Error: ${said}\n`);
    assert.equal(without['cp (copy out)'], `1 Error: ${said}\n`);
    assert.equal(without['pull'], `1 Error: ${said}\n`);
    assert.equal(without['readFile (a blob read whole)'], said);
    assert.equal(without['tar export'], said);
    assert.match(without['check']!, /^1 /);
    assert.equal(readFileSync(outside, 'utf8'), LAYER);
  });

  it('a manifest blob and index.json linked out: refused by the small reads (read whole, holds) as with O_NOFOLLOW', async () => {
    const l = await layout();
    const manifestOutside = linkOut(l.manifestPath);
    const indexOutside = linkOut(join(l.dir, 'index.json'));
    const reads = async () => {
      const source = new DirSource(l.dir);
      const manifest = await source.readFile(`blobs/sha256/${l.art.digest.slice(7)}`).then(() => 'read', (err: Error) => err.message);
      const index = await source.readFile('index.json').then(() => 'read', (err: Error) => err.message);
      const holds = await source.holds('index.json', readFileSync(indexOutside)).then(String, (err: Error) => err.message);
      const tags = await runCli('repo', 'tags', '--oci-layout', l.dir);
      return { manifest, index, holds, tags: `${tags.code} ${tags.stderr}` };
    };
    const withFlag = await reads();
    openLinks.refusedByOpen = false;
    const without = await reads();
    assert.deepEqual(without, withFlag);
    assert.equal(without.manifest, refusal(l.manifestPath, manifestOutside));
    assert.equal(without.index, refusal(join(l.dir, 'index.json'), indexOutside));
    assert.equal(without.holds, refusal(join(l.dir, 'index.json'), indexOutside));
  });

  it('regular blobs, and a blob linked to a file inside the layout, still read: blob fetch, cp, check', async () => {
    openLinks.refusedByOpen = false;
    const l = await layout();
    const out = tempDir();
    const fetched = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(out, 'a.bin'));
    assert.deepEqual([fetched.code, fetched.stderr], [0, '']);
    assert.equal(readFileSync(join(out, 'a.bin'), 'utf8'), LAYER);
    const checked = await runCli('check', '--oci-layout', `${l.dir}:v1`);
    assert.deepEqual([checked.code, checked.stderr], [0, '']);

    writeFileSync(join(l.dir, 'blobs', 'hello.txt'), LAYER);
    rmSync(l.layerPath);
    symlinkSync('../hello.txt', l.layerPath);
    const viaLink = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(out, 'b.bin'));
    assert.deepEqual([viaLink.code, viaLink.stderr], [0, '']);
    assert.equal(readFileSync(join(out, 'b.bin'), 'utf8'), LAYER);
    const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:v1`, `${join(out, 'copy')}:v1`);
    assert.deepEqual([copied.code, copied.stderr], [0, '']);
    assert.equal(readFileSync(join(out, 'copy', 'blobs', 'sha256', l.layer.digest.slice(7)), 'utf8'), LAYER);
  });

  it('a link to itself still says it loops; a missing blob is missing', async () => {
    openLinks.refusedByOpen = false;
    const l = await layout();
    rmSync(l.layerPath);
    symlinkSync(l.layer.digest.slice(7), l.layerPath);
    const r = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(tempDir(), 'out.bin'));
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${l.layerPath} is a symbolic link that loops: the layout is damaged\n`]);
    assert.equal(openInLayoutSync(l.dir, join(l.dir, 'blobs', 'sha256', '0'.repeat(64))), undefined);
    assert.equal(openInLayoutSync(l.dir, join(l.dir, 'index.json', 'below-a-file')), undefined);
  });

  it('the check after the open: a file opened from elsewhere than the name (a swap between lstat and open) is not taken', async () => {
    const l = await layout();
    const outside = join(tempDir(), 'private.bin');
    writeFileSync(outside, LAYER);
    const fd = openSync(outside, 'r'); // what a swap to a link, then back, would leave open
    try {
      assert.equal(isOpenedFile(fd, l.layerPath), false);
    } finally {
      closeSync(fd);
    }
    rmSync(l.layerPath);
    symlinkSync(outside, l.layerPath);
    const viaLink = openSync(l.layerPath, 'r'); // the name is a link now, even to the very file opened
    try {
      assert.equal(isOpenedFile(viaLink, l.layerPath), false);
    } finally {
      closeSync(viaLink);
    }
    const own = openSync(l.manifestPath, 'r');
    try {
      assert.equal(isOpenedFile(own, l.manifestPath), true);
    } finally {
      closeSync(own);
    }
  });
});
