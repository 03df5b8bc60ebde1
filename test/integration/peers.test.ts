import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { digestOf } from '../../src/oci/digest';
import { tempDir } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function runBytes(cmd: string, args: string[]): Buffer {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function blob(dir: string, digest: string): Buffer {
  return readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));
}

/** buildah with its own storage, so tests neither need nor touch the machine's containers storage. */
function buildah(root: string, ...args: string[]): string {
  return run('buildah', ['--root', join(root, 'root'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs', ...args]);
}

describe('peers read what Manifold writes', function () {
  this.timeout(120_000);
  let tmp: { dir: string; cleanup(): void };
  let layout: string;
  let demo: Awaited<ReturnType<typeof generateDemoLayout>>;
  before(async () => {
    tmp = tempDir();
    layout = join(tmp.dir, 'layout');
    demo = await generateDemoLayout(layout);
    // A second index made by the CLI, with annotations, so both paths are covered.
    const r = await runCli('manifest', 'index', 'create', '--oci-layout', `${layout}:v2`, 'linux-arm64', 'linux-amd64', '-a', 'org.opencontainers.image.version=2');
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => tmp.cleanup());

  for (const tag of ['v1', 'v2', 'linux-amd64', 'linux-arm64']) {
    it(`skopeo inspect --raw returns the stored bytes of ${tag}`, async () => {
      const digest = (await runCli('resolve', '--oci-layout', `${layout}:${tag}`)).stdout.trim();
      const raw = runBytes('skopeo', ['inspect', '--raw', `oci:${layout}:${tag}`]);
      assert.deepEqual(raw, blob(layout, digest));
      assert.equal(digestOf(raw), digest);
    });
  }

  it('skopeo reads the platform image of an index', () => {
    for (const [arch, image] of [['amd64', demo.images[0]!], ['arm64', demo.images[1]!]] as const) {
      const info = JSON.parse(run('skopeo', ['inspect', '--override-os', 'linux', '--override-arch', arch, `oci:${layout}:v1`]));
      assert.equal(info.Architecture, arch);
      assert.deepEqual(info.Layers, JSON.parse(blob(layout, image.digest).toString()).layers.map((l: { digest: string }) => l.digest));
    }
  });

  it('umoci lists the tags', () => {
    const tags = run('umoci', ['ls', '--layout', layout]).trim().split('\n').sort();
    assert.deepEqual(tags, ['linux-amd64', 'linux-arm64', 'v1', 'v2']);
  });

  for (const tag of ['v1', 'v2', 'linux-amd64', 'linux-arm64']) {
    // Debian's oci-image-tool (1.0.0-rc1) looks images up by the pre-1.0 annotation org.opencontainers.ref.name,
    // so `--type image` cannot find a 1.0 tag; each document is validated by its type instead, and the layers
    // are checked by umoci's unpack below.
    it(`oci-image-tool validates the document of ${tag} and its config`, async () => {
      const desc = JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${layout}:${tag}`, '--descriptor')).stdout);
      const file = join(layout, 'blobs', 'sha256', desc.digest.slice(7));
      const type = desc.mediaType.includes('index') ? 'imageIndex' : 'manifest';
      assert.match(run('oci-image-tool', ['validate', '--type', type, file]), /Validation succeeded/);
      if (type === 'manifest') {
        const config = JSON.parse(readFileSync(file, 'utf8')).config.digest.slice(7);
        assert.match(run('oci-image-tool', ['validate', '--type', 'config', join(layout, 'blobs', 'sha256', config)]), /Validation succeeded/);
      }
    });
  }

  it('umoci unpacks a platform image with its file', () => {
    const bundle = join(tmp.dir, 'bundle');
    run('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:linux-amd64`, bundle]);
    assert.equal(readFileSync(join(bundle, 'hello.txt'), 'utf8'), 'hello from linux/amd64\n');
  });
});

describe('Manifold reads what peers write', function () {
  this.timeout(180_000);
  let tmp: { dir: string; cleanup(): void };
  let layout: string;
  before(async () => {
    tmp = tempDir();
    layout = join(tmp.dir, 'layout');
    await generateDemoLayout(layout);
  });
  after(() => tmp.cleanup());

  it('reads an index pushed by buildah manifest push --all --format oci', async () => {
    const out = join(tmp.dir, 'buildah-out');
    buildah(tmp.dir, 'manifest', 'create', 'demo-list');
    buildah(tmp.dir, 'manifest', 'add', 'demo-list', `oci:${layout}:linux-amd64`);
    buildah(tmp.dir, 'manifest', 'add', 'demo-list', `oci:${layout}:linux-arm64`);
    buildah(tmp.dir, 'manifest', 'push', '--all', '--format', 'oci', 'demo-list', `oci:${out}:list`);
    const tags = await runCli('repo', 'tags', '--oci-layout', out, '--format', 'json');
    assert.equal(tags.code, 0, tags.stderr);
    const [list] = JSON.parse(tags.stdout).tags;
    assert.equal(list.name, 'list');
    assert.equal(list.type, 'index');
    assert.deepEqual(list.platforms.map((p: string) => p.replace('/v8', '')).sort(), ['linux/amd64', 'linux/arm64']);
    const arm = await runCli('manifest', 'fetch', '--oci-layout', `${out}:list`, '--platform', 'linux/arm64', '--descriptor');
    assert.equal(arm.code, 0, arm.stderr);
    // The layer blob is the same content in both layouts: Manifold can read it back verified.
    const manifest = JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${out}@${JSON.parse(arm.stdout).digest}`)).stdout);
    const fetched = await runCli('blob', 'fetch', '--oci-layout', `${out}@${manifest.layers[0].digest}`, '--output', join(tmp.dir, 'layer.tgz'));
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(digestOf(readFileSync(join(tmp.dir, 'layer.tgz'))), manifest.layers[0].digest);
  });

  it('reads and updates a layout written by skopeo copy --all', async () => {
    const out = join(tmp.dir, 'skopeo-out');
    run('skopeo', ['copy', '--all', `oci:${layout}:v1`, `oci:${out}:copied`]);
    const copied = (await runCli('resolve', '--oci-layout', `${out}:copied`)).stdout.trim();
    assert.equal(copied, digestOf(blob(out, copied)));
    const tags = JSON.parse((await runCli('repo', 'tags', '--oci-layout', out, '--format', 'json')).stdout).tags;
    assert.deepEqual(tags.map((t: { name: string; platforms: string[] }) => [t.name, t.platforms]), [['copied', ['linux/amd64', 'linux/arm64/v8']]]);
    const amd = (await runCli('resolve', '--oci-layout', `${out}:copied`, '--platform', 'linux/amd64')).stdout.trim();
    const u = await runCli('manifest', 'index', 'create', '--oci-layout', `${out}:amd-only`, amd);
    assert.equal(u.code, 0, u.stderr);
    // skopeo reads back what Manifold added to skopeo's layout.
    const raw = runBytes('skopeo', ['inspect', '--raw', `oci:${out}:amd-only`]);
    assert.equal(digestOf(raw), (await runCli('resolve', '--oci-layout', `${out}:amd-only`)).stdout.trim());
  });
});
