import * as assert from 'node:assert/strict';
import { readManifestContent, listTagsWithSummaries, SummaryCache, unreachableAfter, untaggedEntries } from '../../src/oci/graph';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, makeMultiArchLayout, newLayout, pushBlob } from './builders';

describe('graph: a layout as a browsable graph', () => {
  after(cleanupTemps);

  describe('readManifestContent', () => {
    it('reads an index\'s children and an image\'s config and layers', async () => {
      const { store, index, children } = await makeMultiArchLayout();
      const ix = await readManifestContent(store, index);
      assert.equal(ix.kind, 'index');
      assert.deepEqual(ix.manifests.map((m) => m.digest), children.map((c) => c.digest));
      const image = await readManifestContent(store, children[0]!);
      assert.equal(image.kind, 'manifest');
      assert.equal(image.config?.mediaType, MediaType.ImageConfig);
      assert.equal(image.layers.length, 1);
      assert.equal(image.artifactType, undefined);
    });

    it('reads an artifact\'s type and subject', async () => {
      const { store, index } = await makeMultiArchLayout();
      const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json', annotations: { a: 'b' } });
      const content = await readManifestContent(store, sbom);
      assert.equal(content.artifactType, 'application/spdx+json');
      assert.equal(content.subject?.digest, index.digest);
      assert.deepEqual(content.annotations, { a: 'b' });
    });

    it('refuses a blob that is not a manifest, naming it', async () => {
      const store = await newLayout();
      const blob = await pushBlob(store, '{"hello":1}', 'application/octet-stream');
      await assert.rejects(readManifestContent(store, blob), (err: unknown) => isOciError(err, 'INVALID_MANIFEST') && (err as Error).message.includes(blob.digest));
    });
  });

  describe('listTagsWithSummaries', () => {
    it('lists tags sorted with kind and platforms, hides fallback tags unless asked', async () => {
      const { store, index, children } = await makeMultiArchLayout();
      await store.tag(children[1]!, 'arm64');
      const sbom = await makeArtifact(store, { artifactType: 'application/spdx+json' });
      await store.tag(sbom, 'sbom');
      await store.tag(await makeIndex(store, [children[0]!]), 'one');
      await store.tag(index, `sha256-${'a'.repeat(64)}`);
      const listed = await listTagsWithSummaries(store, await store.entries());
      assert.deepEqual(
        listed.map((l) => [l.tag, l.summary?.kind, l.summary?.description]),
        [
          ['arm64', 'image', 'linux/arm64'],
          ['multi', 'index', 'multi-arch (linux/amd64, linux/arm64, linux/arm/v7)'],
          // One platform is not called multi-arch.
          ['one', 'index', 'index of one platform (linux/amd64)'],
          ['sbom', 'artifact', 'application/spdx+json'],
        ],
      );
      const all = await listTagsWithSummaries(store, await store.entries(), { all: true });
      assert.equal(all.length, 5);
    });

    it('keeps listing past a tag whose manifest is missing', async () => {
      const { store } = await makeMultiArchLayout();
      const entries = await store.entries();
      const ghost = { mediaType: MediaType.ImageManifest, digest: `sha256:${'b'.repeat(64)}`, size: 10, annotations: { 'org.opencontainers.image.ref.name': 'ghost' } };
      const listed = await listTagsWithSummaries(store, [...entries, ghost]);
      assert.equal(listed.find((l) => l.tag === 'ghost')?.error !== undefined, true);
      assert.equal(listed.find((l) => l.tag === 'multi')?.summary?.kind, 'index');
    });

    it('describes each digest once with a cache', async () => {
      const { store } = await makeMultiArchLayout();
      let reads = 0;
      const counting = Object.create(store, { fetchBytes: { value: (...a: Parameters<typeof store.fetchBytes>) => (reads++, store.fetchBytes(...a)) } }) as typeof store;
      const cache = new SummaryCache();
      await listTagsWithSummaries(counting, await store.entries(), { cache });
      const first = reads;
      await listTagsWithSummaries(counting, await store.entries(), { cache });
      assert.ok(first > 0);
      assert.equal(reads, first);
    });
  });

  describe('untaggedEntries', () => {
    it('lists index.json entries without a tag, once each', async () => {
      const { store, index } = await makeMultiArchLayout();
      const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json' });
      assert.deepEqual(untaggedEntries(await store.entries()).map((e) => e.digest), [sbom.digest]);
    });
  });

  describe('unreachableAfter', () => {
    it('untagging the only tag of an index leaves it and its images unreachable, and orphans its referrers', async () => {
      const { store, index, children } = await makeMultiArchLayout();
      const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json' });
      const report = await unreachableAfter(store, await store.entries(), { untag: ['multi'] });
      assert.deepEqual(new Set(report.manifests.map((m) => m.digest)), new Set([index.digest, ...children.map((c) => c.digest)]));
      assert.equal(report.blobs.length, 6); // three configs, three layers
      assert.deepEqual(report.orphanedReferrers.map((r) => r.digest), [sbom.digest]);
    });

    it('reports nothing when another tag keeps the manifest', async () => {
      const { store, index } = await makeMultiArchLayout();
      await store.tag(index, 'latest');
      const report = await unreachableAfter(store, await store.entries(), { untag: ['multi'] });
      assert.deepEqual(report, { manifests: [], blobs: [], bytes: 0, orphanedReferrers: [], danglingParents: [] });
    });

    it('keeps a tagged referrer listed when its tag goes, as the store does', async () => {
      const { store, index } = await makeMultiArchLayout();
      const sig = await makeArtifact(store, { subject: index, artifactType: 'application/vnd.cncf.notary.signature' });
      await store.tag(sig, 'sig');
      const report = await unreachableAfter(store, await store.entries(), { untag: ['sig'] });
      assert.deepEqual(report.manifests, []);
    });

    it('deleting a child leaves its own blobs unreachable and its index dangling', async () => {
      const { store, index, children } = await makeMultiArchLayout();
      const lone = await makeImage(store, { arch: 'riscv64' });
      void lone;
      const report = await unreachableAfter(store, await store.entries(), { delete: [children[0]!.digest] });
      assert.deepEqual(report.manifests, []);
      assert.equal(report.blobs.length, 2);
      assert.deepEqual(report.danglingParents.map((d) => d.digest), [index.digest]);
    });
  });
});
