// docker save tarballs (legacy manifest.json, no index.json) read as read-only layouts: what is made up (index.json,
// manifests) byte for byte, the tag rule, gzipped layers, Docker 25's tars (read as the OCI layouts they are), and each
// kind of damage refused with a message naming the file in the tar and the JSON path.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OciLayoutStore } from '../../src/oci/layout';
import { startOciServer } from '../integration/support';
import { code, collect, readStream } from '../helpers/assertions';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir, writeTar, type TarEntry } from './builders';

after(cleanupTemps);

const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A layer: a one-file tar. */
function layerOf(name: string, text: string): Buffer {
  const file = join(tempDir(), 'layer.tar');
  writeTar(file, [{ name, body: text }]);
  return readFileSync(file);
}

interface Img {
  config: Buffer;
  layers: Buffer[];
  repoTags: string[] | null;
}

function imageOf(arch: string, layers: Buffer[], repoTags: string[] | null, extra = ''): Img {
  const diffIds = layers.map((l) => `"sha256:${hex(l)}"`).join(',');
  const config = Buffer.from(`{"architecture":"${arch}","os":"linux"${extra},"rootfs":{"type":"layers","diff_ids":[${diffIds}]}}`);
  return { config, layers, repoTags };
}

/** As docker save (before 25) lays it out: `<id>.json`, `<layer-id>/layer.tar` with its `json` and `VERSION`. */
function dockerLegacy(images: Img[], edit: (manifest: Array<Record<string, unknown>>, entries: TarEntry[]) => void = () => {}): string {
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  const manifest = images.map((img) => {
    const id = hex(img.config);
    entries.push({ name: `${id}.json`, body: img.config });
    const layers = img.layers.map((l, i) => {
      const dir = hex(`${id}-${hex(l)}-${i}`);
      if (!seen.has(dir)) {
        seen.add(dir);
        entries.push({ name: `${dir}/`, type: '5' }, { name: `${dir}/VERSION`, body: '1.0' }, { name: `${dir}/json`, body: `{"id":"${dir}"}` }, { name: `${dir}/layer.tar`, body: l });
      }
      return `${dir}/layer.tar`;
    });
    return { Config: `${id}.json`, RepoTags: img.repoTags, Layers: layers } as Record<string, unknown>;
  });
  edit(manifest, entries);
  entries.push({ name: 'manifest.json', body: JSON.stringify(manifest) });
  const file = join(tempDir(), 'app.tar');
  writeTar(file, entries);
  return file;
}

/** As skopeo's and podman's docker-archive: writers lay it out: `<hex>.tar` layers, `<hex>.json` config. */
function skopeoStyle(images: Img[], gzipLayers = false): string {
  const entries = new Map<string, Buffer>();
  const manifest = images.map((img) => {
    const cfg = `${hex(img.config)}.json`;
    entries.set(cfg, img.config);
    const layers = img.layers.map((l) => {
      const name = `${hex(l)}.tar${gzipLayers ? '.gz' : ''}`;
      entries.set(name, gzipLayers ? gzipSync(l) : l);
      return name;
    });
    return { Config: cfg, RepoTags: img.repoTags, Layers: layers };
  });
  const file = join(tempDir(), 'podman.tar');
  writeTar(file, [...[...entries].map(([name, body]) => ({ name, body })), { name: 'manifest.json', body: JSON.stringify(manifest) }]);
  return file;
}

/** The manifest skopeo writes for an image of the archive (Go's field order), uncompressed layers. */
function expectedManifest(img: Img): string {
  const layers = img.layers.map((l) => `{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:${hex(l)}","size":${l.length}}`);
  return `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${hex(img.config)}","size":${img.config.length}},"layers":[${layers.join(',')}]}`;
}

const base = layerOf('etc/os-release', 'base\n');
const appLayer = layerOf('app/run', 'app v1\n');
const dbLayer = layerOf('db/run', 'db\n');

