import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { copyTags, type CopyEvent } from '../../src/oci/copy';
import { listTargetTags } from '../../src/oci/graph';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer } from '../integration/support';
import { cosignTag } from '../../src/oci/referrers';
import { countingReads } from '../helpers/countingReads';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, makeMultiArchLayout, newLayout } from './builders';

describe('copyTags (layout import, backup and restore)', () => {
  after(cleanupTemps);

  it('copies each tag by the digest it named when listed, even when the source tag moves meanwhile', async () => {
    const src = await newLayout();
    const first = await makeImage(src, { arch: 'amd64' });
    const second = await makeImage(src, { arch: 'arm64' });
    await src.tag(first, 'v1');
    const listed = await listTargetTags(src);
    // Another writer moves v1 after the listing: the copy keeps what was listed, in every pass.
    await src.tag(second, 'v1');
    const dst = await newLayout();
    const result = await copyTags(src, listed, dst);
    assert.deepEqual(result.tags, [{ tag: 'v1', digest: first.digest, referrers: 0 }]);
    assert.equal((await dst.resolve('v1')).digest, first.digest);
    assert.equal(await dst.exists(second), false, 'what v1 names now was not copied');
  });

  it('counts each tag\'s referrers, copies a referrer shared by two tags once, and says a tag that moves', async () => {
    const src = await newLayout();
    const image = await makeImage(src, { arch: 'amd64' });
    await src.tag(image, 'v1');
    await src.tag(image, 'latest');
    const sbom = await makeArtifact(src, { subject: image, artifactType: 'application/spdx+json' });
    const dst = await newLayout();
    const old = await makeImage(dst, { arch: 'arm64' });
    await dst.tag(old, 'latest');
    const result = await copyTags(src, await listTargetTags(src), dst);
    assert.deepEqual(result.tags.map((t) => [t.tag, t.referrers]), [['latest', 1], ['v1', 1]]);
    assert.deepEqual(result.referrers, [sbom.digest]);
    assert.deepEqual(result.moved, [{ tag: 'latest', from: old.digest, to: image.digest }]);
    assert.equal(await dst.exists(sbom), true);
    const without = await newLayout();
    const bare = await copyTags(src, await listTargetTags(src), without, { referrers: false });
    assert.deepEqual(bare.referrers, []);
    assert.equal(await without.exists(sbom), false);
  });

  it('lists each manifest\'s referrers at the source once, for the plans (or the cosign check) and the referrers pass', async () => {
    const { store: src, index, children } = await makeMultiArchLayout();
    const sbom = await makeArtifact(src, { subject: children[1]!, artifactType: 'application/spdx+json' });
    const sig = await makeArtifact(src, { artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
    await src.tag(sig, cosignTag(index.digest, 'sig'));
    const other = await makeImage(src, { arch: 's390x' });
    await src.tag(other, 'v2');
    const tags = [{ tag: 'multi', desc: index }, { tag: 'v2', desc: other }];
    // checkFirst false is backup's way; into a folder holding a cosign tag (an earlier backup) it checks cosign tags first.
    for (const checkFirst of [true, false]) {
      const dst = await newLayout();
      const earlier = await makeArtifact(dst, { artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
      await dst.tag(earlier, cosignTag(other.digest, 'sig'));
      const { target, reads } = countingReads(src);
      const result = await copyTags(target, tags, dst, { checkFirst });
      const listings = reads.filter((r) => r.startsWith('referrers '));
      assert.deepEqual([...new Set(listings)].sort(), listings.sort(), `checkFirst ${checkFirst}: each listed once`);
      for (const d of [index, ...children, other, sig, sbom]) assert.ok(listings.includes(`referrers ${d.digest}`), `${d.digest} listed`);
      assert.deepEqual(result.referrers, [sbom.digest]);
      assert.equal((await dst.resolve(cosignTag(index.digest, 'sig'))).digest, sig.digest);
      assert.equal(await dst.exists(sbom), true);
    }
  });

  it('copies tags several at a time to a registry, each manifest and blob sent once though tags share them', async () => {
    const src = await newLayout();
    const shared = await makeImage(src, { arch: 'amd64' });
    const tags = [];
    for (let i = 0; i < 6; i++) {
      const own = await makeImage(src, { arch: `arm${i}` });
      const index = await makeIndex(src, [shared, own]);
      await src.tag(index, `v${i}`);
      tags.push({ tag: `v${i}`, desc: index });
    }
    // Two tags naming one index: copied once, tagged twice.
    await src.tag(tags[0]!.desc, 'latest');
    await makeArtifact(src, { subject: shared, artifactType: 'application/spdx+json' });
    const server = await startOciServer({ referrersApi: false });
    try {
      const dst = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const result = await copyTags(src, [...tags, { tag: 'latest', desc: tags[0]!.desc }], dst, { concurrency: 4 });
      assert.deepEqual(result.tags.map((t) => [t.tag, t.referrers]), [...tags.map((t) => [t.tag, 1]), ['latest', 1]]);
      const puts = server.requests.filter((q) => q.method === 'PUT').map((q) => q.path);
      const byDigest = (d: string) => puts.filter((p) => p.endsWith(`/manifests/${d}`)).length;
      assert.equal(byDigest(shared.digest), 1, 'the image all six indexes share is sent once');
      for (const t of tags) assert.equal(byDigest(t.desc.digest), 1, `${t.tag}: its index is stored once by digest`);
      const uploads = server.requests.filter((q) => q.method === 'POST' && q.path.includes('/blobs/uploads/')).length;
      assert.equal(uploads, new Set(server.requests.filter((q) => q.method === 'PUT' && q.path.includes('/blobs/uploads/')).map((q) => q.path)).size);
      assert.deepEqual(puts.filter((p) => /\/manifests\/(v\d|latest)$/.test(p)).map((p) => p.split('/').pop()).sort(), ['latest', 'v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
      for (const t of tags) assert.equal(server.repo('app').tags.get(t.tag), t.desc.digest);
    } finally {
      await server.stop();
    }
  });

  it('counts each blob and manifest once though copies beside one another shared its push, and copied again counts nothing', async () => {
    // Six indexes over one shared image (and an SBOM of it): four tags at a time each find it missing and push it.
    const src = await newLayout();
    const shared = await makeImage(src, { arch: 'amd64', layers: ['a layer every index shares\n'.repeat(4096)] });
    const tags = [];
    for (let i = 0; i < 6; i++) {
      const index = await makeIndex(src, [shared, await makeImage(src, { arch: `arm${i}` })]);
      tags.push({ tag: `v${i}`, desc: index });
    }
    await makeArtifact(src, { subject: shared, artifactType: 'application/spdx+json' });
    // Everything in the source is below a tag or a referrer of it: what the copy must push, each once.
    const all = readdirSync(join(src.location, 'blobs', 'sha256'));
    const allBytes = all.reduce((n, hex) => n + statSync(join(src.location, 'blobs', 'sha256', hex)).size, 0);
    // With the referrers API: the registry stores nothing the source lacks (no fallback index of referrers).
    const server = await startOciServer();
    try {
      const dst = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const events: CopyEvent[] = [];
      const result = await copyTags(src, tags, dst, { concurrency: 4, onProgress: (e) => events.push(e) });
      const app = server.repo('app');
      assert.equal(app.blobs.size + app.manifests.size, all.length, 'the registry holds each of them');
      assert.equal(result.copied, all.length, 'pushed: each blob and manifest once');
      assert.equal(result.bytes, allBytes);
      const told = events.filter((e) => e.type === 'copied' || e.type === 'mounted').map((e) => e.desc.digest);
      assert.deepEqual(told.sort(), all.map((hex) => `sha256:${hex}`).sort(), 'each told as pushed once; a copy that waited for another\'s push saw it there');
      const again = await copyTags(src, tags, dst, { concurrency: 4 });
      assert.deepEqual([again.copied, again.bytes], [0, 0], 'copied again: nothing pushed');
    } finally {
      await server.stop();
    }
  });

  it('tells each tag once it names its manifest at the destination: one there already first, then as each is set; into a layout, once index.json is written', async () => {
    const src = await newLayout();
    const tags = [];
    for (const arch of ['amd64', 'arm64', 's390x']) {
      const image = await makeImage(src, { arch });
      await src.tag(image, arch);
      tags.push({ tag: arch, desc: image });
    }
    const server = await startOciServer();
    try {
      const dst = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      // s390x is there already, under its tag.
      await copyTags(src, [tags[2]!], dst);
      server.requests.length = 0;
      const told: Array<[string, string | undefined, number]> = [];
      const tagPuts = () => server.requests.filter((q) => q.method === 'PUT' && /\/manifests\/[^/:]+$/.test(q.path)).length;
      await copyTags(src, tags, dst, { onTagged: (tag) => told.push([tag, server.repo('app').tags.get(tag), tagPuts()]) });
      // Each said when the registry's tag names it: s390x before any tag was set, the others each after its own PUT.
      assert.deepEqual(told, [['s390x', tags[2]!.desc.digest, 0], ['amd64', tags[0]!.desc.digest, 1], ['arm64', tags[1]!.desc.digest, 2]]);
    } finally {
      await server.stop();
    }
    const layout = await newLayout();
    const onDisk = (tag: string) => JSON.parse(readFileSync(join(layout.location, 'index.json'), 'utf8')).manifests.find((d: { annotations?: Record<string, string> }) => d.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest;
    const told: Array<[string, string | undefined]> = [];
    await copyTags(src, tags, layout, { onTagged: (tag) => told.push([tag, onDisk(tag)]) });
    assert.deepEqual(told, tags.map((t) => [t.tag, t.desc.digest]));
  });
});
