import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ANNOTATION_REF_NAME, type Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { isFallbackTag, OciLayoutStore, TEMP_DIR } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { copy } from '../../src/oci/copy';
import { createIndex } from '../../src/oci/imageIndex';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, makeMultiArchLayout, newLayout, pushBlob, refName, tempDir } from './builders';
import { code, collect, readStream } from '../helpers/assertions';

function indexJson(store: OciLayoutStore): { schemaVersion: number; mediaType?: string; manifests: Descriptor[] } {
  return JSON.parse(readFileSync(join(store.location, 'index.json'), 'utf8'));
}

function blobFiles(dir: string): string[] {
  const root = join(dir, 'blobs', 'sha256');
  return existsSync(root) ? readdirSync(root).sort() : [];
}

after(cleanupTemps);

describe('layout: open and create', () => {
  it('creates a layout the way oras-go does', async () => {
    const dir = join(tempDir(), 'new', 'layout');
    const store = await OciLayoutStore.open(dir, { create: true });
    assert.equal(store.location, dir);
    assert.equal(readFileSync(join(dir, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
    assert.ok(existsSync(join(dir, 'blobs', 'sha256')));
    assert.deepEqual(await collect(store.tags()), []);
    // Opening again (with or without create) changes nothing.
    await OciLayoutStore.open(dir, { create: true });
    await OciLayoutStore.open(dir);
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
  });

  it('refuses a folder that is not a layout, naming oci-layout', async () => {
    const dir = tempDir();
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', new RegExp(`${join(dir, 'oci-layout').replace(/[\\/.]/g, '\\$&')}: missing`)));
    await assert.rejects(OciLayoutStore.open(join(dir, 'nothing-here')), code('INVALID_LAYOUT', /oci-layout: missing/));
  });

  it('refuses a wrong or malformed oci-layout file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', /oci-layout: imageLayoutVersion is "2.0.0", expected "1.0.0"/));
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":');
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', /oci-layout: malformed JSON/));
    // create never overwrites what is there.
    await assert.rejects(OciLayoutStore.open(dir, { create: true }), code('INVALID_LAYOUT', /oci-layout: malformed JSON/));
    assert.equal(readFileSync(join(dir, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":');
  });

  it('refuses a missing, truncated or malformed index.json, naming it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', /index\.json: missing/));
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manif');
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', /index\.json: malformed JSON at line 1, column \d+: .+/));
    writeFileSync(join(dir, 'index.json'), '');
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', /index\.json: the file is empty/));
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":{}}');
    await assert.rejects(OciLayoutStore.open(dir), code('INVALID_LAYOUT', /index\.json: "manifests" is not a list/));
  });

  it('opens an index.json with a damaged entry, reads around it and names it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[{"mediaType":"x/y","digest":"sha256:../../etc","size":1}]}');
    const store = await OciLayoutStore.open(dir);
    assert.deepEqual(await store.entries(), []);
    const [damaged, ...more] = await store.damagedEntries();
    assert.deepEqual(more, []);
    const file = join(dir, 'index.json');
    const problem = 'invalid digest "sha256:../../etc": not of the form algorithm:hex';
    const span = { offset: 32, length: 56, start: { line: 0, character: 32 }, end: { line: 0, character: 88 } };
    assert.deepEqual({ ...damaged, error: undefined }, { at: 0, path: 'manifests[0].digest', place: 'manifests[0].digest', problem, file, span, error: undefined });
    assert.equal(damaged!.error.message, `${file}: manifests[0].digest: ${problem}`);
  });

  it('keeps damaged entries as written when index.json is rewritten, and removes one only by its tag', async () => {
    const store = await newLayout();
    const img = await makeImage(store);
    await store.tag(img, 'a');
    const odd = { mediaType: 'm', digest: img.digest, size: '12', annotations: { [ANNOTATION_REF_NAME]: 'odd', n: 1 } };
    const path = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.manifests.push(null, odd, 42);
    writeFileSync(path, JSON.stringify(doc));
    assert.deepEqual((await store.damagedEntries()).map((d) => [d.at, d.place, d.tag, d.problem]), [
      [1, 'manifests[1]', undefined, 'a descriptor must be an object, not null'],
      [2, 'manifests[2].size (tag "odd")', 'odd', 'size must be a number, not a string'],
      [3, 'manifests[3]', undefined, 'a descriptor must be an object, not a number'],
    ]);
    await assert.rejects(store.resolve('odd'), code('INVALID_LAYOUT', /index\.json: manifests\[2\]\.size \(tag "odd"\): size must be a number, not a string$/));
    // A tag and a delete of the same digest leave the damaged entries alone.
    await store.tag(img, 'b');
    assert.deepEqual(indexJson(store).manifests.slice(1), [null, odd, 42, { mediaType: img.mediaType, digest: img.digest, size: img.size, annotations: { [ANNOTATION_REF_NAME]: 'b' }, platform: img.platform }]);
    await store.delete(img);
    assert.deepEqual(indexJson(store).manifests, [null, odd, 42]);
    await store.untag('odd');
    assert.deepEqual(indexJson(store).manifests, [null, 42]);
  });

  it('reads "manifests": null (as umoci writes it) as an empty list, and writes [] back', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":null}');
    const store = await OciLayoutStore.open(dir);
    assert.deepEqual(await store.entries(), []);
    assert.deepEqual(await collect(store.tags()), []);
    const img = await makeImage(store);
    await store.tag(img, 'v1');
    const written = indexJson(store);
    assert.equal(written.mediaType, undefined, 'top-level fields are kept as they were');
    assert.deepEqual(written.manifests.map(refName), ['v1']);
  });
});

