import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { copy } from '../../src/oci/copy';
import { documentMediaType } from '../../src/oci/copy/documentMediaType';
import { OciLayoutStore } from '../../src/oci/layout';
import { parsePlatformPatterns } from '../../src/oci/platformPattern';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer, type OciServer } from '../integration/support';
import { startMisbehavingRegistry, type Exchange, type MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, newLayout, pushBlob, pushIndex, pushManifest, tempDir } from './builders';

// A registry whose HEAD answer for a tag gives the other flavor of the same kind than the manifest's own mediaType
// (Docker's schema2 type for an OCI manifest, a manifest list for an OCI index, or the reverse). The registry client
// reads it (the shapes are the same); a copy stores the manifest under the type its document (verified by digest)
// declares, so a layout takes it and its index.json lists it truly.

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';
const DOCKER_M = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

describe('a copy from a registry whose HEAD answer gives the other flavor of the manifest\'s type', function () {
  this.timeout(60_000);
  let server: OciServer;
  let proxy: MisbehavingRegistry;
  let host: string;
  let image: Descriptor;
  let docker: Descriptor;
  let bare: Descriptor;
  let sig: Descriptor;
  let ociMix: Descriptor;
  let dockerMix: Descriptor;
  /** ociMix and a third entry, with no platform: picking both platforms leaves it out, so the index is rewritten. */
  let ociMix3: Descriptor;
  const cli = (...argv: string[]) => runCli(...argv, '--plain-http', '--retries', '0');

  before(async () => {
    server = await startOciServer();
    const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');
    image = await makeImage(repo, { arch: 'amd64' });
    sig = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.example.sig', content: 'signature' });
    // A Docker schema2 image, and an OCI manifest with no mediaType of its own (OCI's is only a SHOULD).
    const emptyTar = Buffer.alloc(1024);
    const layer = await pushBlob(repo, gzipSync(emptyTar), 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    const config = await pushBlob(repo, JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(emptyTar)] } }), 'application/vnd.docker.container.image.v1+json');
    docker = { ...(await pushManifest(repo, { schemaVersion: 2, mediaType: DOCKER_M, config, layers: [layer] })), platform: { architecture: 'arm64', os: 'linux' } };
    const ociConfig = await pushBlob(repo, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }), 'application/vnd.oci.image.config.v1+json');
    bare = await pushManifest(repo, { schemaVersion: 2, config: ociConfig, layers: [] });
    // Indexes of both flavors, each listing an OCI and a Docker image.
    ociMix = await pushIndex(repo, { schemaVersion: 2, mediaType: I, manifests: [image, docker] } as ImageIndex);
    dockerMix = await pushIndex(repo, { schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [image, docker] } as ImageIndex);
    ociMix3 = await pushIndex(repo, { schemaVersion: 2, mediaType: I, manifests: [image, docker, bare] } as ImageIndex);
    await repo.tag(ociMix3, 'oci-mix3');
    for (const [tag, desc] of [['v1', image], ['docker', docker], ['bare', bare], ['oci-mix', ociMix], ['docker-mix', dockerMix]] as const) await repo.tag(desc, tag);
    proxy = await startMisbehavingRegistry(`http://${server.host}`);
    host = proxy.host;
  });
  afterEach(() => proxy.misbehave([]));
  after(async () => {
    await proxy.stop();
    await server.stop();
    cleanupTemps();
  });

  /** The tag's HEAD answer passed on with Content-Type `claimed`. */
  const headSays = (tag: string, claimed: string): void =>
    proxy.misbehave([
      {
        method: 'HEAD',
        path: new RegExp(`/manifests/${tag}$`),
        act: async (x: Exchange) => {
          const up = await x.upstream();
          x.send({ status: up.status, headers: { ...up.headers, 'content-type': claimed }, body: Buffer.alloc(0) }, true);
        },
      },
    ]);
  const listed = (dir: string): Array<{ mediaType: string; digest: string; tag?: string }> =>
    (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ImageIndex).manifests.map((m) => ({ mediaType: m.mediaType, digest: m.digest, tag: m.annotations?.['org.opencontainers.image.ref.name'] }));
  const checkClean = async (dir: string): Promise<void> => {
    const r = await runCli('check', '--oci-layout', dir);
    assert.equal(r.code, 0, `check ${dir}: ${r.stdout}${r.stderr}`);
  };

  it('cp into a layout stores the manifest, and index.json lists it, under the type its document declares; the layout checks clean', async () => {
    for (const { tag, desc, claimed, own } of [
      { tag: 'v1', desc: image, claimed: DOCKER_M, own: M },
      { tag: 'docker', desc: docker, claimed: M, own: DOCKER_M },
      { tag: 'oci-mix', desc: ociMix, claimed: DOCKER_LIST, own: I },
      { tag: 'docker-mix', desc: dockerMix, claimed: I, own: DOCKER_LIST },
    ]) {
      headSays(tag, claimed);
      const dir = join(tempDir(), 'out');
      const r = await cli('cp', `${host}/app:${tag}`, '--to-oci-layout', `${dir}:v1`);
      assert.equal(r.code, 0, `${tag}: ${r.stderr}`);
      assert.ok(proxy.requests.includes(`HEAD /v2/app/manifests/${tag}`), 'the HEAD answer was the one rewritten');
      assert.deepEqual(listed(dir), [{ mediaType: own, digest: desc.digest, tag: 'v1' }], tag);
      // The progress names it as stored.
      assert.ok(r.stdout.includes(`Copied  ${desc.digest.slice(7, 19)} ${own}\n`), r.stdout);
      await checkClean(dir);
      // The dry run shows the root as it would be stored.
      headSays(tag, claimed);
      const plan = await cli('cp', `${host}/app:${tag}`, '--to-oci-layout', `${join(tempDir(), 'dry')}:v1`, '--dry-run');
      assert.equal(plan.code, 0, plan.stderr);
      assert.ok(plan.stdout.includes(`Root: ${desc.digest} ${own}\n`), plan.stdout);
      // Into the layout that holds it already (another tag): the root, and its row, as the copy would list it.
      headSays(tag, claimed);
      const again = await cli('cp', `${host}/app:${tag}`, '--to-oci-layout', `${dir}:v2`, '--dry-run');
      assert.equal(again.code, 0, again.stderr);
      assert.ok(again.stdout.includes(`Root: ${desc.digest} ${own}\n`), again.stdout);
      assert.ok(again.stdout.includes(`  manifest ${desc.digest} ${String(desc.size).padStart(12)} ${own}\n`), again.stdout);
      headSays(tag, claimed);
      const json = JSON.parse((await cli('cp', `${host}/app:${tag}`, '--to-oci-layout', `${dir}:v2`, '--dry-run', '--format', 'json')).stdout) as { root: { mediaType: string } };
      assert.equal(json.root.mediaType, own);
      headSays(tag, claimed);
      const real = await cli('cp', `${host}/app:${tag}`, '--to-oci-layout', `${dir}:v2`);
      assert.equal(real.code, 0, real.stderr);
      assert.deepEqual(listed(dir), [{ mediaType: own, digest: desc.digest, tag: 'v1' }, { mediaType: own, digest: desc.digest, tag: 'v2' }], tag);
    }
  });

  it('cp -r into a layout and into a layout tar takes the root and its referrer', async () => {
    headSays('v1', DOCKER_M);
    const dir = join(tempDir(), 'out');
    const r = await cli('cp', '-r', `${host}/app:v1`, '--to-oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr);
    const entries = listed(dir);
    assert.deepEqual(entries.find((e) => e.tag === 'v1'), { mediaType: M, digest: image.digest, tag: 'v1' });
    const store = await OciLayoutStore.open(dir);
    assert.equal((await store.resolve('v1')).mediaType, M);
    const refs: Descriptor[] = [];
    for await (const d of store.referrers({ mediaType: M, digest: image.digest, size: image.size })) refs.push(d);
    assert.deepEqual(refs.map((d) => d.digest), [sig.digest]);
    await checkClean(dir);

    headSays('v1', DOCKER_M);
    const tar = join(tempDir(), 'out.tar');
    const t = await cli('cp', '-r', `${host}/app:v1`, '--to-oci-layout', `${tar}:v1`);
    assert.equal(t.code, 0, t.stderr);
    await checkClean(tar);
  });

  it('a copy to a registry (the extension\'s copy, the API) pushes the root under its document\'s type and returns that descriptor', async () => {
    headSays('oci-mix', DOCKER_LIST);
    const src = new RemoteRepository(new RegistryClient(host, { plainHttp: true, retry: { attempts: 1 } }), 'app');
    const dst = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'copied');
    const result = await copy(src, 'oci-mix', dst, ['v1'], { referrers: true });
    assert.deepEqual([result.root.mediaType, result.root.digest], [I, ociMix.digest]);
    assert.equal(server.repo('copied').manifests.get(ociMix.digest)?.mediaType, I);
  });

  it('several platforms picked from an index read under the other flavor: the new index is of its document\'s type', async () => {
    headSays('oci-mix3', DOCKER_LIST);
    const dir = join(tempDir(), 'out');
    const r = await cli('cp', `${host}/app:oci-mix3`, '--platform', 'linux/amd64', '--platform', 'linux/arm64', '--to-oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listed(dir).map((e) => [e.mediaType, e.tag]), [[I, 'v1']]);
    await checkClean(dir);
    // The API tells the new index under that type too.
    headSays('oci-mix3', DOCKER_LIST);
    const src = new RemoteRepository(new RegistryClient(host, { plainHttp: true, retry: { attempts: 1 } }), 'app');
    const result = await copy(src, 'oci-mix3', await OciLayoutStore.open(join(tempDir(), 'api'), { create: true }), ['v1'], { platforms: parsePlatformPatterns(['linux/amd64', 'linux/arm64']) });
    assert.deepEqual([result.subset?.desc.mediaType, result.subset?.from.digest, result.root.mediaType], [I, ociMix3.digest, I]);
  });

  it('a manifest with no mediaType of its own keeps the type the registry gave', async () => {
    headSays('bare', DOCKER_M);
    const dir = join(tempDir(), 'out');
    const r = await cli('cp', `${host}/app:bare`, '--to-oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listed(dir), [{ mediaType: DOCKER_M, digest: bare.digest, tag: 'v1' }]);
  });
});

