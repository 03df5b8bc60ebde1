import * as assert from 'node:assert/strict';
import { decodedText, encodedBytes } from '../../src/extension/indexEditor/encodedBytes';

describe('Index editor: the bytes a save writes', () => {
  it('adds the byte order mark of UTF-8 with a mark and of UTF-16, and leaves plain UTF-8 to the text', () => {
    assert.deepEqual(encodedBytes('{}', 'utf8bom'), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
    assert.deepEqual(encodedBytes('{}', 'utf16le'), Buffer.from([0xff, 0xfe, 0x7b, 0, 0x7d, 0]));
    assert.deepEqual(encodedBytes('{}', 'utf16be'), Buffer.from([0xfe, 0xff, 0, 0x7b, 0, 0x7d]));
    assert.equal(encodedBytes('{}', 'utf8'), undefined);
    assert.equal(encodedBytes('{}', 'windows1252'), undefined);
  });

  it('reads saved bytes back as VS Code shows them: without the mark', () => {
    for (const encoding of ['utf8bom', 'utf16le', 'utf16be']) assert.equal(decodedText(encodedBytes('{"a":"é"}', encoding)!), '{"a":"é"}', encoding);
    assert.equal(decodedText(Buffer.from('{"a":1}')), '{"a":1}');
  });
});
