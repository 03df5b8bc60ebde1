import assert from 'node:assert/strict';
import { copy, planCopy } from '../../src/oci/copy';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { parsePlatformPatterns } from '../../src/oci/platformPattern';
import type { Target } from '../../src/oci/target';
import { collect } from '../helpers/assertions';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';
import { folderHashes } from '../helpers/folderHashes';

/** Five platforms, a buildx attestation of linux/arm/v7, an SBOM on linux/arm/v6 and a signature on the index. */
async function fivePlatforms(target: Target) {
  const children = [
    await makeImage(target, { arch: 'amd64' }),
    await makeImage(target, { arch: 'arm64', variant: 'v8' }),
    await makeImage(target, { arch: 'arm', variant: 'v7' }),
    await makeImage(target, { arch: 'arm', variant: 'v6' }),
    await makeImage(target, { arch: 's390x' }),
  ];
  const att = await makeImage(target, { os: 'unknown', arch: 'unknown', seed: 'attestation' });
  const attestation: Descriptor = {
    ...att,
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': children[2]!.digest },
  };
  const index = await makeIndex(target, [...children, attestation], { annotations: { 'org.example.kept': 'yes' } });
  const sbom = await makeArtifact(target, { subject: children[3]!, artifactType: 'application/spdx+json', content: 'v6 sbom' });
  const indexSig = await makeArtifact(target, { subject: index, artifactType: 'application/vnd.example.sig', content: 'index sig' });
  return { children, attestation, index, sbom, indexSig };
}

describe('copy with a platform subset', () => {
  after(cleanupTemps);

  it('several platforms: a new index of just those (and the attestation of one), its digest that of its bytes', async () => {
    const src = await newLayout();
    const g = await fivePlatforms(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    const result = await copy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['linux/arm/*']), referrers: true });
    assert.ok(result.subset);
    assert.equal(result.subset.kept, 2);
    assert.equal(result.subset.of, 5);
    assert.equal(result.subset.from.digest, g.index.digest);
    assert.notEqual(result.root.digest, g.index.digest);
    const tagged = await dst.resolve('v1');
    assert.equal(tagged.digest, result.root.digest);
    const bytes = await dst.fetchBytes(tagged);
    assert.equal(digestOf(bytes), tagged.digest);
    assert.equal(bytes.length, tagged.size);
    const doc = JSON.parse(bytes.toString('utf8')) as ImageIndex;
    assert.deepEqual(doc.manifests, [g.children[2], g.children[3], g.attestation]);
    assert.deepEqual(doc.annotations, { 'org.example.kept': 'yes' });
    // Exactly the rest of the source index: the same document without the three children left out.
    const original = JSON.parse((await src.fetchBytes(g.index)).toString('utf8')) as ImageIndex;
    assert.deepEqual({ ...original, manifests: doc.manifests }, doc);
    for (const c of [g.children[0]!, g.children[1]!, g.children[4]!]) assert.equal(await dst.exists(c), false, c.platform?.architecture);
    for (const c of [g.children[2]!, g.children[3]!, g.attestation]) assert.equal(await dst.exists(c), true);
    // The SBOM of a kept child comes along; the index's signature names the old digest and does not.
    assert.deepEqual(result.referrers.map((r) => r.digest), [g.sbom.digest]);
    assert.equal(await dst.exists(g.indexSig), false);
    assert.deepEqual((await collect(dst.referrers(g.children[3]!))).map((r) => r.digest), [g.sbom.digest]);
  });

  it('one platform picked (even by a wildcard) copies that manifest itself, as oras', async () => {
    const src = await newLayout();
    const g = await fivePlatforms(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    const result = await copy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['*/s390x']) });
    assert.equal(result.subset, undefined);
    assert.equal(result.root.digest, g.children[4]!.digest);
    assert.equal((await dst.resolve('v1')).digest, g.children[4]!.digest);
  });

  it('split: each platform alone, tagged TAG-os-arch-variant, and no index', async () => {
    const src = await newLayout();
    const g = await fivePlatforms(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    const result = await copy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['linux/arm64,linux/amd64']), splitPlatforms: true });
    assert.deepEqual(
      result.split?.map((s) => [s.desc.digest, s.tags]),
      [
        [g.children[0]!.digest, ['v1-linux-amd64']],
        [g.children[1]!.digest, ['v1-linux-arm64-v8']],
      ],
    );
    assert.equal((await dst.resolve('v1-linux-amd64')).digest, g.children[0]!.digest);
    assert.equal((await dst.resolve('v1-linux-arm64-v8')).digest, g.children[1]!.digest);
    await assert.rejects(dst.resolve('v1'), /not found/i);
    assert.equal(await dst.exists(g.index), false);
  });

  it('split with one platform picked: still TAG-os-arch, as with several (a script gives lists of any length)', async () => {
    const src = await newLayout();
    const g = await fivePlatforms(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    const result = await copy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['linux/amd64']), splitPlatforms: true });
    assert.deepEqual(result.split?.map((s) => [s.desc.digest, s.tags]), [[g.children[0]!.digest, ['v1-linux-amd64']]]);
    assert.equal((await dst.resolve('v1-linux-amd64')).digest, g.children[0]!.digest);
    await assert.rejects(dst.resolve('v1'), /not found/i);
    assert.equal(await dst.exists(g.index), false);
  });

  it('nothing matched: the error lists the platforms of the index', async () => {
    const src = await newLayout();
    const g = await fivePlatforms(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    await assert.rejects(
      copy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['windows/*']) }),
      new RegExp(`no manifest for platform windows/\\* in the index ${g.index.digest}; it has linux/amd64, linux/arm64/v8, linux/arm/v7, linux/arm/v6, linux/s390x$`),
    );
  });
});

