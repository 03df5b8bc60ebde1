import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatLayoutReference, parseLayoutReference, shortDigest } from '../../src/oci/reference';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

const D = `sha256:${'ab'.repeat(32)}`;

after(cleanupTemps);

describe('layout references', () => {
  const cases: Array<[string, { path: string; reference?: string; extraTags: string[] }, boolean?]> = [
    ['dir', { path: 'dir', reference: undefined, extraTags: [] }],
    ['dir:v1', { path: 'dir', reference: 'v1', extraTags: [] }],
    ['a/b:c/dir:v1', { path: 'a/b:c/dir', reference: 'v1', extraTags: [] }],
    [`dir@${D}`, { path: 'dir', reference: D, extraTags: [] }],
    ['dir:t1,t2,t3', { path: 'dir', reference: 't1', extraTags: ['t2', 't3'] }, true],
    // An @ in a folder name (a home folder named after an e-mail address): no digest holds a path separator.
    ['/home/me@corp/app:v1', { path: '/home/me@corp/app', reference: 'v1', extraTags: [] }],
    ['me@corp/app', { path: 'me@corp/app', reference: undefined, extraTags: [] }],
    [`me@corp/app@${D}`, { path: 'me@corp/app', reference: D, extraTags: [] }],
    ['C:\\Users\\me@corp\\app:v1', { path: 'C:\\Users\\me@corp\\app', reference: 'v1', extraTags: [] }],
  ];
  for (const [raw, want, allowTagList] of cases) {
    it(`parses ${raw}`, () => assert.deepEqual(parseLayoutReference(raw, { allowTagList }), want));
  }
  it('refuses a tag list where one tag is expected', () => assert.throws(() => parseLayoutReference('dir:a,b'), /only one tag/));
  it('refuses a bad digest', () => assert.throws(() => parseLayoutReference('dir@sha256:../../x'), /invalid digest/));
  it('pushes to and resolves a tag in a layout under a folder with @ in its name', async () => {
    const dir = join(tempDir('manifold-at-'), 'me@corp', 'app');
    const pushed = await runCli('push', '--oci-layout', `${dir}:v1`);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.ok(existsSync(join(dir, 'oci-layout')));
    const resolved = await runCli('resolve', '--oci-layout', `${dir}:v1`);
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal(resolved.stdout.trim(), pushed.stdout.match(/Digest: (\S+)/)![1]);
  });
  it('DIR:tag@digest names the folder DIR:tag, as oras reads it; when DIR is the layout the error says how to name it', async () => {
    const dir = join(tempDir('manifold-tagdigest-'), 'app');
    const pushed = await runCli('push', '--oci-layout', `${dir}:v1`);
    assert.equal(pushed.code, 0, pushed.stderr);
    const digest = pushed.stdout.match(/Digest: (\S+)/)![1]!;
    const both = await runCli('resolve', '--oci-layout', `${dir}:v1@${digest}`);
    assert.equal(both.code, 1);
    assert.equal(both.stderr, `Error: ${dir}:v1/oci-layout: missing; ${dir}:v1 is not an OCI image layout; a layout reference names a tag or a digest, not both: ${dir}:v1 or ${dir}@<digest>\n`);
  });
  it('refuses a bad tag', () => assert.throws(() => parseLayoutReference('dir:-bad'), /invalid tag "-bad"/));
  it('refuses an empty path', () => assert.throws(() => parseLayoutReference(':v1'), /empty file path/));
  it('formats', () => {
    assert.equal(formatLayoutReference('dir', 'v1'), 'dir:v1');
    assert.equal(formatLayoutReference('dir', D), `dir@${D}`);
    assert.equal(shortDigest(D), 'abababababab');
  });
});