describe('documentMediaType', () => {
  it('follows the document only between flavors of one kind; another kind, no manifest type, or none keeps the listed type', () => {
    assert.equal(documentMediaType(DOCKER_M, M), M);
    assert.equal(documentMediaType(M, DOCKER_M), DOCKER_M);
    assert.equal(documentMediaType(DOCKER_LIST, I), I);
    assert.equal(documentMediaType(I, DOCKER_LIST), DOCKER_LIST);
    // The other kind is for the checks (and the registry client) to name, not to be taken.
    assert.equal(documentMediaType(DOCKER_M, I), DOCKER_M);
    assert.equal(documentMediaType(I, M), I);
    assert.equal(documentMediaType(M, 'application/json'), M);
    assert.equal(documentMediaType(M, undefined), M);
    assert.equal(documentMediaType(M, 7), M);
  });
});

describe('a copy from a layout whose index.json lists a manifest under the other flavor of its type', () => {
  after(cleanupTemps);

  it('stores it, and lists it at the destination, under the type its document declares', async () => {
    const src = await newLayout();
    const img = await makeImage(src);
    await src.tag(img, 'v1');
    const index = JSON.parse(readFileSync(join(src.location, 'index.json'), 'utf8')) as ImageIndex;
    index.manifests[0]!.mediaType = DOCKER_M;
    writeFileSync(join(src.location, 'index.json'), JSON.stringify(index));
    const out = join(tempDir(), 'out');
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.location}:v1`, `${out}:v1`);
    assert.equal(r.code, 0, r.stderr);
    const listedThere = (JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as ImageIndex).manifests;
    assert.deepEqual(listedThere.map((m) => [m.mediaType, m.digest]), [[M, img.digest]]);
  });
});
