import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { encodeManifest } from '../../src/oci/encoding/goJson';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { tempDir } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';

const ROOT = resolve(__dirname, '../..');
const MiB = 1 << 20;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A layout with one image whose single layer is `size` bytes of generated (incompressible) content. */
async function bigLayout(dir: string, size: number): Promise<void> {
  const store = await OciLayoutStore.open(dir, { create: true });
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i += 32) createHash('sha256').update(String(i)).digest().copy(block, i);
  async function* content() {
    for (let sent = 0; sent < size; sent += MiB) {
      block.writeUInt32BE(sent / MiB, 0); // no two MiB alike
      yield Buffer.from(block.subarray(0, Math.min(MiB, size - sent)));
    }
  }
  const staged = await store.stage!(Readable.from(content()));
  await staged.commit();
  const layer = { mediaType: MediaType.ImageLayer, digest: staged.digest, size: staged.size };
  const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [staged.digest] } }));
  const config = { mediaType: MediaType.ImageConfig, digest: digestOf(configBytes), size: configBytes.length };
  await store.push(config, configBytes);
  const bytes = encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] });
  const manifest = { mediaType: MediaType.ImageManifest, digest: digestOf(bytes), size: bytes.length };
  await store.push(manifest, bytes);
  await store.tag(manifest, 'big');
}

