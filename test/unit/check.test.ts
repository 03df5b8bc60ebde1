import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkGraph, checkLayoutEntries, checkRepositoryTags, GraphCheck, type CheckReport } from '../../src/oci/check';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer } from '../integration/support';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import type { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { withFetchBytes } from '../../src/oci/target';
import { Section } from '../../src/oci/validate';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, makeMultiArchLayout, newLayout, pushBlob, pushManifest } from './builders';
import { runCli } from '../helpers/runCli';

const blobFile = (store: OciLayoutStore, digest: string) => join(store.location, 'blobs', 'sha256', digest.slice(7));
const codes = (r: CheckReport) => r.problems.map((p) => `${p.severity} ${p.code} ${p.where} ${p.path}`);

/** Lists `desc` in the layout's index.json under `mediaType` (as a copy that trusted a registry's HEAD answer may), tagged `tag`. */
function listAs(store: OciLayoutStore, desc: Descriptor, mediaType: string, tag: string): void {
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: unknown[] };
  index.manifests.push({ mediaType, digest: desc.digest, size: desc.size, annotations: { 'org.opencontainers.image.ref.name': tag } });
  writeFileSync(file, JSON.stringify(index));
}

/** A Docker schema2 image (Docker config, one gzip layer), as docker push makes. */
async function dockerImage(store: OciLayoutStore): Promise<Descriptor> {
  const layer = await pushBlob(store, gzipSync('docker layer\n'), MediaType.DockerLayerGzip);
  const config = await pushBlob(store, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(Buffer.from('docker layer\n'))] } }), MediaType.DockerConfig);
  return pushManifest(store, { schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers: [layer] });
}

const flavor = (listed: string, declared: string, digest: string, kind: string) =>
  `mediaType ${listed} differs from the ${declared} that ${digest} declares: both name an image ${kind} and its bytes are right, but a client that trusts this descriptor may refuse the document`;
const otherKind = (listed: string, listedKind: string, digest: string, kind: string, declared: string) =>
  `mediaType ${listed} names an image ${listedKind}, but ${digest} is an image ${kind} (it declares ${declared}): a client reads it as the wrong kind of document`;

async function manifestOf(store: OciLayoutStore, desc: Descriptor): Promise<ImageManifest> {
  return JSON.parse((await store.fetchBytes(desc)).toString('utf8')) as ImageManifest;
}

/** An image of one gzip layer whose config lists `diffId` (the right one unless told). */
async function gzipImage(store: OciLayoutStore, content: Buffer, options: { diffId?: string; packed?: Buffer } = {}): Promise<{ desc: Descriptor; layer: Descriptor }> {
  const layer = await pushBlob(store, options.packed ?? gzipSync(content), MediaType.ImageLayerGzip);
  const config = await pushBlob(store, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [options.diffId ?? digestOf(content)] } }), MediaType.ImageConfig);
  const desc = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] });
  return { desc, layer };
}

