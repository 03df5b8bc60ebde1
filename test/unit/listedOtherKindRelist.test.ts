// A manifest listed in index.json as the other kind (an index under an image manifest type, or the reverse) whose tag
// moves away, or is removed while the manifest stays listed: the store writes its untagged entry under the type its
// document declares, not the wrong one, so `check` has nothing left to report of it. Entries the write does not
// touch stay as they were listed.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';
import { tagRelisted } from './support/relisted';

after(cleanupTemps);

const I = MediaType.ImageIndex;
const M = MediaType.ImageManifest;
const REF_NAME = 'org.opencontainers.image.ref.name';

interface Made {
  dir: string;
  arm: Descriptor;
  amd: Descriptor;
  multi: Descriptor;
  /** An artifact whose subject is arm. */
  sig: Descriptor;
}

/**
 * A layout listing `sig` (a referrer of arm: first, where its push listed it), `image` (arm), `amd` and `multi` (an
 * index of both), each tagged and listed under the type `relist` gives it (else truly).
 */
async function layout(relist: Record<string, string>): Promise<Made> {
  const store = await newLayout();
  const arm = await makeImage(store, { os: 'linux', arch: 'arm64' });
  const amd = await makeImage(store, { os: 'linux', arch: 'amd64' });
  const multi = await makeIndex(store, [arm, amd]);
  const sig = await makeArtifact(store, { artifactType: 'application/vnd.example.sig', subject: arm });
  await tagRelisted(store, { image: arm, amd, multi, sig }, relist);
  return { dir: store.location, arm, amd, multi, sig };
}

/** index.json's entries as [tag or '', mediaType, digest], in order. */
function listed(dir: string): string[][] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  return index.manifests.map((e) => [e.annotations?.[REF_NAME] ?? '', e.mediaType, e.digest]);
}

/** The problems `check` of the whole layout reports, as [code, where, path]. */
async function problems(dir: string): Promise<string[][]> {
  const r = await runCli('check', '--oci-layout', dir, '--format', 'json');
  const out = JSON.parse(r.stdout) as { problems: Array<{ code: string; where: string; path: string }> };
  return out.problems.map((p) => [p.code, p.where, p.path]);
}

describe('a manifest listed as the other kind keeps no wrong listing once a write moves its tag', () => {
  it('index update of an index listed as an image: the old index stays listed untagged as an index, and check is clean (was: listed as an image, an error)', async () => {
    const { dir, arm, amd, multi, sig } = await layout({ multi: M });
    assert.deepEqual(await problems(dir), [['blob-media-type-mismatch', 'index.json', 'manifests[3].mediaType']]);
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${dir}:multi`, '--remove-platform', 'linux/amd64');
    assert.equal(r.code, 0, r.stderr);
    const updated = /Digest: (\S+)/.exec(r.stdout)![1]!;
    assert.deepEqual(listed(dir), [
      ['sig', M, sig.digest],
      ['image', M, arm.digest],
      ['amd', M, amd.digest],
      ['multi', I, updated],
      ['', I, multi.digest],
    ]);
    assert.deepEqual(await problems(dir), []);
  });

  it('tag and index create moving a tag off a wrongly listed manifest: its untagged entry says what its document is; other wrong entries stay as listed', async () => {
    const { dir, arm, amd, multi, sig } = await layout({ image: I, multi: M, amd: I });
    const moved = await runCli('tag', '--oci-layout', `${dir}:amd`, 'image');
    assert.equal(moved.code, 0, moved.stderr);
    const created = await runCli('manifest', 'index', 'create', '--oci-layout', `${dir}:multi`, 'amd');
    assert.equal(created.code, 0, created.stderr);
    const fresh = /Digest: (\S+)/.exec(created.stdout)![1]!;
    assert.deepEqual(listed(dir), [
      ['sig', M, sig.digest],
      ['image', M, amd.digest],
      ['amd', I, amd.digest],
      ['multi', I, fresh],
      ['', M, arm.digest],
      ['', I, multi.digest],
    ]);
    // `amd`, read but not written, is still listed as an index: check names it, and it alone.
    assert.deepEqual(await problems(dir), [['blob-media-type-mismatch', 'index.json', 'manifests[2].mediaType']]);
  });

  it('untag of a referrer listed as an index: it stays listed untagged (as oras keeps referrers), as an image manifest, and discover still finds it', async () => {
    const { dir, arm, sig } = await layout({ sig: I });
    const r = await runCli('untag', '--oci-layout', `${dir}:sig`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listed(dir).filter(([, , d]) => d === sig.digest), [['', M, sig.digest]]);
    assert.deepEqual(await problems(dir), []);
    const found = await runCli('discover', '--oci-layout', `${dir}@${arm.digest}`, '--format', 'json');
    assert.equal(found.code, 0, found.stderr);
    assert.ok(found.stdout.includes(sig.digest), found.stdout);
  });

  it('a tag moved off a wrongly listed entry whose digest another tag names: no untagged entry is added', async () => {
    const { dir, arm, amd } = await layout({ image: I });
    const again = await runCli('tag', '--oci-layout', `${dir}:image`, 'arm');
    assert.equal(again.code, 0, again.stderr);
    const moved = await runCli('tag', '--oci-layout', `${dir}:amd`, 'image');
    assert.equal(moved.code, 0, moved.stderr);
    // `arm` was written by tag, from what is stored: an image manifest; nothing listed arm untagged.
    assert.deepEqual(listed(dir).filter(([, , d]) => d === arm.digest || d === amd.digest).map(([t, m]) => [t, m]), [
      ['image', M],
      ['amd', M],
      ['arm', M],
    ]);
  });
});