describe('layout tar export, read by peers', function () {
  this.timeout(300_000);
  let tmp: { dir: string; cleanup(): void };
  let layout: string;
  let demo: Awaited<ReturnType<typeof generateDemoLayout>>;
  before(async () => {
    tmp = tempDir();
    layout = join(tmp.dir, 'layout');
    demo = await generateDemoLayout(layout);
  });
  after(() => tmp.cleanup());

  it('skopeo inspects and copies oci-archive:out.tar:v1 with every digest unchanged', async () => {
    const tar = join(tmp.dir, 'out.tar');
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:v1`, `${tar}:v1`, '-r');
    assert.equal(r.code, 0, r.stderr);
    const indexBytes = readFileSync(join(layout, 'blobs', 'sha256', demo.index.digest.slice(7)));
    assert.equal(execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${tar}:v1`]).toString('utf8'), indexBytes.toString('utf8'));
    const dir = join(tmp.dir, 'skopeo-dir');
    run('skopeo', ['copy', '--all', `oci-archive:${tar}:v1`, `dir:${dir}`]);
    assert.equal(sha256(readFileSync(join(dir, 'manifest.json'))), demo.index.digest.slice(7));
    for (const image of demo.images) {
      const manifest = readFileSync(join(dir, `${image.digest.slice(7)}.manifest.json`));
      assert.equal(sha256(manifest), image.digest.slice(7));
      for (const d of [JSON.parse(manifest.toString()).config, ...JSON.parse(manifest.toString()).layers]) {
        assert.equal(sha256(readFileSync(join(dir, d.digest.slice(7)))), d.digest.slice(7));
      }
    }
  });

  it('skopeo reads every tag of a whole-layout tar written by layout export, and import gives the layout back', async () => {
    const tar = join(tmp.dir, 'whole.tar');
    const r = await runCli('layout', 'export', layout, tar);
    assert.equal(r.code, 0, r.stderr);
    const source = await OciLayoutStore.open(layout);
    const tags: string[] = [];
    for await (const t of source.tags()) tags.push(t);
    assert.ok(tags.length >= 3, tags.join(' '));
    for (const tag of tags) {
      const digest = (await source.resolve(tag)).digest;
      const raw = execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${tar}:${tag}`]);
      assert.equal(sha256(raw), digest.slice(7), tag);
    }
    const back = join(tmp.dir, 'whole-imported');
    const i = await runCli('layout', 'import', tar, back);
    assert.equal(i.code, 0, i.stderr);
    const imported = await OciLayoutStore.open(back);
    for (const tag of tags) assert.equal((await imported.resolve(tag)).digest, (await source.resolve(tag)).digest);
  });

  it('umoci reads the unpacked tar and unpacks an image from it', async () => {
    const tar = join(tmp.dir, 'amd64.tar');
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:linux-amd64`, `${tar}:v1`);
    assert.equal(r.code, 0, r.stderr);
    const unpacked = join(tmp.dir, 'unpacked');
    mkdirSync(unpacked);
    run('tar', ['-xf', tar, '-C', unpacked]);
    assert.equal(run('umoci', ['ls', '--layout', unpacked]).trim(), 'v1');
    const bundle = join(tmp.dir, 'bundle');
    run('umoci', ['raw', 'unpack', '--rootless', '--image', `${unpacked}:v1`, bundle]);
    assert.ok(readdirSync(bundle).length > 0);
    const amd64 = await (await OciLayoutStore.open(layout)).resolve('linux-amd64');
    assert.equal((await (await OciLayoutStore.open(unpacked)).resolve('v1')).digest, amd64.digest);
  });

  describe('a 200 MiB layer', () => {
    let big: string;
    before(async () => {
      big = join(tmp.dir, 'big');
      await bigLayout(big, 200 * MiB);
    });

    it('goes through with flat memory, and two exports are byte-identical', async () => {
      const out = join(tmp.dir, 'big-out');
      mkdirSync(out);
      global.gc?.();
      const base = process.memoryUsage().rss;
      let peak = base;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      try {
        const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${big}:big`, `${join(out, 'a.tar')}:v1`);
        assert.equal(r.code, 0, r.stderr);
      } finally {
        clearInterval(timer);
      }
      assert.ok(statSync(join(out, 'a.tar')).size > 200 * MiB);
      assert.ok(peak - base < 64 * MiB, `RSS grew by ${((peak - base) / MiB).toFixed(1)} MiB exporting a 200 MiB layer`);
      const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${big}:big`, `${join(out, 'b.tar')}:v1`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(run('sha256sum', [join(out, 'a.tar')]).split(' ')[0], run('sha256sum', [join(out, 'b.tar')]).split(' ')[0]);
      assert.equal(run('skopeo', ['inspect', '--format', '{{.Digest}}', `oci-archive:${join(out, 'a.tar')}:v1`]).trim(), (await (await OciLayoutStore.open(big)).resolve('big')).digest);
    });

    it('killed with SIGKILL while writing the tar, leaves no file under the name; the next export succeeds and sweeps the leftovers', async () => {
      const out = join(tmp.dir, 'kill-out');
      mkdirSync(out);
      const tar = join(out, 'k.tar');
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'cp', '--from-oci-layout', '--to-oci-layout', `${big}:big`, `${tar}:v1`], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      // Wait until the tar itself is being written (its hidden temp file has bytes), then kill.
      const deadline = Date.now() + 120_000;
      let killedWhileWriting = false;
      while (Date.now() < deadline && child.exitCode === null) {
        const tmpTar = readdirSync(out).find((n) => n.startsWith('.k.tar.') && n.endsWith('.tmp'));
        if (tmpTar && statSync(join(out, tmpTar), { throwIfNoEntry: false })?.size) {
          child.kill('SIGKILL');
          killedWhileWriting = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await exited;
      assert.ok(killedWhileWriting, 'the export finished before it could be killed');
      assert.equal(existsSync(tar), false);
      assert.ok(readdirSync(out).every((n) => n.startsWith('.k.tar.')), readdirSync(out).join(', '));
      assert.ok(readdirSync(out).length > 0, 'the killed export left its hidden files');
      const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${big}:big`, `${tar}:v1`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await (await OciLayoutStore.openTar(tar)).resolve('v1')).size > 0, true);
      // The next export to the name swept what the killed one (a dead process) left.
      assert.deepEqual(readdirSync(out), ['k.tar']);
    });
  });
});
