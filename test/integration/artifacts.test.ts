import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { pushArtifact } from '../../src/oci/artifacts/push';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { isOciError } from '../../src/oci/errors';
import type { ImageManifest } from '../../src/oci/descriptor';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, tempDir } from '../unit/builders';
import { hasDockerRegistry, startFaultProxy, useEmptyDockerConfig, useLaunchedRegistry } from './support';

function skopeo(...args: string[]): Buffer {
  return execFileSync('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

const inDir = runCliIn;

function workDir(): string {
  const dir = tempDir('manifold-artifacts-it-');
  writeFileSync(join(dir, 'hi.txt'), 'hello registry\n');
  writeFileSync(join(dir, 'data.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)));
  mkdirSync(join(dir, 'docs', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'docs', 'readme.md'), '# docs\n');
  writeFileSync(join(dir, 'docs', 'sub', 'x.txt'), 'x\n');
  writeFileSync(join(dir, 'config.json'), '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  return dir;
}

describe('push and pull: skopeo reads what manifold pushed (oci layout)', function () {
  this.timeout(120_000);
  after(cleanupTemps);

  it('skopeo inspect --raw of oci:DIR:tag equals the manifest manifold pushed', async () => {
    const dir = workDir();
    const r = await inDir(dir, 'push', '--oci-layout', 'layout:v1', '--artifact-type', 'application/vnd.demo', 'hi.txt', 'docs', '--export-manifest', 'm.json');
    assert.equal(r.code, 0, r.stderr);
    const raw = skopeo('inspect', '--raw', `oci:${join(dir, 'layout')}:v1`);
    assert.deepEqual(raw, readFileSync(join(dir, 'm.json')));
    assert.match(r.stdout, new RegExp(`Digest: ${digestOf(raw)}\n$`));
  });
});

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('push, pull, blob push/delete, fetch-config against docker-registry', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it('push: skopeo inspect --raw equals the manifest bytes; pull brings every file back byte for byte', async () => {
    const dir = workDir();
    const ref = `${registry.host}/demo/files:v1`;
    const r = await inDir(dir, 'push', '--plain-http', ref, 'hi.txt', 'data.bin:application/octet-stream', 'docs', '--annotation', 'org.example=1', '--export-manifest', 'm.json');
    assert.equal(r.code, 0, r.stderr);
    const exported = readFileSync(join(dir, 'm.json'));
    assert.equal(r.stdout, `Pushed [registry] ${ref}\nArtifactType: application/vnd.unknown.artifact.v1\nDigest: ${digestOf(exported)}\n`);
    assert.deepEqual(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`), exported);
    const manifest = JSON.parse(exported.toString('utf8')) as ImageManifest;
    assert.equal(manifest.annotations?.['org.example'], '1');
    assert.equal(manifest.layers[1]!.mediaType, 'application/octet-stream');

    const out = join(dir, 'out');
    const p = await runCli('pull', '--plain-http', ref, '-o', out);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`Pulled \\[registry\\] ${ref.replace(/[.]/g, '\\.')}\nDigest: ${digestOf(exported)}\n$`));
    assert.deepEqual(readdirSync(out).sort(), ['data.bin', 'docs', 'hi.txt']);
    for (const f of ['hi.txt', 'data.bin', join('docs', 'readme.md'), join('docs', 'sub', 'x.txt')]) {
      assert.deepEqual(readFileSync(join(out, f)), readFileSync(join(dir, f)), f);
    }
  });

  it('a folder pushed again unchanged is not sent (no POST, PATCH or PUT of a blob); it pulls back as it was', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'docs', 'big.bin'), randomBytes(3 << 20)); // more than one upload chunk, compressed
    // A pass-through proxy: its log is every request the registry got.
    const proxy = await startFaultProxy(registry.url);
    try {
      const ref = `${proxy.host}/demo/folder`;
      const first = await inDir(dir, 'push', '--plain-http', `${ref}:v1`, 'docs', 'hi.txt', '--export-manifest', 'm1.json');
      assert.equal(first.code, 0, first.stderr);
      const blobWrites = () => proxy.log.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && r.path.includes('/blobs/'));
      assert.notEqual(blobWrites().length, 0);
      proxy.log.length = 0;
      const again = await inDir(dir, 'push', '--plain-http', `${ref}:v2`, 'docs', 'hi.txt', '--export-manifest', 'm2.json');
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(blobWrites(), []);
      // The same layers (the manifests differ only by their created time, when the pushes straddle a second).
      const layers = (name: string) => (JSON.parse(readFileSync(join(dir, name), 'utf8')) as ImageManifest).layers;
      assert.deepEqual(layers('m2.json'), layers('m1.json'));

      const out = join(dir, 'out');
      const p = await runCli('pull', '--plain-http', `${registry.host}/demo/folder:v2`, '-o', out);
      assert.equal(p.code, 0, p.stderr);
      assert.deepEqual(folderSnapshot(join(out, 'docs')), folderSnapshot(join(dir, 'docs')));
    } finally {
      await proxy.stop();
    }
  });

  it('a missing file refuses the push: the tag is not created', async () => {
    const dir = workDir();
    const ref = `${registry.host}/demo/missing:v1`;
    const r = await inDir(dir, 'push', '--plain-http', ref, 'hi.txt', 'nope.txt');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.txt: no such file/);
    const tags = await runCli('repo', 'tags', '--plain-http', `${registry.host}/demo/missing`);
    assert.notEqual(tags.stdout.split('\n').includes('v1'), true);
  });

  it('a file that changes while it streams into the upload session: refused, no tag, no blob committed', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'unique.txt'), `only in this test ${Date.now()}\n`);
    const repo = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'demo/changing');
    let grown = false;
    await assert.rejects(
      pushArtifact(repo, {
        tags: ['v1'],
        files: [{ path: join(dir, 'unique.txt'), title: 'unique.txt' }, { path: join(dir, 'data.bin'), title: 'data.bin' }],
        disablePathValidation: true,
        onRead: (path) => {
          if (path.endsWith('data.bin') && !grown) {
            grown = true;
            writeFileSync(path, 'more', { flag: 'a' });
          }
        },
      }),
      (e: Error) => /changed while it was read/.test(e.message),
    );
    assert.ok(grown);
    await assert.rejects(repo.resolve('v1'), (e: unknown) => isOciError(e, 'NOT_FOUND'));
    const unique = readFileSync(join(dir, 'unique.txt'));
    assert.equal(await repo.exists({ mediaType: 'application/octet-stream', digest: digestOf(unique), size: unique.length }), false);
  });

  it('manifest fetch-config returns the config blob bytes of what was pushed with --config', async () => {
    const dir = workDir();
    const ref = `${registry.host}/demo/config:v1`;
    const r = await inDir(dir, 'push', '--plain-http', ref, '--config', 'config.json:application/vnd.oci.image.config.v1+json', 'hi.txt');
    assert.equal(r.code, 0, r.stderr);
    const f = await inDir(dir, 'manifest', 'fetch-config', '--plain-http', ref, '--output', 'back.json');
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(readFileSync(join(dir, 'back.json')), readFileSync(join(dir, 'config.json')));
    const printed = await runCli('manifest', 'fetch-config', '--plain-http', ref);
    assert.equal(printed.stdout, readFileSync(join(dir, 'config.json'), 'utf8'));
  });

  it('blob push then blob fetch reads the same bytes; blob delete removes it from the registry', async () => {
    const dir = workDir();
    const repo = `${registry.host}/demo/blobs`;
    const digest = digestOf(readFileSync(join(dir, 'data.bin')));
    const r = await inDir(dir, 'blob', 'push', '--plain-http', repo, 'data.bin');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Pushed [registry] ${repo}\nDigest: ${digest}\n`);
    const f = await inDir(dir, 'blob', 'fetch', '--plain-http', `${repo}@${digest}`, '--output', 'back.bin');
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(readFileSync(join(dir, 'back.bin')), readFileSync(join(dir, 'data.bin')));
    const refused = await runCli('blob', 'delete', '--plain-http', `${repo}@${digest}`);
    assert.equal(refused.code, 1, 'no --force and no terminal: refused');
    const d = await runCli('blob', 'delete', '--plain-http', `${repo}@${digest}`, '--force');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, `Deleted [registry] ${repo}@${digest}\n`);
    const gone = await runCli('blob', 'fetch', '--plain-http', `${repo}@${digest}`, '--descriptor');
    assert.equal(gone.code, 1);
  });

  it('pull refuses a title that climbs out of the folder, writing nothing', async () => {
    const dir = workDir();
    // Push with path validation off so the registry holds a title with ..; pull must still refuse it.
    const inner = join(dir, 'inner');
    mkdirSync(inner);
    const ref = `${registry.host}/demo/escape:v1`;
    const r = await inDir(inner, 'push', '--plain-http', ref, '../hi.txt', '--disable-path-validation');
    assert.equal(r.code, 0, r.stderr);
    mkdirSync(join(dir, 'pulled'));
    const out = join(dir, 'pulled', 'out');
    const p = await runCli('pull', '--plain-http', ref, '-o', out);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /"\.\.\/hi\.txt"/);
    assert.deepEqual(readdirSync(join(dir, 'pulled')), []);
  });
});
