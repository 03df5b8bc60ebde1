// The webview pages show stored names with a copy of the core's shownName (media/shared/shownName.ts: a page may
// not import src/oci). The copy must answer as the original does, or the table and the tree would show one name
// two ways: checked here for every code point, and for the names the core's own tests use.
import * as assert from 'node:assert/strict';
import * as core from '../../src/oci/shownName';
import * as page from '../../media/shared/shownName';

describe("the webview pages' shownName (media/shared) is the core's", () => {
  it('finds the same characters unseen, for every code point and every lone surrogate', () => {
    const differ: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const c = String.fromCodePoint(cp);
      if (page.holdsUnseen(c) !== core.holdsUnseen(c)) differ.push(cp.toString(16));
    }
    assert.deepEqual(differ.slice(0, 20), []);
  });

  it('quotes and escapes names alike', () => {
    const names = ['latest', '', ' v1', 'v1 ', 'v1\u202e3.0.1', 'latest\u200b', 'x\nlatest', 'esc\u001b[31mred', 'bom\ufeff', 'tag\u{e0041}', 'half\ud800', 'no\u00a0break', 'café', '日本語', 'say "hi"', 'linux/arm64/v\u202e8'];
    for (const name of names) {
      assert.equal(page.shownName(name), core.shownName(name), JSON.stringify(name));
      assert.equal(page.quotedText(name), core.quotedText(name), JSON.stringify(name));
    }
    assert.equal(page.shownName('v1\u202e3.0.1'), '"v1\\u202e3.0.1"');
  });
});
