// One index.json rewrite per command (issue 19, item 3): attach --recursive and index create batch their updates.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor } from '../../src/oci/descriptor';
import { createIndex } from '../../src/oci/imageIndex';
import { OciLayoutStore, parseIndexJson } from '../../src/oci/layout';
import { attach } from '../../src/oci/referrers';
import { collect } from '../helpers/assertions';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';

after(cleanupTemps);

function indexEntries(store: OciLayoutStore): Descriptor[] {
  const path = join(store.location, 'index.json');
  return parseIndexJson(readFileSync(path), path).manifests;
}

describe('layout: one index.json rewrite per command', () => {
  it('attach --recursive on a 40-platform index among 300 tags rewrites index.json once and lists every artifact', async () => {
    const store = await newLayout();
    const children: Descriptor[] = [];
    for (let i = 0; i < 40; i++) children.push(await makeImage(store, { arch: `arch${i}` }));
    const top = await makeIndex(store, children);
    await store.tag(top, 'wide');
    for (let i = 0; i < 300; i++) await store.tag(children[i % children.length]!, `t${i}`);
    const before = store.indexWrites;
    const listedBefore = indexEntries(store);

    const { artifacts } = await attach(store, { subject: 'wide', artifactType: 'application/vnd.test', annotations: { k: 'v' }, recursive: true });

    assert.equal(artifacts.length, 41);
    assert.equal(store.indexWrites - before, 1);
    const listed = indexEntries(store);
    // What was there stays, in its order, and each artifact follows once, untagged (in the order the pushes ended).
    assert.deepEqual(listed.slice(0, listedBefore.length), listedBefore);
    assert.deepEqual(
      listed.slice(listedBefore.length).map((d) => `${d.digest} ${d.annotations?.[ANNOTATION_REF_NAME]}`).sort(),
      artifacts.map((a) => `${a.desc.digest} undefined`).sort(),
    );
    // A fresh reader (another process) finds each artifact as its subject's referrer.
    const reader = await OciLayoutStore.open(store.location);
    for (const a of artifacts) assert.deepEqual((await collect(reader.referrers(a.subject))).map((r) => r.digest), [a.desc.digest]);
  });

  it('index create with three tags rewrites index.json once', async () => {
    const store = await newLayout();
    const sources: string[] = [];
    for (let i = 0; i < 20; i++) {
      await store.tag(await makeImage(store, { arch: `arch${i}` }), `src${i}`);
      sources.push(`src${i}`);
    }
    const before = store.indexWrites;
    const { desc } = await createIndex(store, { sources, tags: ['v1', 'v1.0', 'latest'] });
    assert.equal(store.indexWrites - before, 1);
    const reader = await OciLayoutStore.open(store.location);
    for (const tag of ['v1', 'v1.0', 'latest']) assert.equal((await reader.resolve(tag)).digest, desc.digest);
  });

  it('a batch holds back only its own calls: another caller of the same store is written meanwhile', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const other = await makeImage(store, { arch: 'arm64' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batch = store.batchIndexUpdates(async (batched) => {
      await store.tag(image, 'inside', batched);
      await gate;
    });
    // Outside the batch: written (and readable) while the batch is still open.
    await store.tag(other, 'outside');
    const reader = await OciLayoutStore.open(store.location);
    assert.equal((await reader.resolve('outside')).digest, other.digest);
    await assert.rejects(reader.resolve('inside'), /not found/);
    release();
    await batch;
    assert.equal((await reader.resolve('inside')).digest, image.digest);
  });

  it('an update that cannot be held back writes what the batch held first, in order, in the same rewrite', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const subject = await makeImage(store, { arch: 'arm64' });
    const before = store.indexWrites;
    await store.batchIndexUpdates(async (batched) => {
      const referrer = await makeArtifact(store, { subject, artifactType: 'a/b' }, batched); // listed untagged: held
      await store.tag(image, 'a', batched); // held
      await store.untag('a', batched); // needs the tag written first, and its own error at once
      await assert.rejects(store.untag('a', batched), /a: not found/);
      assert.deepEqual(indexEntries(store).map((d) => d.digest), [referrer.digest]);
    });
    assert.equal(store.indexWrites - before, 1); // the held two with the first untag; nothing for the second
  });

  it('what a failed batch stored is still listed, and the failure is the one thrown', async () => {
    const store = await newLayout();
    const subject = await makeImage(store);
    let referrer: Descriptor | undefined;
    await assert.rejects(
      store.batchIndexUpdates(async (batched) => {
        referrer = await makeArtifact(store, { subject, artifactType: 'a/b' }, batched);
        throw new Error('stopped');
      }),
      /stopped/,
    );
    assert.deepEqual(indexEntries(store).map((d) => d.digest), [referrer!.digest]);
  });

  it('a push still running when its batch has ended is listed on its own', async () => {
    const store = await newLayout();
    const subject = await makeImage(store);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let late: Promise<Descriptor> | undefined;
    await store.batchIndexUpdates(async (batched) => {
      late = gate.then(() => makeArtifact(store, { subject, artifactType: 'a/b' }, batched));
    });
    release();
    const referrer = await late!;
    assert.deepEqual(indexEntries(store).map((d) => d.digest), [referrer.digest]);
  });
  it('reads inside a batch see one state of index.json, and this process\'s own writes; reads outside see the file as it is', async () => {
    const store = await newLayout();
    const a = await makeImage(store, { arch: 'amd64' });
    const b = await makeImage(store, { arch: 'arm64' });
    await store.tag(a, 'v1');
    const other = await OciLayoutStore.open(store.location); // another process's view of the same layout
    await store.batchIndexUpdates(async (batched) => {
      assert.equal((await store.resolve('v1', batched)).digest, a.digest);
      await other.tag(b, 'v1');
      await other.tag(b, 'v2');
      // Resolved against the state this batch first read: v1 still names a, v2 is not there yet.
      assert.equal((await store.resolve('v1', batched)).digest, a.digest);
      await assert.rejects(store.resolve('v2', batched), /v2: not found/);
      // Outside the batch (no batch given), the file as it is now.
      assert.equal((await store.resolve('v1')).digest, b.digest);
      // A write this process makes at once (an untag is not held back) is seen, with the other's changes it was applied to.
      await store.untag('v1', batched);
      await assert.rejects(store.resolve('v1', batched), /v1: not found/);
      assert.equal((await store.resolve('v2', batched)).digest, b.digest);
    });
    // Once the batch has ended, a new one reads the file afresh.
    await other.tag(a, 'v4');
    await store.batchIndexUpdates(async (batched) => assert.equal((await store.resolve('v4', batched)).digest, a.digest));
  });

  it('index create resolves its sources against one state of index.json', async () => {
    const store = await newLayout();
    const images = [await makeImage(store, { arch: 'amd64' }), await makeImage(store, { arch: 'arm64' })];
    await store.tag(images[0]!, 'src');
    // Another process moves the tag the second source names once the first is fetched (written at once, as a
    // peer would: a new index.json renamed over the old): the index lists what 'src' named when create began.
    const moved = join(store.location, 'moved.json');
    const path = join(store.location, 'index.json');
    writeFileSync(moved, readFileSync(path, 'utf8').replace(images[0]!.digest, images[1]!.digest));
    const { index } = await createIndex(store, {
      sources: ['src', 'src'],
      push: false,
      onEvent: (e) => {
        if (e.type === 'fetched' && existsSync(moved)) renameSync(moved, path);
      },
    });
    assert.equal((await store.resolve('src')).digest, images[1]!.digest); // the move did happen
    assert.deepEqual(index.manifests.map((d) => d.digest), [images[0]!.digest, images[0]!.digest]);
  });
});
