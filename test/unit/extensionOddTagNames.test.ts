// Names another tool wrote into index.json, as the Layouts view and the tag pickers show them: one that holds a
// control character or an invisible one (a zero-width space, a right-to-left override) is quoted with that character
// escaped, so `latest\u200b` cannot pass for `latest`, nor a newline for another row; any other name as it is.
import * as assert from 'node:assert/strict';
import { shownTag } from '../../src/extension/present/format';
import { tagItem } from '../../src/extension/present/items';
import { MediaType } from '../../src/oci/mediaType';

const desc = { mediaType: MediaType.ImageManifest, digest: `sha256:${'a'.repeat(64)}`, size: 1 };

describe('extension: odd tag names in the Layouts view', () => {
  it('a name with an invisible or control character is quoted, escaped; others are as written', () => {
    assert.equal(shownTag('latest\u200b'), '"latest\\u200b"');
    assert.equal(shownTag('\u202etsetal'), '"\\u202etsetal"');
    assert.equal(shownTag('x\nlatest'), '"x\\nlatest"');
    assert.equal(shownTag('csi\u009b31m'), '"csi\\u009b31m"');
    assert.equal(shownTag('bom\ufeff'), '"bom\\ufeff"');
    assert.equal(shownTag('tag\u{e0041}'), '"tag\\udb40\\udc41"');
    for (const plain of ['latest', 'v1.0-rc_1', 'example.com/team/app:1.0', 'bad tag', 'café', '日本語']) assert.equal(shownTag(plain), plain);
  });

  it('a tag row is labelled so, its tooltip titled so', () => {
    const item = tagItem({ tag: 'latest\u200b', desc });
    assert.equal(item.label, '"latest\\u200b"');
    assert.ok(!item.tooltip!().includes('\u200b'), item.tooltip!());
  });
});
