import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { isFallbackTag, OciLayoutStore, parseIndexJson } from '../../src/oci/layout';
import { isManifestMediaType, MediaType } from '../../src/oci/mediaType';
import { cleanupTemps, copyPeerLayout, describePeer, PEER_LAYOUTS, refName, type PeerLayout } from './builders';
import { collect } from '../helpers/assertions';

const sha = (hex: string): Descriptor => ({ mediaType: MediaType.ImageManifest, digest: `sha256:${hex}`, size: 0 });
const digests = (list: Descriptor[]): string[] => list.map((d) => d.digest).sort();

/** A digest of every file of a folder: proves the original peer layouts are never written. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      h.update(p);
      if (e.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

after(cleanupTemps);

describePeer('layout: peer layouts', () => {
  const originals = new Map<PeerLayout, string>();
  before(() => {
    for (const name of ['oras-images', 'oras-artifacts', 'regclient-testrepo'] as const) originals.set(name, treeHash(join(PEER_LAYOUTS, name)));
  });
  after(() => {
    for (const [name, hash] of originals) assert.equal(treeHash(join(PEER_LAYOUTS, name)), hash, `${name} was modified in place`);
  });

  for (const name of ['oras-images', 'oras-artifacts', 'regclient-testrepo'] as const) {
    it(`${name}: lists the tags of index.json and reads every listed manifest, verified`, async () => {
      const dir = copyPeerLayout(name);
      const store = await OciLayoutStore.open(dir);
      const expected = [...new Set(parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json').manifests.map(refName).filter((n): n is string => !!n))].sort();
      assert.deepEqual(await collect(store.tags()), expected);
      for (const entry of await store.entries()) {
        if (!isManifestMediaType(entry.mediaType)) continue;
        const bytes = await store.fetchBytes(entry);
        assert.equal(bytes.length, entry.size);
        const resolved = await store.resolve(entry.digest);
        assert.equal(resolved.mediaType, entry.mediaType);
      }
    });
  }

  it('oras-images: resolves tags to their descriptors', async () => {
    const store = await OciLayoutStore.open(copyPeerLayout('oras-images'));
    const multi = await store.resolve('multi');
    assert.equal(multi.digest, 'sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f');
    assert.equal(multi.mediaType, MediaType.ImageIndex);
    assert.equal((await store.resolve('linux-amd64')).digest, 'sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1');
  });

  it('oras-artifacts: multi has 2 referrers, its linux/amd64 child has 1', async () => {
    const store = await OciLayoutStore.open(copyPeerLayout('oras-artifacts'));
    const multi = await store.resolve('multi');
    const refs = await collect(store.referrers(multi));
    assert.deepEqual(digests(refs), [
      'sha256:7679bc22c33b87aa345c6950a993db98a6df7a6cc77a35c388908a3a50be6bad',
      'sha256:d37baf66300b9006b0f4c7102075d56b970fbf910be5c6bca07fdbb000dfa383',
    ]);
    const indexRef = refs.find((d) => d.digest.startsWith('sha256:7679bc'))!;
    assert.equal(indexRef.mediaType, MediaType.ImageIndex, 'an index-typed referrer');
    const manifestRef = refs.find((d) => d.digest.startsWith('sha256:d37baf'))!;
    assert.equal(manifestRef.artifactType, 'referrer/index');
    assert.equal(manifestRef.annotations?.subject, 'index');
    assert.deepEqual(digests(await collect(store.referrers(multi, { artifactType: 'referrer/index' }))), [manifestRef.digest]);

    const amd64 = sha('9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1');
    const childRefs = await collect(store.referrers(amd64));
    assert.deepEqual(childRefs, [
      {
        mediaType: MediaType.ImageManifest,
        digest: 'sha256:c5e00045954a70e3fd28307dd543d4cc158946117943700b8f520f72ddca031f',
        size: 482,
        annotations: { 'org.opencontainers.image.created': '2023-02-15T07:56:34Z', subject: 'linux/amd64' },
        artifactType: 'referrer/image',
      },
    ]);
    // A chain three deep, through untagged index.json entries.
    assert.deepEqual(digests(await collect(store.referrers(sha('6aa11331ce0c766d6333b60dac98d584d98eea45fa93bbfc9b5bdb915ce3a43f')))), [
      'sha256:359bac7f6a262e0f36e83b6b78ee3cc7a0bb8813e04d330328ca7ca9785e1e0b',
    ]);
    assert.deepEqual(digests(await collect(store.referrers(sha('359bac7f6a262e0f36e83b6b78ee3cc7a0bb8813e04d330328ca7ca9785e1e0b')))), [
      'sha256:938419ae89a9947476bbed93abc5eb7abf7d5708be69679fe6cc4b22afe8fdd5',
    ]);
  });

  it('regclient-testrepo: reads referrers from fallback tags and subjects, and a subject loop ends', async () => {
    const store = await OciLayoutStore.open(copyPeerLayout('regclient-testrepo'));
    const tags = await collect(store.tags());
    assert.equal(tags.filter(isFallbackTag).length, 7);
    const v2 = await store.resolve('v2');
    assert.deepEqual(digests(await collect(store.referrers(v2))), [
      'sha256:0484e93c23cddf24a8400547119558312023295af241d4cd1eaf1b27145c5026',
      'sha256:741132f956e196c3858dab17e50ea977056f2f1ce1ad2900f11f4c8ff2d4203b',
    ]);
    assert.deepEqual(
      (await collect(store.referrers(v2, { artifactType: 'application/example.signature' }))).map((d) => d.digest),
      ['sha256:741132f956e196c3858dab17e50ea977056f2f1ce1ad2900f11f4c8ff2d4203b'],
    );
    // Only a fallback tag points at this one: the subject is a child of v1, not listed in index.json.
    const viaFallback = await collect(store.referrers(sha('7e87ffc91b9ceafa85be2777b16b1be10e4664fd4f3acc86e4295b97da5163ba')));
    assert.deepEqual(viaFallback.map((d) => [d.digest, d.artifactType]), [
      ['sha256:d910434391624641a9398ec921067e2dbd9a76aac69f120257906f811f0eecb8', MediaType.ImageConfig],
    ]);
    // The loop: index `loop` has subject `child` and lists `child` as its own manifest.
    const child = await store.resolve('child');
    const loop = await store.resolve('loop');
    assert.deepEqual((await collect(store.referrers(child))).map((d) => [d.digest, d.artifactType]), [[loop.digest, 'application/example.loop']]);
    assert.deepEqual(await collect(store.referrers(loop)), []);
    // Untagged index.json entries with a subject (the oras convention) in the same layout.
    const v3 = await store.resolve('v3');
    const v3Refs = await collect(store.referrers(v3));
    assert.deepEqual(v3Refs.map((d) => d.annotations?.type).sort(), ['drink', 'eat']);
  });

  it('regclient-testrepo: tag, untag and delete on a copy keep every other entry', async () => {
    const dir = copyPeerLayout('regclient-testrepo');
    const store = await OciLayoutStore.open(dir);
    const before = await store.entries();
    const loop = await store.resolve('loop');
    await store.tag(loop, 'moved');
    await store.untag('b1');
    const after = parseIndexJson(readFileSync(join(dir, 'index.json')), 'index.json').manifests;
    const key = (d: Descriptor): string => `${d.digest} ${refName(d) ?? ''}`;
    const expected = before.filter((d) => refName(d) !== 'b1').map(key);
    expected.push(`${loop.digest} moved`);
    assert.deepEqual(after.map(key).sort(), expected.sort());
    // Moving a fallback tag drops the old listing index: it had no other name and is not a referrer.
    const fallback = 'sha256-8e54c6754f08d22f85c7552bb1951b228b8194d29b14a1639dbe50868da0273e';
    const oldListing = await store.resolve(fallback);
    await store.tag(loop, fallback);
    assert.equal((await store.resolve(fallback)).digest, loop.digest);
    assert.equal((await store.entries()).some((d) => d.digest === oldListing.digest), false);
    assert.equal(await store.exists(oldListing), true, 'the blob stays');
  });
});
