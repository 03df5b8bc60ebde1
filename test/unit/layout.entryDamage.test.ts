// A layout whose index.json has malformed entries, of every kind: the good entries stay usable, each bad one is
// reported with its JSON path, file and place in the text, and every write keeps the bad ones byte for byte.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

const ref = (tag: string) => ({ [ANNOTATION_REF_NAME]: tag });
const entryOf = (d: Descriptor, tag: string) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: ref(tag) });

// Bad entries as a user or another tool may leave them, each with its JSON path (after manifests[i]) and the problem it is reported with.
// Their text holds what JSON.stringify would not write back the same: indentation, an escaped character,
// a repeated key, a number beyond 2^53.
const BAD: Array<{ text: string; path: string; problem: string; tag?: string }> = [
  { text: '{ "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:C0DDF466", "size": 12, "annotations": { "org.opencontainers.image.ref.name": "bad-digest" } }', path: '.digest', tag: 'bad-digest', problem: 'invalid digest sha256:C0DDF466: sha256 needs 64 lowercase hex characters' },
  { text: `{ "digest": "sha256:${'b'.repeat(64)}", "size": 3, "annotations": { "org.opencontainers.image.ref.name": "no-type" } }`, path: '.mediaType', tag: 'no-type', problem: 'mediaType is required' },
  { text: `{ "mediaType": "x/y", "digest": "sha256:${'c'.repeat(64)}", "annotations": { "org.opencontainers.image.ref.name": "no-size" } }`, path: '.size', tag: 'no-size', problem: 'size is required' },
  { text: `{ "mediaType": "x/y", "digest": "sha256:${'d'.repeat(64)}", "size": 12345678901234567890 }`, path: '.size', problem: 'size 12345678901234567000 is not a non-negative integer (at most 2^53-1)' },
  { text: `{ "mediaType": "x/\\u0079", "digest": "sha256:${'e'.repeat(64)}", "size": "7", "size": "8" }`, path: '.size', problem: 'size must be a number, not a string' },
  { text: `{ "mediaType": "x/y", "digest": "sha256:${'f'.repeat(64)}", "size": 1, "platform": { "os": "linux" } }`, path: '.platform.architecture', problem: 'architecture is required' },
  { text: `{ "mediaType": "x/y", "digest": "sha256:${'1'.repeat(64)}", "size": 1, "annotations": { "org.opencontainers.image.ref.name": "n", "n": 1 } }`, path: '.annotations["n"]', tag: 'n', problem: 'annotation "n" must be a string, not a number' },
  { text: `{ "mediaType": "x/y", "digest": "sha256:${'2'.repeat(64)}", "size": 1, "urls": "https://example.com" }`, path: '.urls', problem: 'urls must be an array of strings, not a string' },
  { text: '"just a string"', path: '', problem: 'a descriptor must be an object, not a string' },
];

/** A layout with tags a and c (good) around the bad entries, in an indented index.json (entry i+1 on line i+4). */
async function layoutWithBadEntries(): Promise<{ dir: string; file: string; a: Descriptor; c: Descriptor; store: OciLayoutStore }> {
  const store = await newLayout();
  const a = await makeImage(store, { arch: 'amd64' });
  const c = await makeImage(store, { arch: 'arm64' });
  const file = join(store.location, 'index.json');
  const lines = [JSON.stringify(entryOf(a, 'a')), ...BAD.map((b) => b.text), JSON.stringify(entryOf(c, 'c'))];
  writeFileSync(file, `{\n  "schemaVersion": 2,\n  "manifests": [\n    ${lines.join(',\n    ')}\n  ]\n}\n`);
  return { dir: store.location, file, a, c, store: await OciLayoutStore.open(store.location) };
}

/** Every bad entry's text appears in index.json exactly as written, once, in the order written. */
function assertBadEntriesKept(file: string): void {
  const text = readFileSync(file, 'utf8');
  let from = 0;
  for (const b of BAD) {
    const at = text.indexOf(b.text, from);
    assert.notEqual(at, -1, `${b.path} not kept as written: ${b.text}\nin ${text}`);
    assert.equal(text.indexOf(b.text, at + 1), -1, `${b.text} written twice`);
    from = at + b.text.length;
  }
}

after(cleanupTemps);