describe('planCopy', () => {
  after(cleanupTemps);

  it('lists what is missing and what is there, with the bytes, and writes nothing', async () => {
    const src = await newLayout();
    const g = await fivePlatforms(src);
    await src.tag(g.index, 'v1');
    const dst = await newLayout();
    // linux/arm/v7 is at the destination already, under another tag.
    await copy(src, g.children[2]!.digest, dst, ['old']);
    const before = folderHashes(dst.location);
    const plan = await planCopy(src, 'v1', dst, ['v1', 'old'], { platforms: parsePlatformPatterns(['linux/arm/*']), referrers: true });
    assert.deepEqual(folderHashes(dst.location), before);

    assert.equal(plan.subset?.kept, 2);
    const v6 = g.children[3]!;
    const v6Manifest = JSON.parse((await src.fetchBytes(v6)).toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
    const attManifest = JSON.parse((await src.fetchBytes(g.attestation)).toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
    const sbomManifest = JSON.parse((await src.fetchBytes(g.sbom)).toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
    const expectCopy = [
      plan.root,
      g.attestation,
      v6,
      g.sbom,
      attManifest.config,
      ...attManifest.layers,
      v6Manifest.config,
      ...v6Manifest.layers,
      sbomManifest.config,
      ...sbomManifest.layers,
    ].map((d) => d.digest);
    assert.deepEqual(plan.copy.map((i) => i.desc.digest).sort(), expectCopy.sort());
    // Breadth first, in a fixed order: the same plan on every run, each manifest before what it holds.
    const again = await planCopy(src, 'v1', dst, ['v1', 'old'], { platforms: parsePlatformPatterns(['linux/arm/*']), referrers: true });
    assert.deepEqual(again.copy, plan.copy);
    const at = (d: Descriptor) => plan.copy.findIndex((i) => i.desc.digest === d.digest);
    assert.ok(at(plan.root) < at(v6) && at(v6) < at(v6Manifest.layers[0]!) && at(g.sbom) < at(sbomManifest.layers[0]!));
    assert.deepEqual(plan.existing.map((i) => [i.desc.digest, i.kind]), [[g.children[2]!.digest, 'manifest']]);
    assert.deepEqual(plan.referrers.map((r) => r.digest), [g.sbom.digest]);
    assert.equal(plan.bytesToCopy, plan.copy.reduce((n, i) => n + i.desc.size, 0));
    assert.equal(plan.bytesExisting, g.children[2]!.size);
    assert.deepEqual(plan.tags, [
      { tag: 'v1', digest: plan.root.digest },
      { tag: 'old', digest: plan.root.digest, current: g.children[2]!.digest },
    ]);

    // The plan is what the copy then does.
    const done = await copy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['linux/arm/*']), referrers: true });
    assert.equal(done.root.digest, plan.root.digest);
    assert.equal(done.copied, plan.copy.length);
    assert.equal(done.bytes, plan.bytesToCopy);
    const after = await planCopy(src, 'v1', dst, ['v1'], { platforms: parsePlatformPatterns(['linux/arm/*']), referrers: true });
    assert.deepEqual(after.copy, []);
    assert.equal(after.bytesToCopy, 0);
  });
});
