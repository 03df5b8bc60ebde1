import { strict as assert } from 'node:assert';
import { formatLayoutReference, parseLayoutReference, shortDigest } from '../../src/oci/reference';

const D = `sha256:${'ab'.repeat(32)}`;

describe('layout references', () => {
  const cases: Array<[string, { path: string; reference?: string; extraTags: string[] }, boolean?]> = [
    ['dir', { path: 'dir', reference: undefined, extraTags: [] }],
    ['dir:v1', { path: 'dir', reference: 'v1', extraTags: [] }],
    ['a/b:c/dir:v1', { path: 'a/b:c/dir', reference: 'v1', extraTags: [] }],
    [`dir@${D}`, { path: 'dir', reference: D, extraTags: [] }],
    ['dir:t1,t2,t3', { path: 'dir', reference: 't1', extraTags: ['t2', 't3'] }, true],
  ];
  for (const [raw, want, allowTagList] of cases) {
    it(`parses ${raw}`, () => assert.deepEqual(parseLayoutReference(raw, { allowTagList }), want));
  }
  it('refuses a tag list where one tag is expected', () => assert.throws(() => parseLayoutReference('dir:a,b'), /only one tag/));
  it('refuses a bad digest', () => assert.throws(() => parseLayoutReference('dir@sha256:../../x'), /invalid digest/));
  it('refuses a bad tag', () => assert.throws(() => parseLayoutReference('dir:-bad'), /invalid tag "-bad"/));
  it('refuses an empty path', () => assert.throws(() => parseLayoutReference(':v1'), /empty file path/));
  it('formats', () => {
    assert.equal(formatLayoutReference('dir', 'v1'), 'dir:v1');
    assert.equal(formatLayoutReference('dir', D), `dir@${D}`);
    assert.equal(shortDigest(D), 'abababababab');
  });
});
