// A copy into a layout whose graph holds a manifest the layout refuses stores nothing of that graph: every manifest
// is checked (as the layout checks what it stores) before any blob is sent, so no blob is left there that nothing
// refers to. A registry decides for itself, on each PUT.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copy, importLayout, planCopy } from '../../src/oci/copy';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { parsePlatformPatterns } from '../../src/oci/platformPattern';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer, type OciServer } from '../integration/support';
import { cleanupTemps, makeImage, newLayout, pushBlob, tagRawDocument, writeRawBlob } from './builders';

const TITLE_PROBLEM = /layers\[0\]\.annotations\["org\.opencontainers\.image\.title"\]: annotation "org\.opencontainers\.image\.title" must be a string, not a number/;

const plain = (d: Descriptor): Descriptor => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });

/** Stores a document the store would refuse to push (as another tool wrote it), listed untagged in index.json. */
function listRawDocument(store: OciLayoutStore, doc: object, mediaType: string): Descriptor {
  const bytes = Buffer.from(JSON.stringify(doc));
  const digest = writeRawBlob(store.location, bytes);
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as ImageIndex;
  index.manifests.push({ mediaType, digest, size: bytes.length });
  writeFileSync(file, JSON.stringify(index));
  return { mediaType, digest, size: bytes.length };
}

/** An artifact manifest whose layer's title is a number: the layout store refuses it, and so must a copy. */
async function badArtifact(store: OciLayoutStore, subject: Descriptor | undefined, content: string, tag?: string): Promise<{ desc: Descriptor; layer: Descriptor }> {
  await store.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON);
  const layer = await pushBlob(store, content, 'application/octet-stream');
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/vnd.example.sig',
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
    layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': 5 } }],
    ...(subject ? { subject: plain(subject) } : {}),
  };
  if (tag === undefined) return { desc: listRawDocument(store, doc, MediaType.ImageManifest), layer };
  const bytes = JSON.stringify(doc);
  const digest = tagRawDocument(store.location, bytes, MediaType.ImageManifest, tag);
  return { desc: { mediaType: MediaType.ImageManifest, digest, size: Buffer.byteLength(bytes) }, layer };
}

/** The blobs of a layout folder (manifests included), by digest. */
function layoutBlobs(store: OciLayoutStore): string[] {
  const dir = join(store.location, 'blobs', 'sha256');
  return existsSync(dir) ? readdirSync(dir).map((hex) => `sha256:${hex}`).sort() : [];
}

/** An image tagged v1 with a referrer the copy must refuse. */
async function imageWithBadReferrer() {
  const src = await newLayout();
  const image = await makeImage(src, { layers: ['image layer'] });
  await src.tag(image, 'v1');
  const sig = await badArtifact(src, image, 'signature');
  return { src, image, sig };
}

/** An index of two images, the second holding a layer whose title is a number. */
async function indexWithBadChild() {
  const src = await newLayout();
  const good = await makeImage(src, { arch: 'amd64', layers: ['amd64 layer'] });
  const bad = await badArtifact(src, undefined, 'arm64 layer');
  const doc = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [good, { ...bad.desc, platform: { os: 'linux', architecture: 'arm64' } }] };
  tagRawDocument(src.location, JSON.stringify(doc), MediaType.ImageIndex, 'multi');
  return { src, good, bad };
}