describe('layout: malformed index.json entries', () => {
  let l: Awaited<ReturnType<typeof layoutWithBadEntries>>;
  beforeEach(async () => {
    l = await layoutWithBadEntries();
  });

  it('keeps the good entries usable', async () => {
    assert.deepEqual((await l.store.entries()).map((d) => d.digest), [l.a.digest, l.c.digest]);
    assert.equal((await l.store.resolve('a')).digest, l.a.digest);
    assert.equal((await l.store.resolve('c')).digest, l.c.digest);
    assert.equal((await l.store.fetchBytes(await l.store.resolve('c'))).length, l.c.size);
  });

  it('reports each bad entry with its JSON path, tag, file and place in the text', async () => {
    const damaged = await l.store.damagedEntries();
    assert.deepEqual(
      damaged.map((d) => [d.at, d.path, d.tag, d.problem]),
      BAD.map((b, i) => [i + 1, `manifests[${i + 1}]${b.path}`, b.tag, b.problem]),
    );
    const text = readFileSync(l.file, 'utf8');
    for (const [i, d] of damaged.entries()) {
      assert.equal(d.file, l.file);
      assert.equal(text.slice(d.span!.offset, d.span!.offset + d.span!.length), BAD[i]!.text, 'the span is the whole entry');
      assert.deepEqual([d.span!.start, d.span!.end], [{ line: i + 4, character: 4 }, { line: i + 4, character: 4 + BAD[i]!.text.length }]);
      assert.equal(d.error.message, `${l.file}: ${d.place}: ${d.problem}`);
    }
    assert.equal(damaged[0]!.place, 'manifests[1].digest (tag "bad-digest")');
    assert.equal(damaged[6]!.path, 'manifests[7].annotations["n"]');
    // Resolving a bad entry's tag names it rather than saying "not found".
    await assert.rejects(l.store.resolve('bad-digest'), { message: `${l.file}: manifests[1].digest (tag "bad-digest"): ${BAD[0]!.problem}` });
  });

  it('tag, untag and delete keep every bad entry byte for byte', async () => {
    await l.store.tag(l.a, 'v2');
    assertBadEntriesKept(l.file);
    await l.store.untag('c');
    assertBadEntriesKept(l.file);
    await l.store.delete(l.a);
    assertBadEntriesKept(l.file);
    const reread = await OciLayoutStore.open(l.dir);
    assert.deepEqual((await reread.damagedEntries()).map((d) => d.problem), BAD.map((b) => b.problem));
    // The good entries went as asked (a and v2 with the deleted manifest, c untagged); only they did.
    assert.deepEqual(await reread.entries(), []);
  });

  it('the CLI\'s attach, index create and tag keep every bad entry byte for byte', async () => {
    const payload = join(tempDir(), 'sbom.json');
    writeFileSync(payload, '{}');
    const attached = await runCli('attach', '--oci-layout', `${l.dir}:a`, '--artifact-type', 'application/vnd.test.sbom', '--disable-path-validation', payload);
    assert.equal(attached.code, 0, attached.stderr);
    assertBadEntriesKept(l.file);
    const created = await runCli('manifest', 'index', 'create', '--oci-layout', `${l.dir}:multi`, 'a', 'c');
    assert.equal(created.code, 0, created.stderr);
    assertBadEntriesKept(l.file);
    const tagged = await runCli('tag', '--oci-layout', `${l.dir}:multi`, 'latest');
    assert.equal(tagged.code, 0, tagged.stderr);
    assertBadEntriesKept(l.file);
    const tags = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'text');
    assert.deepEqual(tags.stdout.split('\n').filter(Boolean).sort(), ['a', 'c', 'latest', 'multi']);
  });

  it('still refuses structural damage, naming the file and the place', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"schemaVersion":2,"manifests":[', /index\.json: malformed JSON/],
      ['{"schemaVersion":2,"manifests":{"a":1}}', /index\.json: "manifests" is not a list$/],
      ['{"schemaVersion":3,"manifests":[]}', /index\.json: schemaVersion is 3, expected 2$/],
      [`{"schemaVersion":2,"manifests":[],"subject":{"mediaType":"x/y","digest":"sha256:C0DDF466","size":1}}`, /index\.json: subject\.digest: invalid digest sha256:C0DDF466/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(l.file, text);
      await assert.rejects(OciLayoutStore.open(l.dir), (err: Error) => message.test(err.message) && err.message.startsWith(l.file), text);
    }
  });
});