describe('check: every manifest, config and layer of an image, and its referrers', () => {
  after(cleanupTemps);

  it('finds nothing wrong in a sound multi-arch image with a signature, and counts what it read', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    await makeArtifact(store, { subject: children[1]!, artifactType: 'application/vnd.example.sig' });
    const r = await checkGraph(store, index, 'multi');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.counts, { indexes: 1, manifests: 4, configs: 4, layers: 4, referrers: 1, bytes: r.counts.bytes });
    const layerBytes = (await Promise.all(children.map(async (c) => (await manifestOf(store, c)).layers[0]!.size))).reduce((a, b) => a + b);
    assert.equal(r.counts.bytes, layerBytes + 'application/vnd.example.sig content\n'.length);
  });

  it('reads each manifest and config once, though the index\'s checks read them too', async () => {
    const { store, index } = await makeMultiArchLayout();
    const reads = new Map<string, number>();
    const counting = withFetchBytes(store, (desc, options) => {
      reads.set(desc.digest, (reads.get(desc.digest) ?? 0) + 1);
      return store.fetchBytes(desc, options);
    });
    const r = await checkGraph(counting, index, 'multi');
    assert.deepEqual(r.problems, []);
    // The index, 3 manifests, 3 configs, 3 layers (read whole: small): 10 blobs, each once.
    assert.equal(reads.size, 10);
    assert.deepEqual([...new Set(reads.values())], [1]);
  });

  it('names the platform and the layer whose bytes do not match their digest, and no other', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const layer = (await manifestOf(store, children[1]!)).layers[0]!;
    const file = blobFile(store, layer.digest);
    const bytes = readFileSync(file);
    bytes[0] ^= 1;
    writeFileSync(file, bytes);
    const r = await checkGraph(store, index, 'multi');
    assert.deepEqual(codes(r), ['error blob-unreadable multi > linux/arm64 layers[0]']);
    assert.equal(r.problems[0]!.digest, children[1]!.digest);
    assert.match(r.problems[0]!.message, new RegExp(layer.digest.slice(7, 19)));
    // --fast reads no layer: the same damage is not seen, and nothing is read.
    const fast = await checkGraph(store, index, 'multi', { fast: true });
    assert.deepEqual(fast.problems, []);
    assert.equal(fast.counts.bytes, 0);
  });

  it('reports a missing layer once, fast or not', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    rmSync(blobFile(store, (await manifestOf(store, children[2]!)).layers[0]!.digest));
    for (const fast of [false, true]) {
      const r = await checkGraph(store, index, 'multi', { fast, where: 'in the layout L' });
      assert.deepEqual(codes(r), ['error blob-missing multi > linux/arm/v7 layers[0].digest']);
      assert.match(r.problems[0]!.message, /is not in the layout L$/);
    }
  });

  it('unpacks gzip layers and compares them with the config\'s diff_ids', async () => {
    const store = await newLayout();
    const content = Buffer.from('a tar, say\n'.repeat(1000));
    const good = await gzipImage(store, content);
    assert.deepEqual((await checkGraph(store, good.desc, 'good')).problems, []);
    // A config listing the packed digest, a mistake hand-made images make.
    const packed = gzipSync(content, { level: 1 });
    const wrong = await gzipImage(store, content, { packed, diffId: digestOf(packed) });
    const r = await checkGraph(store, wrong.desc, 'wrong');
    assert.deepEqual(codes(r), ['error diff-id-mismatch wrong > config rootfs.diff_ids[0]']);
    assert.match(r.problems[0]!.message, new RegExp(`its content's digest is ${digestOf(content)}`));
  });

  it('says a layer listed as gzip is not gzip, once its digest checks out', async () => {
    const store = await newLayout();
    const plain = Buffer.from('not gzip at all\n');
    const { desc } = await gzipImage(store, plain, { packed: plain });
    const r = await checkGraph(store, desc, 'plain');
    assert.deepEqual(codes(r), ['error layer-unpack plain layers[0]']);
    assert.match(r.problems[0]!.message, /does not unpack as gzip: incorrect header check/);
  });

  it('streams a layer over 1 MiB, with the same findings as for a small one', async () => {
    const store = await newLayout();
    const content = randomBytes(1_500_000); // gzip cannot shrink it under the 1 MiB read whole
    const good = await gzipImage(store, content);
    assert.ok(good.layer.size > 1 << 20);
    const r = await checkGraph(store, good.desc, 'big');
    assert.deepEqual(r.problems, []);
    assert.equal(r.counts.bytes, good.layer.size);
    const wrong = await gzipImage(store, content, { packed: gzipSync(content, { level: 1 }), diffId: digestOf(Buffer.from('other')) });
    assert.deepEqual(codes(await checkGraph(store, wrong.desc, 'wrong')), ['error diff-id-mismatch wrong > config rootfs.diff_ids[0]']);
    const plain = await gzipImage(store, content, { packed: content });
    assert.deepEqual(codes(await checkGraph(store, plain.desc, 'plain')), ['error layer-unpack plain layers[0]']);
    const file = blobFile(store, good.layer.digest);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 1;
    writeFileSync(file, bytes);
    const damaged = await checkGraph(store, good.desc, 'big');
    // The digest mismatch is told, not the unpacking error the flipped byte also causes.
    assert.deepEqual(codes(damaged), ['error blob-unreadable big layers[0]']);
  });

  it('checks an image config: the platform fields and one diff_id per layer', async () => {
    const store = await newLayout();
    const layers = [await pushBlob(store, 'one\n'), await pushBlob(store, 'two\n')];
    const config = await pushBlob(store, JSON.stringify({ architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [layers[0]!.digest] } }), MediaType.ImageConfig);
    const desc = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers });
    const r = await checkGraph(store, desc, 'img');
    assert.deepEqual(codes(r), ['error missing-field img > config os', 'error diff-ids-count img > config rootfs.diff_ids']);
    assert.match(r.problems[1]!.message, /^1 diff_id for 2 layers/);
  });

  it('gives warnings, not errors, for a config of data layers only (buildx attestations borrow the image config type)', async () => {
    const store = await newLayout();
    const layer = await pushBlob(store, '{"predicate":{}}', 'application/vnd.in-toto+json');
    const config = await pushBlob(store, '{}', MediaType.ImageConfig);
    const desc = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] });
    const r = await checkGraph(store, desc, 'att');
    assert.deepEqual(codes(r), ['warning missing-field att > config architecture', 'warning missing-field att > config os', 'warning missing-field att > config rootfs']);
  });

  it('leaves a foreign layer that is not stored alone: it is fetched from its urls', async () => {
    const store = await newLayout();
    const base = { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: digestOf(Buffer.from('windows base layer')), size: 18, urls: ['https://mcr.example/base.tar.gz'] };
    const own = await pushBlob(store, gzipSync('app\n'), MediaType.DockerLayerGzip);
    const config = await pushBlob(store, JSON.stringify({ architecture: 'amd64', os: 'windows', rootfs: { type: 'layers', diff_ids: [digestOf(Buffer.from('unknown base')), digestOf(Buffer.from('app\n'))] } }), MediaType.DockerConfig);
    const desc = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers: [base, own] });
    const r = await checkGraph(store, desc, 'win');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.uncompared, { foreign: 1 });
    const cli = await runCli('check', '--oci-layout', `${store.location}@${desc.digest}`);
    assert.equal(cli.code, 0, cli.stdout);
    assert.equal(cli.stderr, 'Note: 1 foreign layer not read: not stored here, fetched from its urls\n');
    // Without urls the same absence is an error.
    const bare = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers: [{ ...base, urls: undefined }, own] });
    assert.deepEqual(codes(await checkGraph(store, bare, 'bare')), ['error blob-missing bare layers[0].digest']);
  });

  it('warns of an artifact whose subject is not stored with it', async () => {
    const store = await newLayout();
    const elsewhere = { mediaType: MediaType.ImageManifest, digest: digestOf(Buffer.from('an image kept elsewhere')), size: 23 };
    const sig = await makeArtifact(store, { subject: elsewhere, artifactType: 'application/vnd.example.sig' });
    const r = await checkGraph(store, sig, 'sig', { where: 'in the layout L' });
    assert.deepEqual(codes(r), ['warning subject-missing sig subject']);
    assert.equal(r.problems[0]!.message, `subject ${elsewhere.digest} is not in the layout L: this artifact refers to nothing that is stored with it`);
  });

  it('flags a platform an index lists that the image\'s config contradicts', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const index = await makeIndex(store, [{ ...amd, platform: { os: 'linux', architecture: 'arm64' } }]);
    const r = await checkGraph(store, index, 'idx');
    assert.deepEqual(codes(r), ['error platform-mismatch idx manifests[0].platform']);
  });

  it('tells the kind of document each problem is in: index, manifest, config, a layout\'s index.json', async () => {
    const store = await newLayout();
    const layer = await pushBlob(store, 'one\n');
    const config = await pushBlob(store, JSON.stringify({ architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [layer.digest] } }), MediaType.ImageConfig);
    const noOs = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] });
    const inner = await makeIndex(store, [{ ...(await makeImage(store, { arch: 'amd64' })), platform: { os: 'linux', architecture: 'arm64' } }]);
    const damaged = await makeIndex(store, [await makeImage(store, { arch: 's390x' })]);
    const outer = await makeIndex(store, [{ ...noOs, platform: { os: 'linux', architecture: 'amd64' } }, inner, damaged]);
    await store.tag(outer, 'v1');
    rmSync(blobFile(store, layer.digest));
    const bytes = readFileSync(blobFile(store, damaged.digest));
    bytes[bytes.length - 2] ^= 1;
    writeFileSync(blobFile(store, damaged.digest), bytes);
    const indexFile = join(store.location, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: unknown[] };
    index.manifests.push({ mediaType: MediaType.ImageManifest, digest: 'sha256:nothex', size: 1 });
    writeFileSync(indexFile, JSON.stringify(index));
    const check = new GraphCheck(store);
    await checkLayoutEntries(store, check);
    const kinds = check.report().problems.map((p) => `${p.document} ${p.code} ${p.where} ${p.path}`);
    assert.deepEqual(kinds, [
      'index.json damaged-entry index.json manifests[1].digest',
      'index platform-mismatch v1 manifests[0].platform',
      'index blob-unreadable v1 manifests[2].digest',
      'index platform-mismatch v1 > index [1] manifests[0].platform',
      'manifest blob-missing v1 > linux/amd64 layers[0].digest',
      'config missing-field v1 > linux/amd64 > config os',
    ]);
    // A root that cannot be read: its kind is the one its descriptor lists.
    assert.deepEqual((await checkGraph(store, damaged, 'idx')).problems.map((p) => `${p.document} ${p.code} ${p.where} ${p.path}`), ['index blob-unreadable idx ']);
  });

  it("flags each index.json entry whose mediaType disagrees with its document: another flavor a warning, the other kind an error", async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store, { arch: 'riscv64' }), 'sound');
    const indexFile = join(store.location, 'index.json');
    // A damaged entry first: the places of the others in index.json count it.
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: unknown[] };
    index.manifests.push({ mediaType: MediaType.ImageManifest, digest: 'sha256:nothex', size: 1 });
    writeFileSync(indexFile, JSON.stringify(index));
    const oci = await makeImage(store, { arch: 'amd64' });
    listAs(store, oci, MediaType.DockerManifest, 'as-docker');
    const docker = await dockerImage(store);
    listAs(store, docker, MediaType.ImageManifest, 'as-oci');
    const list = await makeIndex(store, [await makeImage(store, { arch: 'arm64' })]);
    listAs(store, list, MediaType.DockerManifestList, 'as-list');
    const image = await makeImage(store, { arch: 's390x' });
    listAs(store, image, MediaType.ImageIndex, 'as-index');
    const check = new GraphCheck(store);
    await checkLayoutEntries(store, check);
    const r = check.report();
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.code, p.where, p.document, p.digest, p.path, p.message]),
      [
        ['error', 'damaged-entry', 'index.json', 'index.json', '', 'manifests[1].digest', r.problems[0]!.message],
        ['warning', 'blob-media-type-flavor', 'index.json', 'index.json', '', 'manifests[2].mediaType', flavor(MediaType.DockerManifest, MediaType.ImageManifest, oci.digest, 'manifest')],
        ['warning', 'blob-media-type-flavor', 'index.json', 'index.json', '', 'manifests[3].mediaType', flavor(MediaType.ImageManifest, MediaType.DockerManifest, docker.digest, 'manifest')],
        ['warning', 'blob-media-type-flavor', 'index.json', 'index.json', '', 'manifests[4].mediaType', flavor(MediaType.DockerManifestList, MediaType.ImageIndex, list.digest, 'index')],
        ['error', 'blob-media-type-mismatch', 'index.json', 'index.json', '', 'manifests[5].mediaType', otherKind(MediaType.ImageIndex, 'index', image.digest, 'manifest', MediaType.ImageManifest)],
      ],
    );
    assert.deepEqual(r.problems.slice(1).map((p) => p.link), [Section.compatibility, Section.compatibility, Section.compatibility, Section.descriptor]);
    // The image listed as an index is still checked as the image it is: its config and layer too.
    assert.deepEqual(r.counts, { indexes: 1, manifests: 5, configs: 5, layers: 5, referrers: 0, bytes: r.counts.bytes });
  });

  it("flags an index's child listed under another flavor (a warning) or the other kind (an error), at the child's entry", async () => {
    const store = await newLayout();
    const oci = await makeImage(store, { arch: 'amd64' });
    const inner = await makeIndex(store, [await makeImage(store, { arch: 'arm64' })]);
    const image = await makeImage(store, { arch: 's390x' });
    const outer = await makeIndex(store, [{ ...oci, mediaType: MediaType.DockerManifest }, { ...inner, mediaType: MediaType.DockerManifestList }, { ...image, mediaType: MediaType.ImageIndex }]);
    const r = await checkGraph(store, outer, 'v1');
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.code, p.where, p.document, p.digest, p.path, p.message]),
      [
        ['warning', 'blob-media-type-flavor', 'v1', 'index', outer.digest, 'manifests[0].mediaType', flavor(MediaType.DockerManifest, MediaType.ImageManifest, oci.digest, 'manifest')],
        ['warning', 'blob-media-type-flavor', 'v1', 'index', outer.digest, 'manifests[1].mediaType', flavor(MediaType.DockerManifestList, MediaType.ImageIndex, inner.digest, 'index')],
        ['error', 'blob-media-type-mismatch', 'v1', 'index', outer.digest, 'manifests[2].mediaType', otherKind(MediaType.ImageIndex, 'index', image.digest, 'manifest', MediaType.ImageManifest)],
      ],
    );
    assert.deepEqual(r.counts, { indexes: 2, manifests: 3, configs: 3, layers: 3, referrers: 0, bytes: r.counts.bytes });
  });

  it("tells where a document is listed in its index, for a problem of its own bytes; not for the root", async () => {
    const store = await newLayout();
    // The layout refuses a manifest that is not one: pushed as a layer, listed as a manifest.
    const odd = { ...(await pushBlob(store, gzipSync('not a manifest\n'))), mediaType: MediaType.ImageManifest };
    const index = await makeIndex(store, [{ ...odd, platform: { os: 'linux', architecture: 'arm64' } }]);
    const r = await checkGraph(store, index, 'v1');
    assert.deepEqual(r.problems.map((p) => [p.where, p.document, p.digest, p.path, p.listedIn]), [['v1 > linux/arm64', 'manifest', odd.digest, '', { where: 'v1', digest: index.digest, path: 'manifests[0]' }]]);
    assert.equal((await checkGraph(store, odd, 'odd')).problems[0]!.listedIn, undefined);
  });

  it('follows referrers, and theirs, naming each by its artifact type', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const sbom = await makeArtifact(store, { subject: image, artifactType: 'application/spdx+json', content: 'sbom\n' });
    const sig = await makeArtifact(store, { subject: sbom, artifactType: 'application/vnd.example.sig', content: 'sig of sbom\n' });
    rmSync(blobFile(store, (await manifestOf(store, sig)).layers[0]!.digest));
    const r = await checkGraph(store, image, 'v1');
    assert.equal(r.counts.referrers, 2);
    assert.deepEqual(codes(r), [`error blob-missing v1 > application/spdx+json ${sbom.digest.slice(7, 19)} > application/vnd.example.sig ${sig.digest.slice(7, 19)} layers[0].digest`]);
    const without = await checkGraph(store, image, 'v1', { referrers: false });
    assert.deepEqual(without.problems, []);
    assert.equal(without.counts.manifests, 1);
  });
});

