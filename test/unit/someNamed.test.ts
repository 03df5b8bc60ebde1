import * as assert from 'node:assert/strict';
import { someNamed } from '../../src/extension/present/someNamed';

describe('someNamed: what a message shows of a long list', () => {
  it('keeps five or fewer names as they are, and counts the rest after the first five', () => {
    assert.deepEqual(someNamed([]), []);
    assert.deepEqual(someNamed(['a', 'b', 'c', 'd', 'e']), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(someNamed(['a', 'b', 'c', 'd', 'e', 'f', 'g']), ['a', 'b', 'c', 'd', 'e', '2 more']);
    assert.deepEqual(someNamed(['a', 'b', 'c'], 2), ['a', 'b', '1 more']);
  });
});
