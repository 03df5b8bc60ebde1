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

describe('a value a megabyte long is cut in the message (the sweep\'s "a 1000000-character string")', () => {
  // Before: the whole value went into the message: a mediaType, digest, annotation, url or tag a megabyte long gave
  // a megabyte message in the Problems panel (and on the terminal, from check).
  const long = 'a'.repeat(1_000_000);
  const cut = `"${'a'.repeat(64)}"... (1000000 characters)`;
  const entry = { mediaType: MediaType.ImageManifest, digest: D('a'), size: 1 };
  const index = (change: (d: Record<string, unknown> & { manifests: Array<Record<string, unknown>> }) => void) => {
    const doc = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ ...entry }] };
    change(doc);
    return JSON.stringify(doc);
  };
  for (const [what, text, code, message] of [
    ['a mediaType', index((d) => (d.manifests[0]!.mediaType = long)), 'invalid-media-type', `mediaType ${cut} is not a valid media type (RFC 6838: type/subtype)`],
    ['a digest', index((d) => (d.manifests[0]!.digest = `sha256:${long}`)), 'invalid-digest', `invalid digest "sha256:${'a'.repeat(57)}"... (1000007 characters): sha256 needs 64 lowercase hex characters`],
    ['a digest not of the form', index((d) => (d.manifests[0]!.digest = long)), 'invalid-digest', `invalid digest ${cut}: not of the form algorithm:hex`],
    ['a created time', index((d) => (d.annotations = { 'org.opencontainers.image.created': long })), 'invalid-annotation', `org.opencontainers.image.created ${cut} is not an RFC 3339 date-time`],
    ['a url', index((d) => (d.manifests[0]!.urls = [long])), 'invalid-url', `${cut} is not an absolute URL (RFC 3986)`],
    ['an annotation key', index((d) => (d.annotations = { [long]: 1 })), 'annotation-not-string', `annotation ${cut} must be a string, not a number`],
  ] as const) {
    it(what, async () => {
      const found = await diagnose(text);
      assert.deepEqual(found.map((f) => [f.code, f.message]), [[code, message]]);
    });
  }

  it('a key written twice', async () => {
    const text = `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[],"annotations":{"${long}":"1","${long}":"2"}}`;
    const found = await diagnose(text);
    assert.deepEqual(found.map((f) => [f.code, f.message]), [['duplicate-key', `key ${cut} appears more than once in this object (the last one is used)`]]);
  });

  it('a duplicate entry\'s digest, a platform against the config', async () => {
    const [dup] = duplicateFindings({ manifests: [{ ...entry, digest: long }, { ...entry, digest: long }] });
    assert.equal(dup!.message, `manifests[1] lists ${cut} again (as manifests[0] does): clients use the first, the second is only weight`);
    const { store, index: made } = await makeMultiArchLayout();
    const doc = JSON.parse((await store.fetchBytes(made)).toString()) as ImageIndex;
    doc.manifests[0]!.platform!.os = long;
    const found = await diagnose(JSON.stringify(doc), { layout: store });
    assert.deepEqual(found.map((f) => [f.code, f.message]), [['platform-mismatch', `platform "${'a'.repeat(64)}"... (1000006 characters) contradicts the image's config (linux/amd64): the os differs`]]);
  });
});

describe('a key written twice inside an object that is itself written twice (the sweep\'s seed 1841)', () => {
  // Before: the finding was located by its path alone, which names the last copy of what holds the key: the
  // Problems panel marked "0" or {"b":"x"} in the last copy, not the key written again in the first.
  it('the key in the first copy of annotations', async () => {
    const text = `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[],"annotations":{"a":"1","a":"2"},"annotations":{"b":"x"}}`;
    const found = await diagnose(text);
    assert.deepEqual(found.map((f) => [f.path, f.code, marked(text, f), f.offset]), [
      ['annotations["a"]', 'duplicate-key', '"a"', text.indexOf('"a":"2"')],
      ['annotations', 'duplicate-key', '"annotations"', text.lastIndexOf('"annotations"')],
    ]);
  });

  it('the key in the first copy of a platform', async () => {
    const platform = '{"architecture":"arm64","architecture":"amd64","os":"linux"}';
    const text = `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[{"mediaType":"${MediaType.ImageManifest}","digest":"${D('a')}","size":1,"platform":${platform},"platform":{"architecture":0,"os":"linux"}}]}`;
    const found = await diagnose(text);
    const dup = found.find((f) => f.path === 'manifests[0].platform.architecture' && f.code === 'duplicate-key');
    assert.equal(marked(text, dup!), '"architecture"');
    assert.equal(dup!.offset, text.indexOf('"architecture":"amd64"'));
  });
});