describe('layout: blobs', () => {
  it('stores pushed bytes under blobs/sha256/<hex> and reads them back verified', async () => {
    const store = await newLayout();
    const desc = await pushBlob(store, 'hello');
    assert.equal(desc.digest, 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.equal(readFileSync(join(store.location, 'blobs/sha256/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'), 'utf8'), 'hello');
    assert.equal(await store.exists(desc), true);
    assert.equal((await store.fetchBytes(desc)).toString(), 'hello');
    assert.equal((await readStream(await store.fetch(desc))).toString(), 'hello');
    assert.deepEqual(await store.resolveBlob(desc.digest), { mediaType: 'application/octet-stream', digest: desc.digest, size: 5 });
    assert.equal(existsSync(join(store.location, TEMP_DIR)), false, 'no temp file, nor the emptied temp folder, left behind');
  });

  it('streams a pushed Readable, in many chunks', async () => {
    const store = await newLayout();
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    data.write('start');
    const desc: Descriptor = { mediaType: MediaType.ImageLayer, digest: digestOf(data), size: data.length };
    const chunks = [];
    for (let i = 0; i < data.length; i += 100_000) chunks.push(data.subarray(i, i + 100_000));
    await store.push(desc, Readable.from(chunks));
    assert.ok((await store.fetchBytes(desc)).equals(data));
  });

  it('reports a missing blob as NOT_FOUND naming the digest', async () => {
    const store = await newLayout();
    const missing = { mediaType: MediaType.ImageLayer, digest: digestOf(Buffer.from('nope')), size: 4 };
    assert.equal(await store.exists(missing), false);
    await assert.rejects(store.fetch(missing), code('NOT_FOUND', new RegExp(`blob ${missing.digest}: not found`)));
    await assert.rejects(store.fetchBytes(missing), code('NOT_FOUND', new RegExp(missing.digest)));
    await assert.rejects(store.resolveBlob(missing.digest), code('NOT_FOUND'));
    await assert.rejects(store.delete(missing), code('NOT_FOUND', new RegExp(missing.digest)));
  });

  it('fails reading a corrupted blob, naming it, and changes nothing', async () => {
    const store = await newLayout();
    const desc = await pushBlob(store, 'original content');
    const file = join(store.location, 'blobs/sha256', desc.digest.slice(7));
    writeFileSync(file, 'tampered content');
    const before = readFileSync(join(store.location, 'index.json'));
    await assert.rejects(readStream(await store.fetch(desc)), code('DIGEST_MISMATCH', new RegExp(`blob ${desc.digest} in .*: content has digest sha256:`)));
    await assert.rejects(store.fetchBytes(desc), code('DIGEST_MISMATCH', new RegExp(desc.digest)));
    writeFileSync(file, 'short');
    await assert.rejects(readStream(await store.fetch(desc)), code('SIZE_MISMATCH', new RegExp(desc.digest)));
    assert.equal(readFileSync(file, 'utf8'), 'short');
    assert.ok(readFileSync(join(store.location, 'index.json')).equals(before));
  });

  it('refuses digests that are not digests before touching the disk', async () => {
    const store = await newLayout();
    writeFileSync(join(store.location, '..', 'x'), 'outside');
    const evil = { mediaType: MediaType.ImageLayer, digest: 'sha256:../../x', size: 7 };
    await assert.rejects(store.fetch(evil), code('INVALID_DIGEST'));
    await assert.rejects(store.fetchBytes(evil), code('INVALID_DIGEST'));
    await assert.rejects(store.exists(evil), code('INVALID_DIGEST'));
    await assert.rejects(store.push(evil, Buffer.from('outside')), code('INVALID_DIGEST'));
    await assert.rejects(store.delete(evil), code('INVALID_DIGEST'));
    await assert.rejects(store.resolve('sha256:../../x'), code('INVALID_ARGUMENT'));
    await assert.rejects(store.resolve('../../x'), code('INVALID_ARGUMENT'));
    assert.equal(readFileSync(join(store.location, '..', 'x'), 'utf8'), 'outside');
  });

  it('stores nothing when pushed content does not match its descriptor', async () => {
    const store = await newLayout();
    const good = Buffer.from('expected bytes');
    const desc = { mediaType: MediaType.ImageLayer, digest: digestOf(good), size: good.length };
    await assert.rejects(store.push(desc, Buffer.from('expected bytez')), code('DIGEST_MISMATCH', new RegExp(desc.digest)));
    await assert.rejects(store.push(desc, Readable.from([Buffer.from('expected '), Buffer.from('bytez')])), code('DIGEST_MISMATCH'));
    await assert.rejects(store.push(desc, Readable.from([Buffer.from('expected bytes and more')])), code('SIZE_MISMATCH'));
    await assert.rejects(store.push(desc, Readable.from([Buffer.from('expected')])), code('SIZE_MISMATCH'));
    const failing = new Readable({
      read() {
        this.push(Buffer.from('expected'));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(store.push(desc, failing), /connection reset/);
    assert.deepEqual(blobFiles(store.location), []);
    assert.equal(existsSync(join(store.location, TEMP_DIR)), false, 'temp files and their folder removed');
    assert.equal(await store.exists(desc), false);
  });

  it('treats pushing stored content as a no-op that still drains the input', async () => {
    const store = await newLayout();
    const desc = await pushBlob(store, 'same');
    let read = false;
    const again = new Readable({
      read() {
        read = true;
        this.push(Buffer.from('same'));
        this.push(null);
      },
    });
    await store.push(desc, again);
    assert.ok(read && again.readableEnded);
    assert.deepEqual(blobFiles(store.location), [desc.digest.slice(7)]);
  });

  it('validates manifests when they are pushed', async () => {
    const store = await newLayout();
    const notManifest = Buffer.from('{"hello":"world"}');
    await assert.rejects(
      store.push({ mediaType: MediaType.ImageManifest, digest: digestOf(notManifest), size: notManifest.length }, notManifest),
      code('INVALID_MANIFEST', /is not a manifest/),
    );
    const wrongType = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
    await assert.rejects(
      store.push({ mediaType: MediaType.ImageManifest, digest: digestOf(wrongType), size: wrongType.length }, wrongType),
      code('INVALID_MANIFEST'),
    );
    assert.deepEqual(blobFiles(store.location), []);
  });
});

describe('layout: tags and resolve', () => {
  it('resolves tags to their index.json entry and digests to stored manifests', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const byTag = await store.resolve('multi');
    assert.equal(byTag.digest, index.digest);
    assert.equal(byTag.annotations?.[ANNOTATION_REF_NAME], 'multi');
    // A digest that is not in index.json: its media type comes from the manifest itself.
    assert.deepEqual(await store.resolve(children[1]!.digest), { mediaType: MediaType.ImageManifest, digest: children[1]!.digest, size: children[1]!.size });
    assert.deepEqual(await store.resolve(index.digest), { mediaType: MediaType.ImageIndex, digest: index.digest, size: index.size });
    await assert.rejects(store.resolve('nope'), code('NOT_FOUND', new RegExp(`^nope: not found in ${store.location}$`)));
    await assert.rejects(store.resolve(digestOf(Buffer.from('absent'))), code('NOT_FOUND', /not found/));
    await assert.rejects(store.resolve('sha256:abc'), code('INVALID_ARGUMENT'));
    await assert.rejects(store.resolve(''), code('INVALID_ARGUMENT'));
  });

  it('writes index.json compact, descriptors in Go field order', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { os: 'linux', arch: 'arm', variant: 'v7' });
    await store.tag({ ...img, annotations: { 'z.b': 'x<y', 'a.b': '1' } }, 'v1');
    const text = readFileSync(join(store.location, 'index.json'), 'utf8');
    assert.equal(
      text,
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${img.digest}","size":${img.size},"annotations":{"a.b":"1","org.opencontainers.image.ref.name":"v1","z.b":"x\\u003cy"},"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}`,
    );
  });

  it('moves a tag, untags (dropping the entry it leaves unnamed) and deletes', async () => {
    const store = await newLayout();
    const a = await makeImage(store, { arch: 'amd64' });
    const b = await makeImage(store, { arch: 'arm64' });
    await store.tag(a, 'latest');
    await store.tag(a, 'v1');
    await store.tag(b, 'v2');
    assert.deepEqual(await collect(store.tags()), ['latest', 'v1', 'v2']);
    await store.tag(b, 'latest');
    assert.equal((await store.resolve('latest')).digest, b.digest);
    assert.deepEqual(indexJson(store).manifests.map((d) => [refName(d), d.digest]), [
      ['latest', b.digest],
      ['v1', a.digest],
      ['v2', b.digest],
    ]);
    // Tagging again with the same descriptor does not rewrite the file.
    const before = readFileSync(join(store.location, 'index.json'));
    await store.tag(b, 'latest');
    assert.ok(readFileSync(join(store.location, 'index.json')).equals(before));

    await store.untag('v1');
    assert.deepEqual(await collect(store.tags()), ['latest', 'v2']);
    assert.equal(indexJson(store).manifests.some((d) => d.digest === a.digest), false, 'a has no name left and is not a referrer');
    assert.equal(await store.exists(a), true, 'untag keeps the manifest');
    await assert.rejects(store.untag('v1'), code('NOT_FOUND', /v1: not found/));
    await assert.rejects(store.untag(a.digest), code('INVALID_ARGUMENT'));

    await store.delete(b);
    assert.deepEqual(indexJson(store).manifests, []);
    assert.equal(existsSync(join(store.location, 'blobs/sha256', b.digest.slice(7))), false);
    await assert.rejects(store.resolve('latest'), code('NOT_FOUND'));
    await assert.rejects(store.delete(b), code('NOT_FOUND'));
  });

  it('collapses a name listed twice, and a tag takes the place of its manifest\'s untagged entries', async () => {
    const store = await newLayout();
    const a = await makeImage(store, { arch: 'amd64' });
    const b = await makeImage(store, { arch: 'arm64' });
    const named = (d: Descriptor, name?: string): Descriptor => ({ mediaType: d.mediaType, digest: d.digest, size: d.size, ...(name ? { annotations: { [ANNOTATION_REF_NAME]: name } } : {}) });
    writeFileSync(join(store.location, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [named(a, 'x'), named(b), named(a, 'x'), named(b)] }));
    // The same descriptor under a name listed twice is still a change: the name is left on one entry.
    await store.tag(a, 'x');
    assert.deepEqual(indexJson(store).manifests.map((d) => [refName(d), d.digest]), [['x', a.digest], [undefined, b.digest], [undefined, b.digest]]);
    await store.tag(b, 'y');
    assert.deepEqual(indexJson(store).manifests.map((d) => [refName(d), d.digest]), [['x', a.digest], ['y', b.digest]]);
  });

  it('refuses bad tags and tags on content that is not stored', async () => {
    const store = await newLayout();
    const img = await makeImage(store);
    await assert.rejects(store.tag(img, 'bad/tag'), code('INVALID_ARGUMENT'));
    await assert.rejects(store.tag(img, `a${'b'.repeat(128)}`), code('INVALID_ARGUMENT'));
    await assert.rejects(store.tag(img, img.digest), code('INVALID_ARGUMENT'));
    await assert.rejects(store.tag({ ...img, digest: digestOf(Buffer.from('x')) }, 'v1'), code('NOT_FOUND'));
    assert.deepEqual(indexJson(store).manifests, []);
  });

  it('keeps a referrer listed untagged when its tag moves away (the oras convention)', async () => {
    const store = await newLayout();
    const img = await makeImage(store);
    const sig = await makeArtifact(store, { subject: img, artifactType: 'application/example.sig' });
    // Pushing a referrer lists it in index.json, unnamed, so it can be found.
    assert.deepEqual(indexJson(store).manifests.map((d) => [d.digest, refName(d)]), [[sig.digest, undefined]]);
    await store.tag(sig, 'sig');
    assert.deepEqual(indexJson(store).manifests.map((d) => [d.digest, refName(d)]), [[sig.digest, 'sig']], 'the tagged entry replaces the unnamed one');
    const other = await makeImage(store, { seed: 'other' });
    await store.tag(other, 'sig');
    assert.deepEqual(indexJson(store).manifests.map((d) => [d.digest, refName(d)]), [
      [other.digest, 'sig'],
      [sig.digest, undefined],
    ]);
    assert.deepEqual((await collect(store.referrers(img))).map((d) => d.digest), [sig.digest]);
  });

  it('a manifest whose last tag moves away stays listed untagged: by tag, index create and copy (as oras-go keeps it)', async () => {
    const store = await newLayout();
    const a = await makeImage(store, { arch: 'amd64' });
    const b = await makeImage(store, { arch: 'arm64' });
    await store.tag(a, 'v1-amd64');
    await store.tag(b, 'v1-arm64');
    // Tag...: v1-amd64 moves to the arm64 image; the amd64 image had no other name and is kept, untagged.
    await store.tag(b, 'v1-amd64');
    assert.deepEqual(indexJson(store).manifests.map((d) => [d.digest, refName(d)]), [
      [b.digest, 'v1-amd64'],
      [b.digest, 'v1-arm64'],
      [a.digest, undefined],
    ]);
    assert.deepEqual(await collect(store.tags()), ['v1-amd64', 'v1-arm64']);
    // Tagging it again takes the untagged entry's place: listed once.
    await store.tag(a, 'again');
    assert.deepEqual(indexJson(store).manifests.filter((d) => d.digest === a.digest).map(refName), ['again']);

    // Index create with a tag that names another index: the earlier index stays listed.
    const first = await createIndex(store, { sources: ['again'], tags: ['v2'] });
    const second = await createIndex(store, { sources: ['again', 'v1-arm64'], tags: ['v2'] });
    assert.equal((await store.resolve('v2')).digest, second.desc.digest);
    assert.deepEqual(indexJson(store).manifests.filter((d) => d.digest === first.desc.digest).map(refName), [undefined]);

    // Copy (pull) into the layout under a tag that names something else: the same.
    const src = await newLayout();
    const c = await makeImage(src, { arch: 'riscv64' });
    await src.tag(c, 'v1');
    await copy(src, 'v1', store, ['v2']);
    assert.equal((await store.resolve('v2')).digest, c.digest);
    assert.deepEqual(indexJson(store).manifests.filter((d) => d.digest === second.desc.digest).map(refName), [undefined]);
    // untag is explicit and confirmed: it still drops the entry it leaves unnamed (see above).
  });

  it('pushAndTag stores and names in one call', async () => {
    const store = await newLayout();
    const bytes = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
    const desc = { mediaType: MediaType.ImageIndex, digest: digestOf(bytes), size: bytes.length };
    await store.pushAndTag(desc, bytes, 'empty');
    assert.equal((await store.resolve('empty')).digest, desc.digest);
  });

  it('reports fallback tags', () => {
    assert.equal(isFallbackTag(`sha256-${'a'.repeat(64)}`), true);
    assert.equal(isFallbackTag(`sha512-${'0'.repeat(128)}`), true);
    assert.equal(isFallbackTag(`sha256-${'a'.repeat(64)}.att`), false);
    assert.equal(isFallbackTag(`sha256-${'A'.repeat(64)}`), false);
    assert.equal(isFallbackTag('latest'), false);
  });
});

describe('layout: referrers', () => {
  it('finds referrers of an index and of its children, filtered by artifact type', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json', annotations: { 'org.example': 'sbom' } });
    const sig = await makeArtifact(store, { subject: index, artifactType: 'application/example.sig' });
    const childSig = await makeArtifact(store, { subject: children[0]!, artifactType: 'application/example.sig' });
    // A referrer of a referrer, only reachable from the first one's entry.
    const sigOfSig = await makeArtifact(store, { subject: sig, artifactType: 'application/example.sig' });

    const all = await collect(store.referrers(index));
    assert.deepEqual(all.map((d) => d.digest).sort(), [sbom.digest, sig.digest].sort());
    const sbomRef = all.find((d) => d.digest === sbom.digest)!;
    assert.deepEqual(sbomRef, { mediaType: MediaType.ImageManifest, digest: sbom.digest, size: sbom.size, annotations: { 'org.example': 'sbom' }, artifactType: 'application/spdx+json' });
    assert.deepEqual((await collect(store.referrers(index, { artifactType: 'application/example.sig' }))).map((d) => d.digest), [sig.digest]);
    assert.deepEqual((await collect(store.referrers(children[0]!))).map((d) => d.digest), [childSig.digest]);
    assert.deepEqual((await collect(store.referrers(sig))).map((d) => d.digest), [sigOfSig.digest]);
    assert.deepEqual(await collect(store.referrers(children[1]!)), []);
  });

  it('uses the config media type when a referrer has no artifactType', async () => {
    const store = await newLayout();
    const img = await makeImage(store);
    const ref = await makeImage(store, { subject: img, seed: 'ref' });
    const [found] = await collect(store.referrers(img));
    assert.equal(found?.digest, ref.digest);
    assert.equal(found?.artifactType, MediaType.ImageConfig);
  });

  it('finds an index-typed referrer', async () => {
    const store = await newLayout();
    const img = await makeImage(store);
    const child = await makeImage(store, { seed: 'c' });
    const refIndex = await makeIndex(store, [child], { subject: img, artifactType: 'application/example.bundle' });
    const found = await collect(store.referrers(img));
    assert.deepEqual(found, [{ mediaType: MediaType.ImageIndex, digest: refIndex.digest, size: refIndex.size, artifactType: 'application/example.bundle' }]);
  });
});

describe('layout: temp files', () => {
  it('removes temp files a crashed process left, and only old ones', async () => {
    const store = await newLayout();
    const tmp = join(store.location, TEMP_DIR);
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'blob-crashed'), 'partial');
    writeFileSync(join(tmp, 'blob-in-progress'), 'partial');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(tmp, 'blob-crashed'), old, old);
    await pushBlob(store, 'anything');
    assert.deepEqual(readdirSync(tmp), ['blob-in-progress']);
  });

  it('keeps temp files inside the layout, never under blobs/', async () => {
    const store = await newLayout();
    await makeImage(store);
    await assert.rejects(store.push({ mediaType: MediaType.ImageLayer, digest: digestOf(Buffer.from('a')), size: 1 }, Buffer.from('b')));
    for (const alg of readdirSync(join(store.location, 'blobs'))) assert.equal(alg, 'sha256');
    for (const name of blobFiles(store.location)) assert.match(name, /^[a-f0-9]{64}$/);
  });
});
