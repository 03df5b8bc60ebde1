// The tag column of a layout's index.json in the index editor: a name typed there follows the Tag command's rules.
import * as assert from 'node:assert/strict';
import { indexModel } from '../../src/oci/indexDocument';
import { tagEditProblem } from '../../src/extension/indexEditor/tagEdit';

const REF = 'org.opencontainers.image.ref.name';
const entry = (c: string, tag?: string) => JSON.stringify({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${c.repeat(64)}`, size: 1, ...(tag ? { annotations: { [REF]: tag } } : {}) });
const model = indexModel(`{"schemaVersion":2,"manifests":[${entry('a', 'v1')},${entry('b', 'v2')},${entry('c')}]}`);
const rename = (row: number, value: string) => tagEditProblem(model, { type: 'setAnnotation', row, key: REF, value });

describe('index editor: a tag typed in the table of a layout index.json', () => {
  it('a valid, unused tag is fine; so is an entry keeping its own tag', () => {
    assert.equal(rename(2, 'v3'), undefined);
    assert.equal(rename(0, 'v1'), undefined);
    assert.equal(rename(1, 'a'.repeat(128)), undefined);
  });

  it('a name the Tag command refuses is refused, naming the entry and why', () => {
    for (const bad of ['a'.repeat(129), 'my tag', '.hidden', 'app@sha256:x', '../up', 'a/b']) {
      assert.match(rename(2, bad) ?? '', /^manifests\[2\]: invalid tag .*: a tag is 1 to 128 of \[A-Za-z0-9_.-\], not starting with \. or -$/, bad);
    }
  });

  it('a tag another entry has is refused, naming that entry', () => {
    assert.equal(rename(2, 'v1'), 'manifests[2]: the tag v1 already names manifests[0]: untag that entry first (the Tag command moves a tag).');
  });

  it('other annotations are not tags', () => {
    assert.equal(tagEditProblem(model, { type: 'setAnnotation', row: 2, key: 'note', value: 'my tag' }), undefined);
    assert.equal(tagEditProblem(model, { type: 'setAnnotation', key: REF, value: 'my tag' }), undefined);
  });
});
