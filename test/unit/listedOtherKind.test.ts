// An index.json entry whose media type is of the other kind than its document (an image manifest listed under an
// index type, an index under an image manifest type): `check` reports it; a listing describes the document as what
// it declares itself and says it is listed wrongly, instead of calling an image "index" (with no platform).
import { strict as assert } from 'node:assert';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { tagItem } from '../../src/extension/present/items';
import { describeManifest } from '../../src/oci/graph';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';
import { tagRelisted } from './support/relisted';

after(cleanupTemps);

const I = MediaType.ImageIndex;
const M = MediaType.ImageManifest;

/** A layout with `image` (linux/arm64), `multi` (an index of it and amd64) and `sig` (an artifact), each tagged; `relist` rewrites their entries' types. */
async function layout(relist: Record<string, string>): Promise<{ dir: string; image: Descriptor; multi: Descriptor; sig: Descriptor }> {
  const store = await newLayout();
  const image = await makeImage(store, { os: 'linux', arch: 'arm64' });
  const amd = await makeImage(store, { os: 'linux', arch: 'amd64' });
  const multi = await makeIndex(store, [image, amd]);
  const sig = await makeArtifact(store, { artifactType: 'application/vnd.example.sig' });
  await tagRelisted(store, { image, multi, sig }, relist);
  return { dir: store.location, image, multi, sig };
}

const warning = (what: string, listed: string, own: string): string =>
  `Warning: ${what} is listed as ${listed}, but its document is ${own === I ? 'an image index' : 'an image manifest'} (it declares ${own}): a client reads it as the wrong kind of document\n`;

describe('a manifest listed as the other kind is described as its document declares, with a word', () => {
  it('repo tags: an image and an artifact listed as indexes, an index listed as an image: each row by its document, a warning each, exit 0', async () => {
    const { dir, image, multi, sig } = await layout({ image: I, sig: I, multi: M });
    const r = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows, [
      ['image', image.digest, 'image', 'linux/arm64'],
      ['multi', multi.digest, 'index', 'multi-arch (linux/arm64, linux/amd64)'],
      ['sig', sig.digest, 'artifact'],
    ]);
    assert.equal(r.stderr, [warning('tag "image"', I, M), warning('tag "multi"', M, I), warning('tag "sig"', I, M)].join(''));

    const json = JSON.parse((await runCli('repo', 'tags', '--oci-layout', dir, '--format', 'json')).stdout) as { tags: Array<Record<string, unknown>> };
    assert.deepEqual(
      json.tags.map((t) => [t.name, t.mediaType, t.type, t.documentMediaType]),
      [['image', I, 'image', M], ['multi', M, 'index', I], ['sig', I, 'artifact', M]],
    );
  });

  it('repo tags of a layout listing each truly: no warning, no documentMediaType', async () => {
    const { dir } = await layout({});
    const r = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    const json = JSON.parse((await runCli('repo', 'tags', '--oci-layout', dir, '--format', 'json')).stdout) as { tags: Array<Record<string, unknown>> };
    assert.ok(json.tags.every((t) => !('documentMediaType' in t)));
  });

  it('manifest fetch --descriptor prints the entry as listed (as oras) and warns of the other kind', async () => {
    const { dir, image } = await layout({ image: I });
    const r = await runCli('manifest', 'fetch', '--descriptor', '--oci-layout', `${dir}:image`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([JSON.parse(r.stdout).mediaType, JSON.parse(r.stdout).digest], [I, image.digest]);
    assert.equal(r.stderr, warning(`${dir}:image`, I, M));
    const clean = await runCli('manifest', 'fetch', '--descriptor', '--oci-layout', `${dir}:multi`);
    assert.deepEqual([clean.code, clean.stderr], [0, '']);
  });

  it('coverage, discover -r and attach --recursive of an image listed as an index act on the image, with a word (was: refused, "it lists no manifests")', async () => {
    const { dir, image } = await layout({ image: I });
    const word = warning(`${dir}:image`, I, M);
    const coverage = await runCli('coverage', '--oci-layout', `${dir}:image`);
    assert.deepEqual([coverage.code, coverage.stderr], [0, word]);
    assert.deepEqual(coverage.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['linux/arm64']);
    const discover = await runCli('discover', '-r', '--oci-layout', `${dir}:image`);
    assert.deepEqual([discover.code, discover.stderr, discover.stdout.split('\n')[0]], [0, word, 'Image manifest linux/arm64']);
    const attach = await runCli('attach', '--oci-layout', `${dir}:image`, '--artifact-type', 'application/vnd.example', '--recursive', '--annotation', 'a=b');
    assert.equal(attach.code, 0, attach.stderr);
    const referrer = JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${dir}@${/Digest: (\S+)/.exec(attach.stdout)![1]}`)).stdout) as { subject: Descriptor };
    assert.deepEqual([referrer.subject.mediaType, referrer.subject.digest], [M, image.digest]);
  });

  it('index create and update --add list such a source as its document declares, with its platform', async () => {
    const { dir, image, sig } = await layout({ image: I, sig: I });
    const created = await runCli('manifest', 'index', 'create', '--oci-layout', `${dir}:new`, 'image');
    assert.equal(created.code, 0, created.stderr);
    const children = async (tag: string) => (JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${dir}:${tag}`)).stdout) as ImageIndex).manifests;
    assert.deepEqual(await children('new'), [{ mediaType: M, digest: image.digest, size: image.size, platform: { architecture: 'arm64', os: 'linux' } }]);
    const updated = await runCli('manifest', 'index', 'update', '--oci-layout', `${dir}:new`, '--add', 'sig');
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual((await children('new')).map((c) => [c.mediaType, c.digest]), [[M, image.digest], [M, sig.digest]]);
  });

  it('the Layouts tree\'s tag row: its kind (icon, menus) by the document, and the tooltip says what the document declares', async () => {
    const { dir, image } = await layout({ image: I });
    const store = await OciLayoutStore.open(dir);
    const desc = await store.resolve('image');
    const summary = await describeManifest(store, desc);
    assert.deepEqual([summary.kind, summary.description, summary.listedAsOtherKind], ['image', 'linux/arm64', M]);
    const item = tagItem({ tag: 'image', desc, summary });
    assert.equal(item.contextValue, 'manifold:tag+image');
    assert.ok(item.tooltip!().replace(/\\/g, '').includes(`| Its document declares | ${M}, of the other kind than it is listed as |`), item.tooltip!());
    assert.equal(desc.digest, image.digest);
  });
});
