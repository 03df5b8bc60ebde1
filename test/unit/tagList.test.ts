import * as assert from 'node:assert/strict';
import { tagList } from '../../src/extension/commands/argValues';

describe('tagList: tags given as a command argument', () => {
  it('reads a list or a string; absent is undefined (the command asks)', () => {
    assert.deepEqual(tagList(['v1', 'latest'], 'tags'), ['v1', 'latest']);
    assert.deepEqual(tagList('v1, latest', 'tags'), ['v1', 'latest']);
    assert.equal(tagList(undefined, 'tags'), undefined);
  });

  it('refuses an empty list and a name that is no tag, naming the argument', () => {
    assert.throws(() => tagList([], 'tags'), /^OciError: tags is empty: give at least one tag$/);
    assert.throws(() => tagList(' ', 'tag'), /^OciError: tag is empty: give at least one tag$/);
    assert.throws(() => tagList(['v1', '-x'], 'tags'), /^OciError: tags\[1\]: invalid tag "-x"/);
    assert.throws(() => tagList([1], 'tags'), /tags: expected a list of strings/);
  });
});
