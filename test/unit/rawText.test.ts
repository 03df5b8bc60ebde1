import * as assert from 'node:assert/strict';
import { rawText } from '../../src/extension/present/rawText';

describe('rawText: a damaged document\'s bytes as text', () => {
  it('gives text that is plain UTF-8 back as it is, JSON escapes and all', () => {
    const text = '{"a":"caf\u00e9 \\u00e9\\n","b":[1,\n\t2]}\r\n';
    assert.equal(rawText(Buffer.from(text)), text);
  });

  it('writes each byte that is not text as \\xNN: not UTF-8, control characters, a byte order mark, C1 controls', () => {
    assert.equal(rawText(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41])), '\\x1f\\x8b\\x08\\x00A');
    assert.equal(rawText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])), '\\xef\\xbb\\xbf{}');
    assert.equal(rawText(Buffer.from('a\u0085b\u007f')), 'a\\xc2\\x85b\\x7f');
    // A sequence cut short, an overlong form, a surrogate: each byte escaped; the valid characters around them kept.
    assert.equal(rawText(Buffer.from([0xe2, 0x82, 0x41, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xe2, 0x82, 0xac])), '\\xe2\\x82A\\xc0\\xaf\\xed\\xa0\\x80\u20ac');
  });

  it('writes a backslash before an x as \\x5c, so each \\x shown is an escape', () => {
    assert.equal(rawText(Buffer.from('\\x41\u0000')), '\\x5cx41\\x00');
    assert.equal(rawText(Buffer.from('\\x41')), '\\x5cx41');
  });
});