describe('deep values the first fix left (the sweep\'s seeds 47 and 78, 1-1500 after a member-removal damage was added)', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('a value nested 3,000 deep: the table reads it (getNodeValue recursed over a tree jsonc-parser could still build)', () => {
    // Before: RangeError: Maximum call stack size exceeded from getNodeValue in readModel, on a tree parseTree built.
    const text = `{"schemaVersion":2,"manifests":[{"digest":"${D('a')}","size":1,"annotations":{"a":${deep(3000)}}}]}`;
    const parsed = parseText(text);
    assert.deepEqual(parsed.errors, []);
    const model = indexModel(text);
    assert.deepEqual(model.rows.map((r) => [r.digest, r.size, r.annotations]), [[D('a'), 1, {}]]);
  });

  it('a platform variant of another type: the validator reports it, the duplicate check does not compare it', async () => {
    // Before: RangeError: Maximum call stack size exceeded from JSON.stringify (formatPlatform) in the duplicate check.
    const entry = (c: string, variant: string) => `{"mediaType":"${MediaType.ImageManifest}","digest":"${D(c)}","size":1,"platform":{"architecture":"arm","os":"linux","variant":${variant}}}`;
    const text = `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[${entry('a', deep(20_000))},${entry('b', deep(20_000))},${entry('c', '7')},${entry('d', '7')}]}`;
    const found = await diagnose(text);
    assert.deepEqual(found.map((f) => [f.path, f.code, f.message]), [
      ['manifests[0].platform.variant', 'invalid-platform', 'variant must be a string, not an array'],
      ['manifests[1].platform.variant', 'invalid-platform', 'variant must be a string, not an array'],
      ['manifests[2].platform.variant', 'invalid-platform', 'variant must be a string, not a number'],
      ['manifests[3].platform.variant', 'invalid-platform', 'variant must be a string, not a number'],
    ]);
    assert.deepEqual(duplicateFindings(JSON.parse(text)), []);
  });
});

describe('a string left open before deep nesting (the sweep\'s seed 4123: 8 characters deleted, then nesting 30,000 deep)', () => {
  // Before: RangeError: Maximum call stack size exceeded from jsonc-parser: the depth scan read the rest of the text
  // as the open string, while jsonc-parser ends a string at the line's end and went on into the brackets.
  const text = `{\n  "schemaVersion": 2,\n  "manifests": [\n    "abc\n${'['.repeat(30_000)}${']'.repeat(30_000)}\n  ]\n}\n`;

  it('not JSON: the syntax error where the string breaks, the table refuses edits', async () => {
    const [f, ...rest] = await diagnose(text);
    assert.deepEqual(rest, []);
    assert.equal(f!.code, 'invalid-json');
    assert.match(f!.message, /line 4, column 9 \(offset 49\): control character in a string/);
    assert.equal(indexModel(text).syntaxError, true);
    assert.throws(() => applyIntent(text, { type: 'removeRow', row: 0 }), /not valid JSON/);
  });
});

describe('an invalid escape before a character of two UTF-16 units or one that cannot be seen (the sweep\'s seed 6526)', () => {
  // Before: "invalid escape \" and the first half of 😀's surrogate pair (a lone surrogate in the Problems panel), or
  // a line break written into the message.
  for (const [escaped, shown] of [
    ['\\😀', 'invalid escape \\😀'],
    ['\\\n', 'invalid escape \\ before U+000A'],
    ['\\\ud800', 'invalid escape \\ before U+D800'],
    ['\\\u200b', 'invalid escape \\ before U+200B'],
    ['\\x', 'invalid escape \\x'],
  ]) {
    it(shown!, async () => {
      const text = `{"schemaVersion":2,"manifests":[],"annotations":{"a":"b${escaped}"}}`;
      const [f, ...rest] = await diagnose(text);
      assert.deepEqual(rest, []);
      assert.equal(f!.message, `invalid JSON at line 1, column 56 (offset 55): ${shown}`);
    });
  }
});