describe('check of a repository, cancelled', () => {
  it('stops while a tag is looked up: the abort is thrown, not noted as a tag that cannot be resolved', async () => {
    const releases: Array<() => void> = [];
    let held = 0;
    let holding = false;
    const server = await startOciServer({
      hold: (r) => {
        if (!holding || !r.path.endsWith('/manifests/b')) return undefined;
        held++;
        return new Promise<void>((resolve) => releases.push(resolve));
      },
    });
    try {
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
      const image = await makeImage(repo);
      for (const tag of ['a', 'b']) await repo.tag(image, tag);
      holding = true;
      const abort = new AbortController();
      const check = new GraphCheck(repo, { signal: abort.signal });
      const running = checkRepositoryTags(repo, check);
      while (held === 0) await new Promise((r) => setTimeout(r, 10));
      abort.abort();
      await assert.rejects(running, { name: 'AbortError' });
      assert.deepEqual(check.report().problems, []);
    } finally {
      for (const release of releases) release();
      await server.stop();
    }
  });
});

describe('manifold check', () => {
  after(cleanupTemps);

  it('exits 0 and sums up a sound image; exits 1 naming each problem under its image', async () => {
    const { store, children } = await makeMultiArchLayout();
    let r = await runCli('check', '--oci-layout', `${store.location}:multi`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^No problems in .*:multi: 1 index, 3 manifests, 3 configs, 3 layers; 0\.\d KiB of layers read\n$/);
    const layer = (await manifestOf(store, children[0]!)).layers[0]!;
    const bytes = readFileSync(blobFile(store, layer.digest));
    bytes[0] ^= 1;
    writeFileSync(blobFile(store, layer.digest), bytes);
    r = await runCli('check', '--oci-layout', `${store.location}:multi`);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `multi > linux/amd64 (${children[0]!.digest.slice(7, 19)})`);
    assert.match(lines[1]!, /^ {2}error {3}layers\[0\]: /);
    assert.match(lines[2]!, /^1 error in .*:multi: /);
    const json = JSON.parse((await runCli('check', '--oci-layout', `${store.location}:multi`, '--format', 'json')).stdout) as { errors: number; problems: Array<{ where: string; document: string; path: string; code: string }> };
    assert.equal(json.errors, 1);
    assert.deepEqual(json.problems.map((p) => [p.where, p.document, p.path, p.code]), [['multi > linux/amd64', 'manifest', 'layers[0]', 'blob-unreadable']]);
  });

  it('checks a whole layout: every entry of index.json, and the entries it cannot use', async () => {
    const { store } = await makeMultiArchLayout();
    const loose = await makeImage(store, { arch: 's390x' });
    await store.tag(loose, 'loose');
    const indexFile = join(store.location, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: unknown[] };
    index.manifests.push({ mediaType: MediaType.ImageManifest, digest: 'sha256:nothex', size: 1, annotations: { 'org.opencontainers.image.ref.name': 'broken' } });
    writeFileSync(indexFile, JSON.stringify(index));
    const r = await runCli('check', '--oci-layout', store.location, '--format', 'json');
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { checked: { manifests: number; indexes: number }; problems: Array<{ where: string; document: string; path: string; code: string }> };
    // And, as prune cannot tell garbage past such an entry, a note that it was not counted (info: no defect).
    assert.deepEqual(json.problems.map((p) => [p.where, p.document, p.path, p.code]), [
      ['index.json', 'index.json', '', 'unreachable-uncounted'],
      ['index.json', 'index.json', `manifests[${index.manifests.length - 1}].digest`, 'damaged-entry'],
    ]);
    assert.deepEqual([json.checked.indexes, json.checked.manifests], [1, 4]);
  });

  it('names an index.json entry whose mediaType disagrees with its document: the place, both types, the digest', async () => {
    const store = await newLayout();
    const oci = await makeImage(store, { arch: 'amd64' });
    listAs(store, oci, MediaType.DockerManifest, 'as-docker');
    const image = await makeImage(store, { arch: 's390x' });
    listAs(store, image, MediaType.ImageIndex, 'as-index');
    let r = await runCli('check', '--oci-layout', store.location);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      [
        'index.json',
        `  warning manifests[0].mediaType: ${flavor(MediaType.DockerManifest, MediaType.ImageManifest, oci.digest, 'manifest')}`,
        `  error   manifests[1].mediaType: ${otherKind(MediaType.ImageIndex, 'index', image.digest, 'manifest', MediaType.ImageManifest)}`,
        `1 error, 1 warning in ${store.location}: 0 indexes, 2 manifests, 2 configs, 2 layers; 0.0 KiB of layers read`,
        '',
      ].join('\n'),
    );
    r = await runCli('check', '--oci-layout', store.location, '--format', 'json');
    assert.equal(r.code, 1);
    const json = JSON.parse(r.stdout) as { errors: number; warnings: number; problems: unknown[] };
    assert.deepEqual([json.errors, json.warnings], [1, 1]);
    assert.deepEqual(json.problems, [
      { severity: 'warning', code: 'blob-media-type-flavor', where: 'index.json', document: 'index.json', path: 'manifests[0].mediaType', message: flavor(MediaType.DockerManifest, MediaType.ImageManifest, oci.digest, 'manifest'), link: Section.compatibility },
      { severity: 'error', code: 'blob-media-type-mismatch', where: 'index.json', document: 'index.json', path: 'manifests[1].mediaType', message: otherKind(MediaType.ImageIndex, 'index', image.digest, 'manifest', MediaType.ImageManifest), link: Section.descriptor },
    ]);
    // Checked by its tag: the entry it is listed by, not the others.
    r = await runCli('check', '--oci-layout', `${store.location}:as-index`);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      [
        'index.json',
        `  error   manifests[1].mediaType: ${otherKind(MediaType.ImageIndex, 'index', image.digest, 'manifest', MediaType.ImageManifest)}`,
        `1 error in ${store.location}:as-index: 0 indexes, 1 manifest, 1 config, 1 layer; 0.0 KiB of layers read`,
        '',
      ].join('\n'),
    );
    r = await runCli('check', '--oci-layout', `${store.location}@${oci.digest}`, '--format', 'json');
    assert.deepEqual((JSON.parse(r.stdout) as { problems: Array<{ code: string; path: string }> }).problems.map((p) => [p.code, p.path]), [['blob-media-type-flavor', 'manifests[0].mediaType']]);
    // A warning alone: exit 0, and 1 with --strict.
    const file = join(store.location, 'index.json');
    const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Array<{ mediaType: string }> };
    index.manifests[1]!.mediaType = MediaType.ImageManifest;
    writeFileSync(file, JSON.stringify(index));
    assert.equal((await runCli('check', '--oci-layout', store.location)).code, 0);
    assert.equal((await runCli('check', '--oci-layout', store.location, '--strict')).code, 1);
  });
});
