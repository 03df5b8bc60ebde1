import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { indexTar } from '../../src/oci/layout/tar';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { collect } from '../helpers/assertions';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeMultiArchLayout, tempDir } from './builders';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('cp --to-oci-layout out.tar (layout tar export)', () => {
  after(cleanupTemps);
  let layout: string;
  let indexDigest: string;
  let sbom: string;

  before(async () => {
    const { store, index } = await makeMultiArchLayout();
    layout = store.location;
    indexDigest = index.digest;
    sbom = (await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json' })).digest;
  });

  it('gives the same bytes for the same content, whatever the copy order', async () => {
    const dir = tempDir();
    const a = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'a.tar:v1'), '-r', '--concurrency', '1');
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'b.tar:v1'), '-r', '--concurrency', '5');
    assert.equal(b.code, 0, b.stderr);
    const bytesA = readFileSync(join(dir, 'a.tar'));
    const bytesB = readFileSync(join(dir, 'b.tar'));
    assert.ok(bytesA.equals(bytesB));
    // Pinned: the builders' content is deterministic, so a change of the tar encoding shows here.
    assert.equal(sha256(bytesA), 'sha256:72ccae1d14540d98cef6141ef0f26adb0f30ef51148ead1d1913e1d676d2a6c3');
    assert.match(a.stdout, new RegExp(`Wrote ${join(dir, 'a.tar')} \\(${bytesA.length} bytes, ${sha256(bytesA)}\\)`));
    // Only the hidden staging folder and temp file were beside it, and they are gone.
    assert.deepEqual(readdirSync(dir).sort(), ['a.tar', 'b.tar']);
  });

  it('holds the copied graph and its referrers, sorted, with a fixed owner, mode and time', async () => {
    const dir = tempDir();
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'out.tar:v1,latest'), '-r');
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, 'out.tar');
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim().split('\n');
    const names = listing.map((l) => l.split(/\s+/).pop()!);
    assert.deepEqual(names, [...names].sort((x, y) => Buffer.compare(Buffer.from(x.replace(/\/$/, '')), Buffer.from(y.replace(/\/$/, '')))));
    assert.deepEqual(names.slice(0, 2), ['blobs/', 'blobs/sha256/']);
    assert.deepEqual(names.slice(-2), ['index.json', 'oci-layout']);
    for (const line of listing) assert.match(line, /^(drwxr-xr-x|-rw-r--r--) 0\/0 +\d+ 1970-01-01 00:00 /);
    const tar = await OciLayoutStore.openTar(file);
    assert.equal((await tar.resolve('v1')).digest, indexDigest);
    assert.equal((await tar.resolve('latest')).digest, indexDigest);
    const referrers = [];
    for await (const d of tar.referrers(await tar.resolve('v1'))) referrers.push(d.digest);
    assert.deepEqual(referrers, [sbom]);
    // Every blob of the source, byte for byte, under the same digest.
    for (const name of names.filter((n) => n.startsWith('blobs/sha256/') && n.length > 14)) {
      const digest = `sha256:${name.slice(13)}`;
      assert.ok((await tar.fetchBytes(await tar.resolveBlob(digest))).equals(readFileSync(join(layout, name))));
    }
  });

  it('writes a path over 100 bytes (a sha512 blob) with a pax record that GNU tar and our reader both read', async () => {
    const dir = tempDir();
    const src = join(dir, 'layout');
    const hex = createHash('sha512').update('x').digest('hex');
    mkdirSync(join(src, 'blobs', 'sha512'), { recursive: true });
    writeFileSync(join(src, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(src, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    writeFileSync(join(src, 'blobs', 'sha512', hex), 'x');
    const result = await writeLayoutTar(src, join(dir, 'out.tar'));
    assert.deepEqual(result.entries, ['blobs/', `blobs/sha512/`, `blobs/sha512/${hex}`, 'index.json', 'oci-layout']);
    const names = execFileSync('tar', ['-tf', join(dir, 'out.tar')], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(names, result.entries);
    const index = await indexTar(join(dir, 'out.tar'));
    assert.equal(index.files.get(`blobs/sha512/${hex}`)?.size, 1);
  });

  it('refuses a missing source with an Error naming it, and leaves nothing under the name or beside it', async () => {
    const dir = tempDir();
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:nope`, join(dir, 'out.tar:v1'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*nope/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a copy by digest, which tags nothing, lists its root untagged in the tar', async () => {
    const dir = tempDir();
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}@${indexDigest}`, join(dir, 'd.tar'));
    assert.equal(r.code, 0, r.stderr);
    const tar = await OciLayoutStore.openTar(join(dir, 'd.tar'));
    assert.deepEqual((await tar.entries()).map((d) => [d.digest, d.annotations]), [[indexDigest, undefined]]);
    assert.equal((await tar.resolve(indexDigest)).digest, indexDigest);
    // Tagged, the root is listed once, under its tag.
    const t = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}@${indexDigest}`, join(dir, 't.tar:v1'));
    assert.equal(t.code, 0, t.stderr);
    assert.deepEqual((await (await OciLayoutStore.openTar(join(dir, 't.tar'))).entries()).map((d) => d.digest), [indexDigest]);
  });

  it('writes a layout folder that is named x.tar as a folder, as before', async () => {
    const dir = tempDir();
    await OciLayoutStore.open(join(dir, 'x.tar'), { create: true });
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'x.tar:v1'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await (await OciLayoutStore.open(join(dir, 'x.tar'))).resolve('v1')).digest, indexDigest);
    assert.doesNotMatch(r.stdout, /Wrote/);
  });

  it('replaces a layout tar already under the name (an earlier export), or an empty file, atomically', async () => {
    const dir = tempDir();
    const first = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'out.tar:old'));
    assert.equal(first.code, 0, first.stderr);
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'out.tar'));
    assert.equal(r.code, 0, r.stderr);
    const tar = await OciLayoutStore.openTar(join(dir, 'out.tar'));
    assert.equal((await tar.resolve('multi')).digest, indexDigest);
    assert.deepEqual(await collect(tar.tags()), ['multi']); // replaced, not added to
    writeFileSync(join(dir, 'empty.tar'), '');
    const e = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, 'empty.tar'));
    assert.equal(e.code, 0, e.stderr);
    assert.equal((await (await OciLayoutStore.openTar(join(dir, 'empty.tar'))).resolve('multi')).digest, indexDigest);
    assert.deepEqual(readdirSync(dir).sort(), ['empty.tar', 'out.tar']);
  });

  it('keeps any other file under the name: a tar of something else, or a file that is no tar', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'notes.txt'), 'my work\n');
    execFileSync('tar', ['-cf', join(dir, 'work.tar'), '-C', dir, 'src']);
    writeFileSync(join(dir, 'report.tar'), 'not a tar at all');
    for (const name of ['work.tar', 'report.tar']) {
      const before = readFileSync(join(dir, name));
      const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:multi`, join(dir, `${name}:v1`));
      assert.equal(r.code, 1, name);
      assert.equal(r.stderr, `Error: ${join(dir, name)}: a file that is not an OCI layout tar is already there; only a layout tar (an earlier export) is replaced: move it away or choose another name\n`);
      assert.ok(readFileSync(join(dir, name)).equals(before), `${name} is kept byte for byte`);
    }
    // Nothing was staged beside them.
    assert.deepEqual(readdirSync(dir).sort(), ['report.tar', 'src', 'work.tar']);
  });
});
