import { strict as assert } from 'node:assert';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { blobPath, OciLayoutStore } from '../../src/oci/layout';
import { isManifestMediaType, MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, copyPeerLayout, describePeer, makeArtifact, makeImage, makeMultiArchLayout, newLayout } from './builders';
import { collect } from '../helpers/assertions';

/**
 * The referrers of `subject` the slow way, as the store found them before it kept a subject index: walk
 * everything reachable from index.json for this one subject, then the fallback tag's listing.
 */
async function walkReferrers(dir: string, subject: Descriptor): Promise<Descriptor[]> {
  const store = await OciLayoutStore.open(dir);
  const readDoc = async (d: Descriptor): Promise<Record<string, any> | undefined> => {
    try {
      const doc = JSON.parse((await store.fetchBytes({ mediaType: d.mediaType, digest: d.digest, size: d.size })).toString('utf8'));
      return Array.isArray(doc.manifests) || (doc.config && Array.isArray(doc.layers)) ? doc : undefined;
    } catch {
      return undefined;
    }
  };
  const describe = (pointer: Descriptor, doc: Record<string, any> | undefined): Descriptor => {
    const out: Descriptor = { mediaType: doc?.mediaType ?? pointer.mediaType, digest: pointer.digest, size: pointer.size };
    const annotations = doc ? doc.annotations : pointer.annotations;
    if (annotations && Object.keys(annotations).length > 0) out.annotations = { ...annotations };
    const artifactType = doc ? doc.artifactType || doc.config?.mediaType : pointer.artifactType;
    if (artifactType) out.artifactType = artifactType;
    return out;
  };
  const found = new Map<string, Descriptor>();
  const visited = new Set<string>();
  const queue = (await store.entries()).filter((d) => isManifestMediaType(d.mediaType));
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (visited.has(node.digest)) continue;
    visited.add(node.digest);
    const doc = await readDoc(node);
    if (!doc) continue;
    if (doc.subject?.digest === subject.digest && !found.has(node.digest)) found.set(node.digest, describe(node, doc));
    for (const child of doc.manifests ?? []) if (isManifestMediaType(child.mediaType)) queue.push(child);
  }
  const fallback = (await store.entries()).filter((d) => d.annotations?.['org.opencontainers.image.ref.name'] === subject.digest.replace(':', '-')).pop();
  const listing = fallback ? await readDoc(fallback) : undefined;
  for (const child of listing?.manifests ?? []) if (!found.has(child.digest)) found.set(child.digest, describe(child, await readDoc(child)));
  return [...found.values()];
}

/** Every manifest reachable from index.json, each once. */
async function reachable(store: OciLayoutStore): Promise<Descriptor[]> {
  const out = new Map<string, Descriptor>();
  const queue = await store.entries();
  while (queue.length > 0) {
    const d = queue.shift()!;
    if (out.has(d.digest) || !isManifestMediaType(d.mediaType)) continue;
    out.set(d.digest, d);
    try {
      const doc = JSON.parse((await store.fetchBytes(d)).toString('utf8'));
      if (Array.isArray(doc.manifests)) queue.push(...doc.manifests);
    } catch {
      // dangling or not a manifest
    }
  }
  return [...out.values()];
}

/** Writes a blob straight to disk, as another tool would (no index.json change). */
function writeBlob(dir: string, bytes: Buffer): Descriptor {
  const digest = digestOf(bytes);
  const tmp = join(dir, `blob-${process.pid}.tmp`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, join(dir, blobPath(digest)));
  return { mediaType: MediaType.ImageManifest, digest, size: bytes.length };
}

after(cleanupTemps);

describe('layout: the subject index behind referrers', () => {
  describePeer('on the peer layouts', () => {
    for (const name of ['oras-artifacts', 'regclient-testrepo'] as const) {
      it(`${name}: every reachable manifest has the referrers a walk for it alone finds, in the same order`, async () => {
        const dir = copyPeerLayout(name);
        const store = await OciLayoutStore.open(dir);
        const all = await reachable(store);
        assert.ok(all.length > 5);
        for (const d of all) assert.deepEqual(await collect(store.referrers(d)), await walkReferrers(dir, d), d.digest);
      });
    }
  });

  it('finds a referrer another process attached after this one looked', async () => {
    const { store, index } = await makeMultiArchLayout();
    assert.deepEqual(await collect(store.referrers(index)), []);
    const other = await OciLayoutStore.open(store.location); // another process: its own caches
    const sig = await makeArtifact(other, { subject: index, artifactType: 'application/example.sig' });
    assert.deepEqual((await collect(store.referrers(index))).map((d) => d.digest), [sig.digest]);
    // And one that another process untagged and deleted is gone.
    await other.delete(sig);
    assert.deepEqual(await collect(store.referrers(index)), []);
  });

  it('finds a referrer it is told of in this process, and forgets a deleted one', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    assert.deepEqual(await collect(store.referrers(children[1]!)), []);
    const sig = await makeArtifact(store, { subject: children[1]!, artifactType: 'application/example.sig' });
    assert.deepEqual((await collect(store.referrers(children[1]!))).map((d) => d.digest), [sig.digest]);
    await store.delete(sig);
    assert.deepEqual(await collect(store.referrers(children[1]!)), []);
    assert.deepEqual(await collect(store.referrers(index)), []);
  });

  it('walks again when a child it could not read appears later, with index.json unchanged', async () => {
    const store = await newLayout();
    const img = await makeImage(store);
    // An index whose only child is a referrer of img that is not stored yet (another tool will write it).
    const referrerBytes = encodeManifest({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/example.sbom',
      config: { mediaType: MediaType.Empty, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
      layers: [],
      subject: { mediaType: img.mediaType, digest: img.digest, size: img.size },
    });
    const referrer: Descriptor = { mediaType: MediaType.ImageManifest, digest: digestOf(referrerBytes), size: referrerBytes.length };
    const bundle = encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [referrer] });
    const bundleDesc = writeBlob(store.location, bundle);
    await store.tag({ ...bundleDesc, mediaType: MediaType.ImageIndex }, 'bundle');
    assert.deepEqual(await collect(store.referrers(img)), []);

    writeBlob(store.location, referrerBytes);
    assert.deepEqual((await collect(store.referrers(img))).map((d) => [d.digest, d.artifactType]), [[referrer.digest, 'application/example.sbom']]);
  });

  it('shares one walk between concurrent lookups, and one cancelled lookup does not fail the others', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const sig = await makeArtifact(store, { subject: children[0]!, artifactType: 'application/example.sig' });
    const fresh = await OciLayoutStore.open(store.location);
    const cancelled = new AbortController();
    cancelled.abort();
    const results = await Promise.allSettled([
      collect(fresh.referrers(index, { signal: cancelled.signal })),
      collect(fresh.referrers(children[0]!)),
      collect(fresh.referrers(children[1]!)),
    ]);
    assert.equal(results[0].status, 'rejected');
    assert.deepEqual(results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value.map((d) => d.digest) : r.reason)), [[sig.digest], []]);
  });
});
