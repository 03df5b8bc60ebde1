import { strict as assert } from 'node:assert';
import { copyTags } from '../../src/oci/copy';
import { listTargetTags } from '../../src/oci/graph';
import { cleanupTemps, makeArtifact, makeImage, newLayout } from './builders';

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
});
