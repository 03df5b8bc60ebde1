// One way to show a name another tool stored (index.json's ref.name, a registry's tag list) to a person, for the CLI
// and the extension alike: as it is, or quoted with what cannot be seen escaped.
import * as assert from 'node:assert/strict';
import { holdsUnseen, quotedText, shownName, visibleMessage } from '../../src/oci/shownName';
import { runCli } from '../helpers/runCli';

describe('shownName: a stored name as a person is shown it', () => {
  it('quotes a name holding a control character, escaped as JSON writes it (C1 ones too)', () => {
    assert.equal(shownName('x\nlatest'), '"x\\nlatest"');
    assert.equal(shownName('esc\u001b[31mred'), '"esc\\u001b[31mred"');
    assert.equal(shownName('del\u007f'), '"del\\u007f"');
    assert.equal(shownName('csi\u009b31m'), '"csi\\u009b31m"');
  });

  it('quotes a name holding an invisible format character: zero-width space, bidi override or isolate, BOM, others', () => {
    assert.equal(shownName('latest\u200b'), '"latest\\u200b"');
    assert.equal(shownName('\u202etsetal'), '"\\u202etsetal"');
    assert.equal(shownName('v1\u202a\u202b\u202c\u202d'), '"v1\\u202a\\u202b\\u202c\\u202d"');
    assert.equal(shownName('a\u2066b\u2067c\u2068d\u2069'), '"a\\u2066b\\u2067c\\u2068d\\u2069"');
    assert.equal(shownName('bom\ufeff'), '"bom\\ufeff"');
    assert.equal(shownName('soft\u00adhyphen'), '"soft\\u00adhyphen"');
    assert.equal(shownName('word\u2060joiner'), '"word\\u2060joiner"');
    // A tag character, past U+FFFF: its two UTF-16 units, as JSON escapes such a character.
    assert.equal(shownName('tag\u{e0041}'), '"tag\\udb40\\udc41"');
  });

  it('quotes line separators, a lone surrogate, a variation selector and spaces that pass for another', () => {
    assert.equal(shownName('a\u2028b'), '"a\\u2028b"');
    assert.equal(shownName('a\u2029b'), '"a\\u2029b"');
    assert.equal(shownName('half\ud800'), '"half\\ud800"');
    assert.equal(shownName('v\ufe0f1'), '"v\\ufe0f1"');
    assert.equal(shownName('no\u00a0break'), '"no\\u00a0break"');
    assert.equal(shownName('wide\u3000space'), '"wide\\u3000space"');
  });

  it('quotes a name that is empty or begins or ends with a space, so where it ends shows', () => {
    assert.equal(shownName(''), '""');
    assert.equal(shownName('latest '), '"latest "');
    assert.equal(shownName(' latest'), '" latest"');
  });

  it('leaves any other name as it is: valid tags, references, letters of any script, a space inside', () => {
    for (const plain of ['latest', 'v1.0-rc_1', 'sha256-' + 'a'.repeat(64), 'example.com/team/app:1.0', 'bad tag', 'café', 'über', 'ü', '日本語', '태그', 'ñandú', 'a\u0301', '😀', 'say "hi"']) {
      assert.equal(shownName(plain), plain, JSON.stringify(plain));
      assert.equal(holdsUnseen(plain), false, JSON.stringify(plain));
    }
  });

  it('quotedText always quotes, as JSON does, with what cannot be seen escaped too; JSON reads it back', () => {
    for (const text of ['latest', 'say "hi" \\ there', 'x\u202ey\u200bz\n\u009b', 'tag\u{e0041}', '日本語']) {
      assert.equal(JSON.parse(quotedText(text)), text);
      assert.ok(!holdsUnseen(quotedText(text)), quotedText(text));
    }
    assert.equal(quotedText('say "hi"'), '"say \\"hi\\""');
  });

  it('visibleMessage escapes what cannot be seen in a message, but its line breaks and tabs', () => {
    assert.equal(visibleMessage('plain message: café'), 'plain message: café');
    assert.equal(visibleMessage('tag v1\u202e3.0 in\tdir\nnext line\x1b[2J\r'), 'tag v1\\u202e3.0 in\tdir\nnext line\\u001b[2J\\u000d');
  });
});

describe('the CLI error line', () => {
  it('shows what it quotes from the user or a file with invisible characters escaped', async () => {
    // A path holding a bidi override: the message names it, and the rest of the line keeps its order.
    const r = await runCli('repo', 'tags', '--oci-layout', '/nonexistent/lay\u202eout');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*lay\\u202eout/);
    assert.ok(!r.stderr.includes('\u202e'), r.stderr);
  });
});
