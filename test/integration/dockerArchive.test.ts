// docker save tarballs with skopeo (1.9): skopeo's docker-archive: writer makes the tar, we import it and get the manifest
// skopeo's own oci: copy writes (one media type string apart, see below); skopeo reads what layout export --docker writes.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { OciLayoutStore } from '../../src/oci/layout';
import { tempDir } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';

const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Manifest {
  config: { digest: string; size: number; mediaType: string };
  layers: Array<{ digest: string; size: number; mediaType: string }>;
}

/** The manifest bytes a layout folder's tag names. */
function manifestOf(dir: string, tag: string): Buffer {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  assert.ok(entry, `${tag} in ${dir}`);
  return readFileSync(join(dir, 'blobs', 'sha256', entry.digest.slice(7)));
}
const blob = (dir: string, digest: string) => readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));

describe('docker save tarballs with skopeo', function () {
  this.timeout(120_000);
  let tmp: { dir: string; cleanup(): void };
  let layout: string;
  let archive: string;
  before(async () => {
    tmp = tempDir();
    layout = join(tmp.dir, 'layout');
    await generateDemoLayout(layout);
    archive = join(tmp.dir, 'app.tar');
    run('skopeo', 'copy', '--additional-tag', 'example.com/app:latest', `oci:${layout}:linux-amd64`, `docker-archive:${archive}:example.com/app:v2`);
  });
  after(() => tmp.cleanup());

  it("skopeo's docker-archive: imported: the manifest skopeo's oci: copy writes, config and layers byte for byte", async () => {
    const imported = join(tmp.dir, 'imported');
    const r = await runCli('layout', 'import', archive, imported);
    assert.equal(r.code, 0, r.stderr);
    const ours = manifestOf(imported, 'v2');
    assert.match(r.stdout, new RegExp(`^Imported latest ${sha256(ours)}\nImported v2 ${sha256(ours)}\n`));

    // skopeo keeping the layers as the archive has them (uncompressed): the same bytes but for one string. skopeo
    // labels the uncompressed layer tar+gzip (containers/image issue 1270), which umoci then cannot unpack.
    const kept = join(tmp.dir, 'skopeo-kept');
    run('skopeo', 'copy', '--dest-oci-accept-uncompressed-layers', `docker-archive:${archive}:example.com/app:v2`, `oci:${kept}:v2`);
    const theirs = manifestOf(kept, 'v2');
    assert.equal(ours.toString(), theirs.toString().replaceAll('"application/vnd.oci.image.layer.v1.tar+gzip"', '"application/vnd.oci.image.layer.v1.tar"'));
    assert.notEqual(ours.toString(), theirs.toString(), 'skopeo 1.9 still labels the layer gzip: if this fails, skopeo fixed it and the bytes are equal');
    const doc = JSON.parse(ours.toString()) as Manifest;
    for (const d of [doc.config, ...doc.layers]) assert.ok(blob(imported, d.digest).equals(blob(kept, d.digest)), d.digest);
    // The config kept byte for byte: its digest is the image's config digest in the layout it came from.
    const source = JSON.parse(manifestOf(layout, 'linux-amd64').toString()) as Manifest;
    assert.equal(doc.config.digest, source.config.digest);
    // Each layer is the uncompressed tar, its digest the config's diff_id.
    assert.ok(blob(imported, doc.layers[0]!.digest).equals(gunzipSync(blob(layout, source.layers[0]!.digest))));
    const diffIds = (JSON.parse(blob(layout, source.config.digest).toString()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
    assert.deepEqual(doc.layers.map((l) => l.digest), diffIds);

    // skopeo's default oci: copy compresses the layers again (gzip bytes of its own): same config, same content.
    const packed = join(tmp.dir, 'skopeo-packed');
    run('skopeo', 'copy', `docker-archive:${archive}:example.com/app:v2`, `oci:${packed}:v2`);
    const recompressed = JSON.parse(manifestOf(packed, 'v2').toString()) as Manifest;
    assert.equal(recompressed.config.digest, doc.config.digest);
    assert.ok(gunzipSync(blob(packed, recompressed.layers[0]!.digest)).equals(blob(imported, doc.layers[0]!.digest)));

    // umoci unpacks ours; skopeo's kept copy it refuses (the gzip label on a plain tar).
    const bundle = join(tmp.dir, 'bundle');
    run('umoci', 'unpack', '--rootless', '--image', `${imported}:v2`, bundle);
    assert.equal(readFileSync(join(bundle, 'rootfs', 'hello.txt'), 'utf8'), 'hello from linux/amd64\n');
    assert.throws(() => run('umoci', 'unpack', '--rootless', '--image', `${kept}:v2`, join(tmp.dir, 'bundle2')), /gzip: invalid header/);
  });

  it("a docker save config (Docker's own fields) kept byte for byte, its digest the image ID: skopeo's oci: copy re-encodes it and drops them", async () => {
    // Written as docker save (before 25) writes it: <id>.json, <layer-id>/layer.tar.
    const source = JSON.parse(manifestOf(layout, 'linux-arm64').toString()) as Manifest;
    const layer = gunzipSync(blob(layout, source.layers[0]!.digest));
    const config = Buffer.from(JSON.stringify({
      architecture: 'arm64', config: { Env: ['PATH=/bin'], Cmd: ['/bin/cat', '/hello.txt'] }, container: 'c0ffee', container_config: { Cmd: ['/bin/sh'] },
      created: '2024-01-02T03:04:05.123456789Z', docker_version: '20.10.7', os: 'linux', variant: 'v8', rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }));
    const id = sha256(config).slice(7);
    const file = join(tmp.dir, 'docker.tar');
    const files = join(tmp.dir, 'docker-files');
    execFileSync('mkdir', ['-p', join(files, 'l1')]);
    writeFileSync(join(files, `${id}.json`), config);
    writeFileSync(join(files, 'l1', 'layer.tar'), layer);
    writeFileSync(join(files, 'manifest.json'), JSON.stringify([{ Config: `${id}.json`, RepoTags: ['app:v1'], Layers: ['l1/layer.tar'] }]));
    run('tar', '-cf', file, '-C', files, 'manifest.json', `${id}.json`, 'l1');
    const imported = join(tmp.dir, 'docker-imported');
    assert.equal((await runCli('layout', 'import', file, imported)).code, 0);
    const ours = JSON.parse(manifestOf(imported, 'v1').toString()) as Manifest;
    assert.equal(ours.config.digest, `sha256:${id}`);
    assert.ok(blob(imported, ours.config.digest).equals(config));

    const copy = join(tmp.dir, 'docker-skopeo');
    run('skopeo', 'copy', '--dest-oci-accept-uncompressed-layers', `docker-archive:${file}:app:v1`, `oci:${copy}:v1`);
    const theirs = JSON.parse(manifestOf(copy, 'v1').toString()) as Manifest;
    assert.notEqual(theirs.config.digest, ours.config.digest);
    const reencoded = JSON.parse(blob(copy, theirs.config.digest).toString()) as Record<string, unknown>;
    const { container, container_config, docker_version, ...kept } = JSON.parse(config.toString()) as Record<string, unknown>;
    assert.ok(container && container_config && docker_version);
    assert.deepEqual(reencoded, kept, "skopeo's config: Docker's own fields dropped, the rest as it was");
    assert.deepEqual(theirs.layers.map((l) => [l.digest, l.size]), ours.layers.map((l) => [l.digest, l.size]));
  });

  it('the archive read in place: tags with their full names, check reads every byte', async () => {
    const tar = await OciLayoutStore.openTar(archive);
    assert.deepEqual((await tar.entries()).map((e) => e.annotations), [
      { 'io.containerd.image.name': 'example.com/app:v2', 'org.opencontainers.image.ref.name': 'v2' },
      { 'io.containerd.image.name': 'example.com/app:latest', 'org.opencontainers.image.ref.name': 'latest' },
    ]);
    const r = await runCli('check', '--oci-layout', `${archive}:v2`);
    assert.equal(r.code, 0, r.stderr);
    const cp = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${archive}:latest`, `${join(tmp.dir, 'one')}:arm`);
    assert.equal(cp.code, 0, cp.stderr);
  });

  it('skopeo reads layout export --docker: each tag as REPOSITORY:TAG, the same config, the layers by their diff_ids', async () => {
    const out = join(tmp.dir, 'export.tar');
    const r = await runCli('layout', 'export', layout, out, '--docker', 'team/app', '--platform', 'linux/amd64');
    assert.equal(r.code, 0, r.stderr);
    for (const [tag, from] of [['v1', 'linux-amd64'], ['linux-arm64', 'linux-arm64']] as const) {
      // dir: keeps the image as the archive gives it (schema 2, the config untouched; oci: would re-encode the config).
      const copy = join(tmp.dir, `from-export-${tag}`);
      run('skopeo', 'copy', `docker-archive:${out}:team/app:${tag}`, `dir:${copy}`);
      const read = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as Manifest;
      const source = JSON.parse(manifestOf(layout, from).toString()) as Manifest;
      assert.equal(read.config.digest, source.config.digest, tag);
      assert.ok(readFileSync(join(copy, read.config.digest.slice(7))).equals(blob(layout, source.config.digest)));
      // skopeo serves docker-archive layers uncompressed: the diff_id, the bytes of our gzip layer unpacked.
      const diffIds = (JSON.parse(blob(layout, source.config.digest).toString()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
      assert.deepEqual(read.layers.map((l) => l.digest), diffIds);
      assert.ok(readFileSync(join(copy, read.layers[0]!.digest.slice(7))).equals(gunzipSync(blob(layout, source.layers[0]!.digest))));
    }
    const inspected = JSON.parse(run('skopeo', 'inspect', `docker-archive:${out}:team/app:linux-amd64`)) as { Architecture: string; RepoTags: string[] };
    assert.equal(inspected.Architecture, 'amd64');
    // And ours reads it as the OCI layout it also is (index.json first), every platform of v1 there.
    const tar = await OciLayoutStore.openTar(out);
    assert.equal((await tar.resolve('v1')).mediaType, 'application/vnd.oci.image.index.v1+json');
  });
});