describe('docker save tarballs (legacy manifest.json) read as layouts', () => {
  it('docker save layout: tags, manifests byte for byte, configs and layers served from their place in the tar', async () => {
    const app = imageOf('amd64', [base, appLayer], ['example.com/team/app:v1', 'example.com/team/app:latest']);
    const file = dockerLegacy([app]);
    const tar = await OciLayoutStore.openTar(file);
    assert.equal(tar.readOnly, true);
    assert.deepEqual(await collect(tar.tags()), ['latest', 'v1']);
    const m = await tar.resolve('v1');
    const bytes = await tar.fetchBytes(m);
    assert.equal(bytes.toString(), expectedManifest(app));
    assert.equal(m.digest, `sha256:${hex(expectedManifest(app))}`);
    assert.equal((await tar.resolve('latest')).digest, m.digest);
    const doc = JSON.parse(bytes.toString()) as { config: { digest: string; size: number; mediaType: string }; layers: Array<{ digest: string; size: number; mediaType: string }> };
    // The config byte for byte: its digest is the image ID, the file's name.
    assert.ok((await tar.fetchBytes(doc.config)).equals(app.config));
    assert.ok((await readStream(await tar.fetch(doc.layers[1]!))).equals(appLayer));
    assert.ok((await readStream(await tar.fetch(doc.layers[0]!))).equals(base));
    // As Docker 25 writes its index.json: the tag part as the ref name, the full name beside it.
    const entries = await tar.entries();
    assert.deepEqual(entries.map((e) => e.annotations), [
      { 'io.containerd.image.name': 'example.com/team/app:v1', 'org.opencontainers.image.ref.name': 'v1' },
      { 'io.containerd.image.name': 'example.com/team/app:latest', 'org.opencontainers.image.ref.name': 'latest' },
    ]);
    const r = await runCli('check', '--oci-layout', `${file}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No problems .*1 manifest, 1 config, 2 layers/);
  });

  it('skopeo/podman layout: several images, a layer they share served once, an untagged one left out by layout import', async () => {
    const app = imageOf('amd64', [base, appLayer], ['app:v1']);
    const db = imageOf('arm64', [base, dbLayer], ['docker.io/library/db:v2', 'myorg/db:stable'], ',"variant":"v8"');
    const loose = imageOf('amd64', [base], null);
    const file = skopeoStyle([app, db, loose]);
    const tar = await OciLayoutStore.openTar(file);
    assert.deepEqual(await collect(tar.tags()), ['stable', 'v1', 'v2']);
    const names = (await tar.entries()).map((e) => e.annotations?.['io.containerd.image.name'] ?? e.digest);
    const looseDigest = `sha256:${hex(expectedManifest(loose))}`;
    assert.deepEqual(names, ['docker.io/library/app:v1', 'docker.io/library/db:v2', 'docker.io/myorg/db:stable', looseDigest]);
    assert.equal((await tar.fetchBytes(await tar.resolve(looseDigest))).toString(), expectedManifest(loose));

    const dir = join(tempDir(), 'imported');
    const r = await runCli('layout', 'import', file, dir);
    assert.equal(r.code, 0, r.stderr);
    const appDigest = `sha256:${hex(expectedManifest(app))}`;
    const dbDigest = `sha256:${hex(expectedManifest(db))}`;
    assert.equal(r.stdout, [`Imported stable ${dbDigest}`, `Imported v1 ${appDigest}`, `Imported v2 ${dbDigest}`, 'Referrers: 0',
      `Left out ${looseDigest}: untagged in the archive and no referrer of what was imported (tag it there to import it)`, ''].join('\n'));
    for (const blob of [app.config, db.config, base, appLayer, dbLayer]) {
      assert.ok(readFileSync(join(dir, 'blobs', 'sha256', hex(blob))).equals(blob));
    }
    assert.equal(readFileSync(join(dir, 'blobs', 'sha256', appDigest.slice(7)), 'utf8'), expectedManifest(app));
    const tags = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.match(tags.stdout, /v2 .* image {2}linux\/arm64\/v8/);
  });

  it('gzipped layer files (as some writers make them) read as skopeo reads them: the diff_id, the uncompressed bytes', async () => {
    const app = imageOf('amd64', [base, appLayer], ['app:v1']);
    const file = skopeoStyle([app], true);
    const tar = await OciLayoutStore.openTar(file);
    const bytes = await tar.fetchBytes(await tar.resolve('v1'));
    assert.equal(bytes.toString(), expectedManifest(app));
    const layer = (JSON.parse(bytes.toString()) as { layers: Array<{ digest: string; size: number; mediaType: string }> }).layers[1]!;
    assert.ok((await readStream(await tar.fetch(layer))).equals(appLayer));
    assert.ok((await tar.fetchBytes(layer)).equals(appLayer));
  });

  it("crane's tarball (config named sha256:<hex>, gzipped layers) reads the same", async () => {
    const app = imageOf('amd64', [base, appLayer], ['example.com/app:v1']);
    const file = join(tempDir(), 'crane.tar');
    const layers = app.layers.map((l) => ({ name: `${hex(l)}.tar.gz`, body: gzipSync(l) }));
    writeTar(file, [
      { name: 'manifest.json', body: JSON.stringify([{ Config: `sha256:${hex(app.config)}`, RepoTags: app.repoTags, Layers: layers.map((l) => l.name) }]) },
      { name: `sha256:${hex(app.config)}`, body: app.config },
      ...layers,
    ]);
    const tar = await OciLayoutStore.openTar(file);
    assert.equal((await tar.fetchBytes(await tar.resolve('v1'))).toString(), expectedManifest(app));
  });

  it('cp --from-oci-layout X.tar:tag copies one tag into a layout folder', async () => {
    const app = imageOf('amd64', [base, appLayer], ['app:v1']);
    const file = dockerLegacy([app, imageOf('arm64', [dbLayer], ['db:v2'])]);
    const dir = join(tempDir(), 'copy');
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${file}:v1`, `${dir}:release`);
    assert.equal(r.code, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    assert.deepEqual(index.manifests.map((d) => d.digest), [`sha256:${hex(expectedManifest(app))}`]);
    assert.ok(!existsSync(join(dir, 'blobs', 'sha256', hex(dbLayer))));
  });

  it('restore --input X.tar pushes every tag to a registry', async () => {
    const server = await startOciServer();
    try {
      const app = imageOf('amd64', [base, appLayer], ['app:v1', 'app:latest']);
      const file = dockerLegacy([app]);
      const r = await runCli('restore', '--input', file, `${server.host}/app`, '--plain-http');
      assert.equal(r.code, 0, r.stderr);
      const repo = server.repo('app');
      const digest = `sha256:${hex(expectedManifest(app))}`;
      assert.deepEqual([...repo.tags.entries()].sort(), [['latest', digest], ['v1', digest]]);
      assert.equal(Buffer.from(repo.manifests.get(digest)!.bytes).toString(), expectedManifest(app));
      assert.ok(Buffer.from(repo.blobs.get(`sha256:${hex(appLayer)}`)!).equals(appLayer));
    } finally {
      await server.stop();
    }
  });

  it('two images under one tag part (app:v1, db:v1) are refused, naming both', async () => {
    const file = skopeoStyle([imageOf('amd64', [appLayer], ['app:v1']), imageOf('amd64', [dbLayer], ['db:v1'])]);
    await assert.rejects(OciLayoutStore.openTar(file), code('INVALID_LAYOUT', /manifest\.json: the tag v1 would name two images: app:v1 \(manifest\.json\[0\]\.RepoTags\[0\]\) and db:v1 \(manifest\.json\[1\]\.RepoTags\[0\]\)/));
    // One image under two names with the same tag part is one tag.
    const same = await OciLayoutStore.openTar(skopeoStyle([imageOf('amd64', [appLayer], ['app:v1', 'example.com/app:v1'])]));
    assert.deepEqual(await collect(same.tags()), ['v1']);
  });

  it("Docker 25's docker save (index.json and manifest.json) is read as the OCI layout it is", async () => {
    const app = imageOf('amd64', [appLayer], ['app:v1']);
    const manifest = Buffer.from(expectedManifest(app));
    const md = hex(manifest);
    const index = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:${md}","size":${manifest.length},"annotations":{"io.containerd.image.name":"docker.io/library/app:v1","org.opencontainers.image.ref.name":"v1"}}]}`;
    const legacy = [{ Config: `blobs/sha256/${hex(app.config)}`, RepoTags: ['app:v1'], Layers: [`blobs/sha256/${hex(appLayer)}`] }];
    const file = join(tempDir(), 'docker25.tar');
    writeTar(file, [
      { name: 'blobs/', type: '5' },
      { name: 'blobs/sha256/', type: '5' },
      { name: `blobs/sha256/${hex(app.config)}`, body: app.config },
      { name: `blobs/sha256/${hex(appLayer)}`, body: appLayer },
      { name: `blobs/sha256/${md}`, body: manifest },
      { name: 'index.json', body: index },
      { name: 'manifest.json', body: JSON.stringify(legacy) },
      { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
      { name: 'repositories', body: `{"app":{"v1":"${hex(appLayer)}"}}` },
    ]);
    const tar = await OciLayoutStore.openTar(file);
    assert.deepEqual(await collect(tar.tags()), ['v1']);
    assert.equal((await tar.resolve('v1')).digest, `sha256:${md}`);
    // The entry as written there (its annotations kept), not one made from manifest.json.
    assert.equal((await tar.entries())[0]!.annotations?.['io.containerd.image.name'], 'docker.io/library/app:v1');
    const r = await runCli('check', '--oci-layout', `${file}:v1`);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('docker save tarballs: damage refused, naming the file in the tar and the JSON path', () => {
  const app = imageOf('amd64', [base, appLayer], ['app:v1']);
  type Manifest = Array<Record<string, unknown>>;
  const cases: Array<[string, (m: Manifest, e: TarEntry[]) => void, string, RegExp]> = [
    ['an image not an object', (m) => (m[0] = 'x' as never), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]: not an object/],
    ['Config missing', (m) => delete m[0]!.Config, 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Config: missing/],
    ['Config a number', (m) => (m[0]!.Config = 7), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Config: not a file name \(7\)/],
    ['Config file missing', (m) => (m[0]!.Config = 'gone.json'), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Config: gone\.json is not in the archive/],
    ['Config escaping', (m) => (m[0]!.Config = '../etc/passwd'), 'PATH_ESCAPE', /app\.tar: manifest\.json\[0\]\.Config: "\.\.\/etc\/passwd" leaves the archive/],
    ['a layer escaping', (m) => ((m[0]!.Layers as string[])[1] = 'a/../../x/layer.tar'), 'PATH_ESCAPE', /app\.tar: manifest\.json\[0\]\.Layers\[1\]: "a\/\.\.\/\.\.\/x\/layer\.tar" leaves the archive/],
    ['a layer absolute', (m) => ((m[0]!.Layers as string[])[0] = '/x/layer.tar'), 'PATH_ESCAPE', /manifest\.json\[0\]\.Layers\[0\]: "\/x\/layer\.tar" is not a path inside the archive/],
    ['a layer file missing', (m) => ((m[0]!.Layers as string[])[1] = 'nope/layer.tar'), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Layers\[1\]: nope\/layer\.tar is not in the archive/],
    ['Layers not a list', (m) => (m[0]!.Layers = 'x'), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Layers: not a list/],
    ['Layers missing', (m) => delete m[0]!.Layers, 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Layers: missing/],
    ['Layers and diff_ids counts differ', (m) => (m[0]!.Layers as string[]).pop(), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.Layers: 1 layer\(s\), but its config [0-9a-f]{64}\.json lists 2 in rootfs\.diff_ids/],
    ['a layer not a string', (m) => ((m[0]!.Layers as unknown[])[0] = null), 'INVALID_LAYOUT', /manifest\.json\[0\]\.Layers\[0\]: not a file name \(null\)/],
    ['RepoTags not a list', (m) => (m[0]!.RepoTags = 'app:v1'), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.RepoTags: not a list/],
    ['a RepoTags entry not a string', (m) => (m[0]!.RepoTags = [3]), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.RepoTags\[0\]: not a string/],
    ['a RepoTags entry with no tag', (m) => (m[0]!.RepoTags = ['app:v1', 'localhost:5000/app']), 'INVALID_LAYOUT', /app\.tar: manifest\.json\[0\]\.RepoTags\[1\]: "localhost:5000\/app" is not a repository:tag reference/],
  ];
  for (const [name, edit, errCode, message] of cases) {
    it(name, async () => {
      const file = dockerLegacy([app], edit);
      await assert.rejects(OciLayoutStore.openTar(file), code(errCode as never, message));
    });
  }

  it('manifest.json not a list', async () => {
    const file = join(tempDir(), 'app.tar');
    writeTar(file, [{ name: 'manifest.json', body: '{"Config":"x.json"}' }]);
    await assert.rejects(OciLayoutStore.openTar(file), code('INVALID_LAYOUT', /app\.tar: manifest\.json: not a list \(docker save writes a JSON array of images\)/));
  });

  it('manifest.json not JSON', async () => {
    const file = join(tempDir(), 'app.tar');
    writeTar(file, [{ name: 'manifest.json', body: '[{"Config":' }]);
    await assert.rejects(OciLayoutStore.openTar(file), code('INVALID_LAYOUT', /app\.tar: manifest\.json: not JSON/));
  });

  const configCases: Array<[string, string, RegExp]> = [
    ['a config not JSON', '{"rootfs":', /app\.tar: [0-9a-f]{64}\.json \(manifest\.json\[0\]\.Config\): not JSON/],
    ['a config not an object', '[1]', /app\.tar: [0-9a-f]{64}\.json: not a JSON object \(an image config\)/],
    ['a config without rootfs', '{"os":"linux"}', /app\.tar: [0-9a-f]{64}\.json rootfs: missing/],
    ['diff_ids not a list', '{"rootfs":{"diff_ids":"x"}}', /app\.tar: [0-9a-f]{64}\.json rootfs\.diff_ids: not a list/],
    ['a diff_id not a digest', `{"rootfs":{"diff_ids":["sha256:${hex(base)}","sha256:../../x"]}}`, /app\.tar: [0-9a-f]{64}\.json rootfs\.diff_ids\[1\]: "sha256:\.\.\/\.\.\/x" is not a digest/],
  ];
  for (const [name, config, message] of configCases) {
    it(name, async () => {
      const file = dockerLegacy([{ ...app, config: Buffer.from(config) }], (_m, e) => {
        for (const x of e) if (x.name.endsWith('.json') && !x.name.includes('/')) x.body = config;
      });
      await assert.rejects(OciLayoutStore.openTar(file), code('INVALID_LAYOUT', message));
    });
  }

  it('a damaged layer fails its read (and check), naming the file in the tar and the image', async () => {
    const damaged = Buffer.from(appLayer);
    damaged[600] ^= 1;
    const file = dockerLegacy([app], (m, e) => {
      const member = (m[0]!.Layers as string[])[1]!;
      e.find((x) => x.name === member)!.body = damaged;
    });
    const tar = await OciLayoutStore.openTar(file);
    const layer = (JSON.parse((await tar.fetchBytes(await tar.resolve('v1'))).toString()) as { layers: Array<{ digest: string; size: number; mediaType: string }> }).layers[1]!;
    const where = /app\.tar: [0-9a-f]{64}\/layer\.tar \(manifest\.json\[0\]\.Layers\[1\] of app:v1\): content has digest sha256:[0-9a-f]{64} \(2048 bytes\), expected sha256:[0-9a-f]{64} \(2048 bytes\), its rootfs\.diff_ids entry/;
    await assert.rejects(readStream(await tar.fetch(layer)), code('DIGEST_MISMATCH', where));
    await assert.rejects(tar.fetchBytes(layer), code('DIGEST_MISMATCH', where));
    const r = await runCli('check', '--oci-layout', `${file}:v1`);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /layer\.tar \(manifest\.json\[0\]\.Layers\[1\] of app:v1\)/);
  });

  it('a damaged gzipped layer is refused when the archive is opened (its size is found by reading it)', async () => {
    const file = skopeoStyle([imageOf('amd64', [base], ['app:v1'])], true);
    const bytes = readFileSync(file);
    const gz = gzipSync(base);
    const at = bytes.indexOf(gz);
    bytes[at + gz.length - 12] ^= 0xff; // in the deflate data: the CRC check or inflate fails
    writeFileSync(file, bytes);
    await assert.rejects(OciLayoutStore.openTar(file), code('INVALID_LAYOUT', /podman\.tar: [0-9a-f]{64}\.tar\.gz \(manifest\.json\[0\]\.Layers\[0\] of app:v1\): not a valid gzip file/));
  });

  it('a config without rootfs.type is read (as skopeo and docker load read it); check says it is missing', async () => {
    const loose = imageOf('amd64', [base], ['app:v1']);
    loose.config = Buffer.from(loose.config.toString().replace('"type":"layers",', ''));
    const file = dockerLegacy([loose]);
    const r = await runCli('check', '--oci-layout', `${file}:v1`);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /rootfs\.type is missing; it must be "layers"/);
    assert.doesNotMatch(r.stdout, /undefined/);
  });

  it('a zstd layer file is refused by name', async () => {
    const file = join(tempDir(), 'app.tar');
    const config = imageOf('amd64', [base], null).config;
    writeTar(file, [
      { name: 'c.json', body: config },
      { name: 'l.tar.zst', body: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]) },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'c.json', RepoTags: null, Layers: ['l.tar.zst'] }]) },
    ]);
    await assert.rejects(OciLayoutStore.openTar(file), code('UNSUPPORTED', /app\.tar: manifest\.json\[0\]\.Layers\[0\]: l\.tar\.zst is zstd-compressed; only uncompressed and gzip layers are read/));
  });
});
