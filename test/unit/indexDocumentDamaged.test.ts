// The bugs the seeded sweep of damaged index and manifest documents found (damagedIndexDocumentsRandom.test.ts),
// each as the small case that shows it.
import { strict as assert } from 'node:assert';
import type { ImageIndex } from '../../src/oci/descriptor';
import { applyIntent, diagnose, duplicateFindings, indexModel, parseText } from '../../src/oci/indexDocument';
import type { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, makeMultiArchLayout } from './builders';

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

describe('messages quote what the text holds that cannot be seen (the sweep\'s lone surrogates)', () => {
  // Before: the layout checks and the duplicate entries wrote the listed mediaType, platform and digest as they
  // were: a lone surrogate (U+D800, which the Problems panel shows as U+FFFD) or a zero-width space made
  // "platform linux/amd64\u200b contradicts the image's config (linux/amd64)" read as a contradiction of nothing.
  let store: OciLayoutStore;
  let index: ImageIndex;
  before(async () => {
    const made = await makeMultiArchLayout();
    store = made.store;
    index = JSON.parse((await store.fetchBytes(made.index)).toString());
  });
  after(cleanupTemps);

  const run = async (change: (d: ImageIndex) => void) => {
    const doc = structuredClone(index);
    change(doc);
    return (await diagnose(JSON.stringify(doc, null, 2), { layout: store })).map((f) => [f.path, f.code, f.message]);
  };

  it('a platform: quoted, escaped', async () => {
    assert.deepEqual(await run((d) => (d.manifests[0]!.platform!.architecture = 'amd64\ud800')), [
      ['manifests[0].platform', 'platform-mismatch', `platform "linux/amd64\\ud800" contradicts the image's config (linux/amd64): the architecture differs`],
    ]);
  });

  it('a mediaType: quoted, escaped (the validator\'s own finding says it is no media type)', async () => {
    const found = await run((d) => (d.manifests[1]!.mediaType = `${MediaType.ImageManifest}\u200b`));
    assert.deepEqual(found.find((f) => f[1] === 'blob-media-type-mismatch'), [
      'manifests[1].mediaType',
      'blob-media-type-mismatch',
      `mediaType "${MediaType.ImageManifest}\\u200b" differs from the ${MediaType.ImageManifest} that ${index.manifests[1]!.digest} declares`,
    ]);
  });

  it('a duplicate entry\'s digest and platform: quoted, escaped', () => {
    const entry = (digest: string, architecture: string) => ({ mediaType: MediaType.ImageManifest, digest, size: 1, platform: { architecture, os: 'linux' } });
    const [digest] = duplicateFindings({ manifests: [entry('x\ud800', 'a'), entry('x\ud800', 'b')] });
    assert.equal(digest!.message, 'manifests[1] lists "x\\ud800" again (as manifests[0] does): clients use the first, the second is only weight');
    const [platform] = duplicateFindings({ manifests: [entry(D('a'), 'arm\u202e'), entry(D('b'), 'arm\u202e')] });
    assert.equal(platform!.message, 'manifests[1] is a second image for "linux/arm\\u202e" (manifests[0] is the first): clients pulling "linux/arm\\u202e" get manifests[0], never this one');
  });
});