describe('copy of a graph holding a manifest that is refused', () => {
  after(cleanupTemps);

  describe('layout -> layout', () => {
    it('cp -r: a referrer refused stores nothing, neither its blobs nor the image it refers to', async () => {
      const { src, sig } = await imageWithBadReferrer();
      const dst = await newLayout();
      await assert.rejects(copy(src, 'v1', dst, ['v1'], { referrers: true }), (err: Error) => {
        assert.match(err.message, new RegExp(`manifest ${sig.desc.digest}`));
        assert.match(err.message, TITLE_PROBLEM);
        return true;
      });
      assert.deepEqual(layoutBlobs(dst), []);
      await assert.rejects(dst.resolve('v1'), /not found/);
    });

    it('the manifest copied is itself refused: nothing is stored', async () => {
      const src = await newLayout();
      const bad = await badArtifact(src, undefined, 'alone', 'art');
      const dst = await newLayout();
      await assert.rejects(copy(src, 'art', dst, ['art']), TITLE_PROBLEM);
      assert.deepEqual(layoutBlobs(dst), []);
      assert.ok(!layoutBlobs(dst).includes(bad.layer.digest));
    });

    it('an index with a child refused: the other children are not stored either', async () => {
      const { src, bad } = await indexWithBadChild();
      const dst = await newLayout();
      await assert.rejects(copy(src, 'multi', dst, ['multi']), (err: Error) => {
        assert.match(err.message, new RegExp(`manifest ${bad.desc.digest}`));
        assert.match(err.message, TITLE_PROBLEM);
        return true;
      });
      assert.deepEqual(layoutBlobs(dst), []);
    });

    it('split platforms: one platform refused, the other is neither stored nor tagged', async () => {
      const { src } = await indexWithBadChild();
      const dst = await newLayout();
      const platforms = parsePlatformPatterns(['linux/amd64,linux/arm64']);
      await assert.rejects(copy(src, 'multi', dst, ['v1'], { platforms, splitPlatforms: true }), TITLE_PROBLEM);
      assert.deepEqual(layoutBlobs(dst), []);
      await assert.rejects(dst.resolve('v1-linux-amd64'), /not found/);
    });

    it('the dry run refuses what the copy would refuse, with the same error', async () => {
      const { src, sig } = await imageWithBadReferrer();
      const dst = await newLayout();
      await assert.rejects(planCopy(src, 'v1', dst, ['v1'], { referrers: true }), (err: Error) => {
        assert.match(err.message, new RegExp(`manifest ${sig.desc.digest}`));
        assert.match(err.message, TITLE_PROBLEM);
        return true;
      });
      await assert.rejects(planCopy(src, 'v1', dst, ['-bad']), /"-bad"/);
    });

    it('a tag the destination refuses is refused before anything is copied', async () => {
      const src = await newLayout();
      const image = await makeImage(src, { layers: ['tagged layer'] });
      await src.tag(image, 'v1');
      const dst = await newLayout();
      await assert.rejects(copy(src, 'v1', dst, ['v1', '-bad']), /"-bad"/);
      assert.deepEqual(layoutBlobs(dst), []);
    });
  });

  describe('layout import', () => {
    it('a manifest refused in the last tag stores nothing of the first (importLayout copies one tag at a time)', async () => {
      const src = await newLayout();
      const image = await makeImage(src, { layers: ['first tag layer'] });
      await src.tag(image, 'a-first');
      await badArtifact(src, undefined, 'last tag layer', 'z-last');
      const dst = await newLayout();
      await assert.rejects(importLayout(src, dst), TITLE_PROBLEM);
      assert.deepEqual(layoutBlobs(dst), []);
    });

    it('a referrer refused stores nothing either, though referrers are copied after every tag', async () => {
      const { src } = await imageWithBadReferrer();
      const dst = await newLayout();
      await assert.rejects(importLayout(src, dst), TITLE_PROBLEM);
      assert.deepEqual(layoutBlobs(dst), []);
    });
  });

  describe('layout -> registry', () => {
    let server: OciServer;
    before(async () => {
      server = await startOciServer();
    });
    after(() => server.stop());

    const repoAt = (name: string) => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), name);
    const stored = (name: string) => [...server.repo(name).blobs.keys(), ...server.repo(name).manifests.keys()];

    it('cp -r sends a referrer the layout would refuse as the source holds it: the registry decides, as with oras', async () => {
      // A registry checks what it takes on the PUT (Distribution refuses a title that is no string; this test
      // server does not): a copy does not refuse for it what another registry may serve.
      const { src, image, sig } = await imageWithBadReferrer();
      await copy(src, 'v1', repoAt('sig'), ['v1'], { referrers: true });
      assert.deepEqual(server.repo('sig').manifests.get(sig.desc.digest)?.bytes, readFileSync(join(src.location, 'blobs', 'sha256', sig.desc.digest.slice(7))));
      assert.equal(server.repo('sig').tags.get('v1'), image.digest);
    });

    it('a tag no registry takes is refused before anything is copied', async () => {
      const src = await newLayout();
      const image = await makeImage(src, { layers: ['registry tagged layer'] });
      await src.tag(image, 'v1');
      await assert.rejects(copy(src, 'v1', repoAt('tags'), ['v1', 'a:b']), /\ba:b\b/);
      assert.deepEqual(stored('tags'), []);
    });
  });
});
