// isWithin: the one test of "is this path in that folder" that layout discovery, the tar export and pull share.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { isWithin } from '../../src/oci/pathWithin';

describe('isWithin', () => {
  const layout = resolve('/work/layouts/app');

  it('takes the folder itself and anything below it, a name that starts with two dots included', () => {
    assert.ok(isWithin(layout, layout));
    assert.ok(isWithin(layout, join(layout, 'blobs', 'sha256', 'abc')));
    assert.ok(isWithin(layout, join(layout, '..backup.tar')), 'a file named ..backup.tar is in the layout');
    assert.ok(isWithin(layout, join(layout, '...')));
    assert.ok(isWithin(`${layout}/`, join(layout, 'index.json')), 'a trailing separator on the folder');
  });

  it('refuses the parent, siblings (one whose name extends the folder\'s too) and paths that climb out', () => {
    assert.ok(!isWithin(layout, resolve('/work/layouts')));
    assert.ok(!isWithin(layout, resolve('/work/layouts/app2')));
    assert.ok(!isWithin(layout, resolve('/work/layouts/app..b')));
    assert.ok(!isWithin(layout, join(layout, '..', 'other')));
    assert.ok(!isWithin(layout, resolve('/elsewhere')));
  });
});
