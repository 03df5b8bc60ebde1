// The bugs the seeded sweep of damaged index and manifest documents found (damagedIndexDocumentsRandom.test.ts),
// each as the small case that shows it.
import { strict as assert } from 'node:assert';
import { applyIntent, diagnose, indexModel, parseText } from '../../src/oci/indexDocument';
import { MediaType } from '../../src/oci/mediaType';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const marked = (text: string, f: { offset?: number; length?: number }) => text.slice(f.offset!, f.offset! + f.length!);

describe('index documents nested thousands deep (the sweep\'s "nested 6000 deep")', () => {
  // Before: RangeError: Maximum call stack size exceeded, from JSON.stringify in the validator and from jsonc-parser
  // (each recurses once per level), out of diagnose and indexModel on every keystroke.
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const text = `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[${deep(20_000)},{"mediaType":"${MediaType.ImageManifest}","digest":"${D('a')}","size":7}]}`;

  it('diagnose: the entry that is no descriptor, marked where it starts', async () => {
    const found = await diagnose(text);
    assert.deepEqual(found.map((f) => [f.path, f.code, f.message]), [['manifests[0]', 'wrong-type', 'a descriptor must be an object, not an array']]);
    assert.equal(found[0]!.offset, text.indexOf('[[') + 1);
  });

  it('the table: both rows, the second read in full; a row removed by its quick edit', () => {
    const model = indexModel(text);
    assert.equal(model.syntaxError, false);
    assert.equal(model.kind, 'index');
    assert.deepEqual(model.rows.map((r) => [r.index, r.digest, r.size]), [[0, undefined, undefined], [1, D('a'), 7]]);
    assert.equal(model.rows[0]!.length, 40_000);
    const fixed = applyIntent(text, { type: 'removeRow', row: 0 });
    assert.deepEqual(JSON.parse(fixed).manifests, [{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 7 }]);
  });

  it('deep and not JSON (never closed): a syntax error, edits refused', async () => {
    const open = `{"schemaVersion":2,"manifests":[${'['.repeat(20_000)}`;
    assert.equal(parseText(open).errors.length > 0, true);
    assert.equal(indexModel(open).syntaxError, true);
    assert.throws(() => applyIntent(open, { type: 'removeRow', row: 0 }), /not valid JSON/);
    const [f] = await diagnose(open);
    assert.equal(f!.code, 'invalid-json');
    // Deep but broken inside where the tree is not read: still not JSON to the table.
    const broken = `{"manifests":[${'['.repeat(20_000)}x${']'.repeat(20_000)}]}`;
    assert.equal(parseText(broken).errors.length > 0, true);
  });
});

describe('a schemaVersion of another type (the sweep\'s "nested 1500 deep" at schemaVersion)', () => {
  // Before: RangeError: Maximum call stack size exceeded (the message wrote the value with JSON.stringify), and a
  // megabyte string was written into the message whole.
  const index = (sv: string) => `{"schemaVersion":${sv},"mediaType":"${MediaType.ImageIndex}","manifests":[]}`;
  for (const [sv, shown] of [
    ['[[[]]]', 'an array'],
    [`${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'an array'],
    ['{"a":1}', 'an object'],
    ['"2"', '"2"'],
    ['"\\ud800"', '"\\ud800"'],
    [`"${'x'.repeat(100_000)}"`, `"${'x'.repeat(64)}"... (100000 characters)`],
    ['3', '3'],
    ['true', 'true'],
  ]) {
    it(`${sv.slice(0, 12)}: ${shown.slice(0, 20)}`, async () => {
      const text = index(sv!);
      const found = await diagnose(text);
      assert.deepEqual(found.map((f) => [f.path, f.code, f.message]), [['schemaVersion', 'schema-version', `schemaVersion must be the number 2, not ${shown}`]]);
      // The value, or for a list longer than a line, its key.
      assert.ok(marked(text, found[0]!) === (sv!.length > 120 && sv!.startsWith('[') ? '"schemaVersion"' : sv));
    });
  }
});
