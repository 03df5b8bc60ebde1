import { strict as assert } from 'node:assert';
import { findJsonSyntaxError } from '../../src/oci/validate/jsonSyntax';

describe('validate: locating JSON syntax errors', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['{"a":}', 5, /value expected/],
    ['{"a":1,}', 7, /trailing comma/],
    ['[1,2,]', 5, /trailing comma/],
    ['[1,2', 4, /comma or \] expected, unexpected end of input/],
    ['{"a" 1}', 5, /colon expected/],
    ['{a:1}', 1, /property name expected/],
    ['{"a":"\t"}', 6, /control character/],
    ['{"a":"\\x"}', 6, /invalid escape \\x/],
    ['{"a":"\\u12"}', 6, /invalid \\u escape/],
    ['{"a":"abc', 5, /unterminated string/],
    ['{"a":01}', 5, /invalid number/],
    ['{"a":-}', 5, /invalid number/],
    ['{"a":1.}', 5, /invalid number/],
    ['{"a":1e}', 5, /invalid number/],
    ['{"a":tru}', 5, /value expected/],
    ['{"a":1} x', 8, /after the JSON value/],
    ['{"a":1 /* c */}', 7, /comma or \} expected/],
    ['// c\n{}', 0, /comments are not JSON/],
    ['\ufeff{}', 0, /byte order mark/],
    ['', 0, /empty/],
    ['  \n ', 4, /empty/],
    ["{'a':1}", 1, /property name expected/],
    ['{"a":NaN}', 5, /value expected/],
  ];
  for (const [text, offset, reason] of cases) {
    it(`${JSON.stringify(text)} fails at ${offset}`, () => {
      assert.throws(() => JSON.parse(text));
      const found = findJsonSyntaxError(text);
      assert.ok(found, 'an error is found');
      assert.equal(found.offset, offset);
      assert.match(found.reason, reason);
    });
  }

  it('agrees with JSON.parse on valid text and on random damage', () => {
    const base = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'a/b', digest: 'sha256:00', size: -1.5e3, annotations: { 'k\u00e9': 'v "q" \\ \n \u2028 \ud83d\ude00' } }],
      t: true,
      f: false,
      n: null,
      e: [],
      o: {},
    }, null, 1);
    assert.equal(findJsonSyntaxError(base), undefined);
    // A deterministic generator, so a failure can be replayed.
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = '{}[],:"\\ 0-1.eEtrufalsn\t\nxu/*';
    for (let round = 0; round < 3000; round++) {
      const chars = [...base];
      for (let k = 1 + rand(3); k > 0; k--) {
        const at = rand(chars.length);
        const op = rand(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rand(alphabet.length)]!);
        else chars[at] = alphabet[rand(alphabet.length)]!;
      }
      const text = chars.join('');
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      assert.equal(findJsonSyntaxError(text) === undefined, valid, text);
    }
  });
});
