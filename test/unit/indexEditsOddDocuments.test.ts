// The index editor's edits (and the quick fixes, which are the same edits) on documents no tool of ours writes: a
// key written twice, an entry that is not an object, annotations that are not a map. Each edit either does what it
// says, read back as JSON.parse (and Go) read the text, or is refused naming the place; it never does nothing
// silently, and never drops what the text held.
import { strict as assert } from 'node:assert';
import { applyIntent, diagnose, indexModel } from '../../src/oci/indexDocument';
import { MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, makeImage, newLayout } from './builders';

const M = 'application/vnd.oci.image.manifest.v1+json';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const entry = (c: string, extra: Record<string, unknown> = {}) => JSON.stringify({ mediaType: M, digest: digest(c), size: 1, ...extra });

describe('index edits on odd documents', () => {
  describe('a key written twice: the last one counts, as JSON.parse and Go read it', () => {
    const twoPlatforms = `{"schemaVersion":2,"manifests":[{"mediaType":"${M}","digest":"${digest('a')}","size":1,"platform":{"architecture":"amd64","os":"linux"},"platform":{"architecture":"arm64","os":"linux"}}]}`;

    it('the table shows the platform that counts, and setting it changes what JSON.parse reads', () => {
      assert.equal(indexModel(twoPlatforms).rows[0]!.platformText, 'linux/arm64');
      const out = applyIntent(twoPlatforms, { type: 'setPlatform', row: 0, platform: { os: 'linux', architecture: 'riscv64' } });
      assert.deepEqual(JSON.parse(out).manifests[0].platform, { architecture: 'riscv64', os: 'linux' });
      // The first copy is left as written: the edit is the one value that counts.
      assert.ok(out.includes('"platform":{"architecture":"amd64","os":"linux"}'), out);
    });

    it('manifests written twice: the table lists the array that counts, and edits go there', () => {
      const text = `{"schemaVersion":2,"manifests":[${entry('a')}],"manifests":[${entry('b')},${entry('c')}]}`;
      assert.deepEqual(indexModel(text).rows.map((r) => r.digest), [digest('b'), digest('c')]);
      const added = applyIntent(text, { type: 'addManifests', descriptors: [{ mediaType: M, digest: digest('d'), size: 1 }] });
      assert.deepEqual(JSON.parse(added).manifests.map((m: { digest: string }) => m.digest), [digest('b'), digest('c'), digest('d')]);
      const sized = applyIntent(text, { type: 'setField', at: ['manifests', 0], field: 'size', value: 7 });
      assert.equal(JSON.parse(sized).manifests[0].size, 7);
    });

    it('an annotation set where its key is written twice is what JSON.parse reads after', () => {
      const text = '{"schemaVersion":2,"manifests":[],"annotations":{"a":"1","a":"2"}}';
      assert.deepEqual(indexModel(text).annotations, { a: '2' });
      assert.deepEqual(JSON.parse(applyIntent(text, { type: 'setAnnotation', key: 'a', value: 'new' })).annotations, { a: 'new' });
    });

    it('removing an annotation whose key is written twice is refused, naming the key and where (not a removal that leaves it)', () => {
      const text = `{"schemaVersion":2,"manifests":[${entry('a', { annotations: { x: '1' } }).replace('"x":"1"', '"x":"1","keep":"k","x":"2"')}]}`;
      assert.throws(() => applyIntent(text, { type: 'removeAnnotation', row: 0, key: 'x' }), /manifests\[0\]\.annotations has the key "x" 2 times: remove the copies in the text first/);
    });
  });

  describe('an entry that is not an object', () => {
    const text = `{"schemaVersion":2,"manifests":[${entry('a')},"sha256:oops",${entry('b')}]}`;

    it('can be removed from the table', () => {
      const out = applyIntent(text, { type: 'removeRow', row: 1 });
      assert.deepEqual(JSON.parse(out).manifests.map((m: { digest: string }) => m.digest), [digest('a'), digest('b')]);
    });

    it('a change to its fields says what it is, not that the document changed', () => {
      assert.throws(() => applyIntent(text, { type: 'setPlatform', row: 1, platform: { os: 'linux', architecture: 'amd64' } }), /manifests\[1\] is a string, not an object: fix it in the text, or remove it/);
      assert.throws(() => applyIntent(text, { type: 'removeRow', row: 3 }), /manifests\[3\] is not in the document \(it changed\?\)/);
    });
  });

  describe('annotations that are not a map', () => {
    it('setting one refuses, rather than replacing what is written there', () => {
      const text = `{"schemaVersion":2,"manifests":[${entry('a', { annotations: ['keep me'] })}],"annotations":"note"}`;
      assert.throws(() => applyIntent(text, { type: 'setAnnotation', row: 0, key: 'k', value: 'v' }), /manifests\[0\]\.annotations is an array, not a map of strings: fix it in the text first/);
      assert.throws(() => applyIntent(text, { type: 'setAnnotation', key: 'k', value: 'v' }), /^OciError: annotations is a string, not a map of strings: fix it in the text first/);
    });

    it('null is as good as absent (Go writes no field, a hand may write null)', () => {
      const text = '{"schemaVersion":2,"manifests":[],"annotations":null}';
      assert.deepEqual(JSON.parse(applyIntent(text, { type: 'setAnnotation', key: 'k', value: 'v' })).annotations, { k: 'v' });
    });
  });
});

describe('platform edits keep what they do not change', () => {
  after(cleanupTemps);

  it("the quick fix for a platform that contradicts the config sets what the config says, keeping features and unknown fields", async () => {
    const store = await newLayout();
    const arm64 = await makeImage(store, { os: 'linux', arch: 'arm64' });
    const listed = { architecture: 'amd64', os: 'linux', variant: 'v3', features: ['sse4'], 'x-note': 'keep me' };
    const text = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ mediaType: arm64.mediaType, digest: arm64.digest, size: arm64.size, platform: listed }] }, null, 2);
    const fix = (await diagnose(text, { layout: store })).find((f) => f.code === 'platform-mismatch')?.fix;
    assert.ok(fix, 'no platform fix');
    const fixed = JSON.parse(applyIntent(text, fix.intent)).manifests[0].platform;
    // amd64's variant (v3) names a level of amd64, not of arm64: it goes with the architecture.
    assert.deepEqual(fixed, { architecture: 'arm64', os: 'linux', features: ['sse4'], 'x-note': 'keep me' });
  });

  it('a platform typed in the table keeps the fields its text cannot say (features, unknown ones)', () => {
    const text = `{"schemaVersion":2,"manifests":[${entry('a', { platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.1', 'os.features': ['win32k'], features: ['sse4'], 'x-note': 'keep' } })}]}`;
    const sameOs = JSON.parse(applyIntent(text, { type: 'setPlatform', row: 0, platform: { os: 'windows', architecture: 'arm64', 'os.version': '10.0.2' } })).manifests[0].platform;
    assert.deepEqual(sameOs, { architecture: 'arm64', os: 'windows', 'os.version': '10.0.2', 'os.features': ['win32k'], features: ['sse4'], 'x-note': 'keep' });
    // Another os: the old os's features do not carry over.
    const linux = JSON.parse(applyIntent(text, { type: 'setPlatform', row: 0, platform: { os: 'linux', architecture: 'amd64' } })).manifests[0].platform;
    assert.deepEqual(linux, { architecture: 'amd64', os: 'linux', features: ['sse4'], 'x-note': 'keep' });
  });
});
