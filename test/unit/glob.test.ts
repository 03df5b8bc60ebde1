import assert from 'node:assert/strict';
import { globMatches } from '../../src/oci/glob';

/** What the patterns meant when they were RegExps: `*` is `.*` (newlines too), the rest literal. */
function byRegExp(pattern: string, text: string, ignoreCase = false): boolean {
  const source = pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(text);
}

describe('globMatches', () => {
  it('matches `*` as any run of characters, none and newlines included, and the rest literally', () => {
    assert.equal(globMatches('*end-of-life.date', 'vnd.microsoft.artifact.lifecycle.end-of-life.date'), true);
    assert.equal(globMatches('*end-of-life.date', 'end-of-life.date'), true);
    assert.equal(globMatches('*.lifecycle.v*', 'application/vnd.example.lifecycle.v1'), true);
    assert.equal(globMatches('a*b*c', 'a\nb\nc'), true);
    assert.equal(globMatches('a.b', 'aXb'), false);
    assert.equal(globMatches('ab*ba', 'aba'), false, 'the prefix and the suffix may not overlap');
    assert.equal(globMatches('*', ''), true);
    assert.equal(globMatches('**', 'x'), true);
    assert.equal(globMatches('Linux/*', 'linux/arm64', true), true);
    assert.equal(globMatches('Linux/*', 'linux/arm64'), false);
  });

  it('agrees with the RegExp it replaced on 20,000 random patterns and texts', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const pick = (alphabet: string, most: number) => Array.from({ length: next() % (most + 1) }, () => alphabet[next() % alphabet.length]).join('');
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const pattern = pick('ab*.A', 7);
      const text = pick('abA.\n', 9);
      const ignoreCase = i % 3 === 0;
      const want = byRegExp(pattern, text, ignoreCase);
      assert.equal(globMatches(pattern, text, ignoreCase), want, `${JSON.stringify(pattern)} against ${JSON.stringify(text)}${ignoreCase ? ' (any case)' : ''}`);
      if (want) matched++;
    }
    assert.ok(matched > 2000, `both outcomes are exercised (${matched} matched)`);
  });

  it('a pattern of many stars against a megabyte value from a registry is answered (the RegExp backtracked without end)', () => {
    const text = 'a'.repeat(1 << 20);
    assert.equal(globMatches('*a*a*a*a*a*a*a*a*a*b', text), false);
    assert.equal(globMatches('*a*a*a*a*a*a*a*a*a*a', text), true);
  });
});
