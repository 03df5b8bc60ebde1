import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { pushArtifact } from '../../src/oci/artifacts/push';
import { pullArtifact } from '../../src/oci/artifacts/pull';
import { deleteBlob } from '../../src/oci/artifacts/blobs';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { code } from '../helpers/assertions';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, copyPeerLayout, describePeer, makeImage, makeIndex, pushBlob, pushManifest, tempDir, writeTar } from './builders';

const NOW = () => new Date('2026-03-04T05:06:07.891Z');

const inDir = runCliIn;

function snapshot(layout: string): { index: string; blobs: string[] } {
  return { index: readFileSync(join(layout, 'index.json'), 'utf8'), blobs: readdirSync(join(layout, 'blobs', 'sha256')).sort() };
}

/** A work folder with hi.txt, a folder docs/ and a config file. */
function workDir(): string {
  const dir = tempDir('manifold-push-');
  writeFileSync(join(dir, 'hi.txt'), 'hello world\n');
  mkdirSync(join(dir, 'docs', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'docs', 'a.md'), '# a\n');
  writeFileSync(join(dir, 'docs', 'sub', 'b.bin'), Buffer.from([0, 1, 2, 255]));
  writeFileSync(join(dir, 'config.json'), '{"k":"v"}');
  return dir;
}

after(cleanupTemps);

describe('push: the artifact manifest', () => {
  it('packs files as oras 1.2 does: unknown artifact type, empty config, titled layers, created', async () => {
    const dir = workDir();
    const store = await OciLayoutStore.open(join(dir, 'layout'), { create: true });
    const cwd = process.cwd();
    process.chdir(dir);
    let result;
    try {
      result = await pushArtifact(store, { tags: ['v1'], files: [{ path: 'hi.txt' }, { path: 'hi.txt', title: 'again.txt', mediaType: 'text/plain' }], annotations: { k: 'v' }, now: NOW });
    } finally {
      process.chdir(cwd);
    }
    const hi = Buffer.from('hello world\n');
    const expected = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.unknown.artifact.v1',
      config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2, data: 'e30=' },
      layers: [
        { mediaType: MediaType.ImageLayer, digest: digestOf(hi), size: hi.length, annotations: { 'org.opencontainers.image.title': 'hi.txt' } },
        { mediaType: 'text/plain', digest: digestOf(hi), size: hi.length, annotations: { 'org.opencontainers.image.title': 'again.txt' } },
      ],
      annotations: { k: 'v', 'org.opencontainers.image.created': '2026-03-04T05:06:07Z' },
    };
    // Go's encoding of that struct: fields in declaration order, no spaces.
    assert.equal(result.raw.toString('utf8'), JSON.stringify(expected));
    const tagged = await store.resolve('v1');
    assert.equal(tagged.digest, digestOf(result.raw));
    assert.deepEqual(await store.fetchBytes(tagged), result.raw);
    assert.deepEqual(await store.fetchBytes({ mediaType: MediaType.ImageLayer, digest: digestOf(hi), size: hi.length }), hi);
  });

  it('with --config and no --artifact-type makes an image-spec 1.0 manifest; fetch-config returns the config bytes', async () => {
    const dir = workDir();
    const r = await inDir(dir, 'push', '--oci-layout', 'layout:v1', '--config', 'config.json:application/vnd.me.config', 'hi.txt', '--export-manifest', 'm.json');
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ImageManifest;
    assert.equal(manifest.artifactType, undefined);
    assert.equal(manifest.config.mediaType, 'application/vnd.me.config');
    assert.equal(manifest.config.annotations, undefined);
    assert.match(r.stdout, /^Pushed \[oci-layout\] layout:v1\nArtifactType: application\/vnd\.me\.config\nDigest: sha256:[0-9a-f]{64}\n$/);
    const config = await inDir(dir, 'manifest', 'fetch-config', '--oci-layout', 'layout:v1');
    assert.equal(config.code, 0, config.stderr);
    assert.equal(config.stdout, '{"k":"v"}');
    const out = await inDir(dir, 'manifest', 'fetch-config', '--oci-layout', 'layout:v1', '--output', 'c.json');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(readFileSync(join(dir, 'c.json')), readFileSync(join(dir, 'config.json')));
    // The exported manifest is the one stored under the tag, byte for byte.
    const store = await OciLayoutStore.open(join(dir, 'layout'));
    assert.deepEqual(await store.fetchBytes(await store.resolve('v1')), readFileSync(join(dir, 'm.json')));
  });

  it('prints oras\'s lines and --format json; several tags; the exported manifest is what was pushed', async () => {
    const dir = workDir();
    const r = await inDir(dir, 'push', '--oci-layout', 'layout:v1,latest', '--artifact-type', 'application/vnd.demo', 'hi.txt', '--format', 'json', '--export-manifest', 'm.json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { digest: string; artifactType: string; reference: string; referenceAsTags: string[] };
    assert.equal(json.artifactType, 'application/vnd.demo');
    assert.equal(json.digest, digestOf(readFileSync(join(dir, 'm.json'))));
    assert.equal(json.reference, `layout@${json.digest}`);
    assert.deepEqual(json.referenceAsTags, ['layout:v1', 'layout:latest']);
    const store = await OciLayoutStore.open(join(dir, 'layout'));
    assert.equal((await store.resolve('latest')).digest, json.digest);
  });

  it('--annotation-file: $manifest, $config and per-file annotations land where oras puts them', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'ann.json'), JSON.stringify({ $manifest: { 'org.example.m': '1' }, $config: { 'org.example.c': '2' }, 'hi.txt': { 'org.example.f': '3' }, docs: { 'org.example.d': '4' } }));
    const r = await inDir(dir, 'push', '--oci-layout', 'layout:v1', '--artifact-type', 'application/vnd.demo', '--annotation-file', 'ann.json', 'hi.txt', 'docs', '--export-manifest', 'm.json');
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ImageManifest;
    assert.equal(m.annotations?.['org.example.m'], '1');
    assert.deepEqual(m.config.annotations, { 'org.example.c': '2' });
    assert.deepEqual(m.layers[0]!.annotations, { 'org.example.f': '3', 'org.opencontainers.image.title': 'hi.txt' });
    assert.equal(m.layers[1]!.annotations?.['org.example.d'], '4');
    const both = await inDir(dir, 'push', '--oci-layout', 'layout:v2', '--annotation-file', 'ann.json', '--annotation', 'a=b', 'hi.txt');
    assert.equal(both.code, 1);
  });

  it('refuses absolute paths and .. unless --disable-path-validation, writing nothing', async () => {
    const dir = workDir();
    const inner = join(dir, 'inner');
    mkdirSync(inner);
    await inDir(inner, 'push', '--oci-layout', 'layout:v0', join(dir, 'hi.txt'), '--disable-path-validation');
    const before = snapshot(join(inner, 'layout'));
    const abs = await inDir(inner, 'push', '--oci-layout', 'layout:v1', join(dir, 'hi.txt'));
    assert.equal(abs.code, 1);
    assert.match(abs.stderr, /absolute file path detected/);
    const up = await inDir(inner, 'push', '--oci-layout', 'layout:v1', '../hi.txt');
    assert.equal(up.code, 1);
    assert.match(up.stderr, /\.\.\/hi\.txt goes outside/);
    assert.deepEqual(snapshot(join(inner, 'layout')), before);
    const ok = await inDir(inner, 'push', '--oci-layout', 'layout:v1', '../hi.txt', '--disable-path-validation');
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('a missing file refuses before anything is stored: index.json and the blobs are unchanged', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:v0', 'hi.txt');
    const before = snapshot(join(dir, 'layout'));
    const r = await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'docs', 'config.json', 'missing.txt');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing\.txt: no such file/);
    assert.deepEqual(snapshot(join(dir, 'layout')), before);
  });
});

describe('pull', () => {
  it('pulls what push stored, files and folders, byte for byte', async () => {
    const dir = workDir();
    const p = await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'hi.txt', 'docs');
    assert.equal(p.code, 0, p.stderr);
    const r = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Downloaded {2}[0-9a-f]{12} hi\.txt\nDownloaded {2}[0-9a-f]{12} docs\nPulled \[oci-layout\] layout:v1\nDigest: sha256:/);
    assert.deepEqual(readFileSync(join(dir, 'out', 'hi.txt')), readFileSync(join(dir, 'hi.txt')));
    assert.deepEqual(readFileSync(join(dir, 'out', 'docs', 'a.md')), readFileSync(join(dir, 'docs', 'a.md')));
    assert.deepEqual(readFileSync(join(dir, 'out', 'docs', 'sub', 'b.bin')), readFileSync(join(dir, 'docs', 'sub', 'b.bin')));
    // Nothing else left behind: no temp names.
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['docs', 'hi.txt']);
    // The folder's tar is one GNU tar reads, with every entry under docs/.
    const layout = await OciLayoutStore.open(join(dir, 'layout'));
    const manifest = JSON.parse((await layout.fetchBytes(await layout.resolve('v1'))).toString('utf8')) as ImageManifest;
    const folder = manifest.layers[1]!;
    const listing = execFileSync('tar', ['-tzf', join(dir, 'layout', 'blobs', 'sha256', folder.digest.slice(7))], { encoding: 'utf8' });
    assert.deepEqual(listing.trim().split('\n'), ['docs/', 'docs/a.md', 'docs/sub/', 'docs/sub/b.bin']);
  });

  it('a folder with long and non-ASCII names round-trips (ustar prefix and pax records), and GNU tar agrees', async () => {
    const dir = workDir();
    const deep = join(dir, 'tree', 'a'.repeat(60), 'b'.repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'c'.repeat(120) + '.txt'), 'long\n');
    writeFileSync(join(dir, 'tree', 'héllo wörld.txt'), 'utf8\n');
    const p = await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'tree', '--export-manifest', 'm.json');
    assert.equal(p.code, 0, p.stderr);
    const r = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out');
    assert.equal(r.code, 0, r.stderr);
    const rel = join('tree', 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(120) + '.txt');
    assert.equal(readFileSync(join(dir, 'out', rel), 'utf8'), 'long\n');
    assert.equal(readFileSync(join(dir, 'out', 'tree', 'héllo wörld.txt'), 'utf8'), 'utf8\n');
    const layer = (JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ImageManifest).layers[0]!;
    const listing = execFileSync('tar', ['-tzf', join(dir, 'layout', 'blobs', 'sha256', layer.digest.slice(7))], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(listing.includes(rel.split('\\').join('/')), listing.join('\n'));
    assert.ok(listing.includes('tree/héllo wörld.txt'), listing.join('\n'));
  });

  it('--format json lists the manifest and each file written, as oras', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'hi.txt');
    const r = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { reference: string; files: { path: string; digest: string; annotations: Record<string, string> }[] };
    const store = await OciLayoutStore.open(join(dir, 'layout'));
    assert.equal(json.reference, `layout@${(await store.resolve('v1')).digest}`);
    assert.equal(json.files.length, 1);
    assert.equal(json.files[0]!.digest, digestOf(readFileSync(join(dir, 'hi.txt'))));
    assert.deepEqual(readFileSync(json.files[0]!.path), readFileSync(join(dir, 'hi.txt')));
  });

  it('--keep-old-files refuses to overwrite; without it the file is replaced', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'hi.txt');
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'hi.txt'), 'old');
    const keep = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out', '--keep-old-files');
    assert.equal(keep.code, 1);
    assert.equal(readFileSync(join(dir, 'out', 'hi.txt'), 'utf8'), 'old');
    const r = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'out', 'hi.txt'), 'utf8'), 'hello world\n');
  });

  it('skips layers without a title, as oras does', async () => {
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    const image = await makeImage(store);
    await store.tag(image, 'img');
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${store.location}:img`, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Skipped pulling layers without file name/);
    assert.deepEqual(readdirSync(out), []);
  });

  for (const title of ['../x', '/tmp/manifold-abs-escape-x', 'a/../../x']) {
    it(`refuses the title ${title} naming it, and writes nothing outside (or inside) the folder`, async () => {
      const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
      const good = await pushBlob(store, 'good\n');
      const evil = await pushBlob(store, 'evil\n');
      const empty = await pushBlob(store, '{}', MediaType.Empty);
      const m = await pushManifest(store, {
        schemaVersion: 2,
        mediaType: MediaType.ImageManifest,
        artifactType: 'application/vnd.demo',
        config: empty,
        layers: [
          { ...good, annotations: { 'org.opencontainers.image.title': 'good.txt' } },
          { ...evil, annotations: { 'org.opencontainers.image.title': title } },
        ],
      });
      await store.tag(m, 'v1');
      const parent = tempDir();
      const out = join(parent, 'out');
      const r = await runCli('pull', '--oci-layout', `${store.location}:v1`, '-o', out);
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(JSON.stringify(title)), r.stderr);
      assert.ok(!existsSync(join(parent, 'x')));
      assert.ok(!existsSync('/tmp/manifold-abs-escape-x'));
      assert.ok(!existsSync(out) || readdirSync(out).length === 0);
    });
  }

  it('refuses a folder layer whose tar has an entry outside the folder', async () => {
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    const tarFile = join(tempDir(), 'evil.tar');
    writeTar(tarFile, [{ name: 'docs/', type: '5' }, { name: 'docs/ok.txt', body: 'ok' }, { name: 'docs/../../escaped.txt', body: 'evil' }]);
    const tar = readFileSync(tarFile);
    const gz = gzipSync(tar);
    const layer = await pushBlob(store, gz, MediaType.ImageLayerGzip);
    const empty = await pushBlob(store, '{}', MediaType.Empty);
    const m = await pushManifest(store, {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.demo',
      config: empty,
      layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': 'docs', 'io.deis.oras.content.unpack': 'true', 'io.deis.oras.content.digest': `sha256:${createHash('sha256').update(tar).digest('hex')}` } }],
    });
    await store.tag(m, 'v1');
    const parent = tempDir();
    const out = join(parent, 'out');
    const r = await runCli('pull', '--oci-layout', `${store.location}:v1`, '-o', out);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /entry "docs\/\.\.\/\.\.\/escaped\.txt" is outside the folder "docs"/);
    assert.ok(!existsSync(join(parent, 'escaped.txt')));
    assert.ok(!existsSync(join(out, 'docs', 'ok.txt')));
  });

  it('refuses to write through a symbolic link in the output folder (a folder layer over a link to elsewhere)', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'docs');
    const elsewhere = tempDir();
    const out = join(dir, 'out');
    mkdirSync(out);
    symlinkSync(elsewhere, join(out, 'docs'));
    const r = await inDir(dir, 'pull', '--oci-layout', 'layout:v1', '-o', 'out');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /symbolic link/);
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  it('--platform pulls the files of that platform\'s manifest of an index', async () => {
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    const empty = await pushBlob(store, '{}', MediaType.Empty);
    const children: Descriptor[] = [];
    for (const arch of ['amd64', 'arm64']) {
      const f = await pushBlob(store, `${arch} binary\n`);
      const m = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.demo', config: empty, layers: [{ ...f, annotations: { 'org.opencontainers.image.title': `tool-${arch}` } }] });
      children.push({ ...m, platform: { os: 'linux', architecture: arch } });
    }
    const index = await makeIndex(store, children);
    await store.tag(index, 'v1');
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${store.location}:v1`, '--platform', 'linux/arm64', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out), ['tool-arm64']);
    assert.equal(readFileSync(join(out, 'tool-arm64'), 'utf8'), 'arm64 binary\n');
    assert.match(r.stdout, new RegExp(`Digest: ${children[1]!.digest}\n$`));
  });

  it('a layer whose bytes do not match its digest leaves no file under its name', async () => {
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    const dir = workDir();
    const cwd = process.cwd();
    process.chdir(dir);
    let pushed;
    try {
      pushed = await pushArtifact(store, { tags: ['v1'], files: [{ path: 'hi.txt' }] });
    } finally {
      process.chdir(cwd);
    }
    const layer = pushed.manifest.layers[0]!;
    writeFileSync(join(store.location, 'blobs', 'sha256', layer.digest.slice(7)), 'hello WORLD\n');
    const out = join(tempDir(), 'out');
    await assert.rejects(pullArtifact(store, { reference: 'v1', output: out }), (e: Error) => /digest/i.test(e.message));
    assert.deepEqual(readdirSync(out), []);
  });

  it('--include-subject also pulls the subject\'s files', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:base', 'hi.txt');
    const store = await OciLayoutStore.open(join(dir, 'layout'));
    const base = await store.resolve('base');
    const sig = await pushBlob(store, 'sig\n');
    const empty = await pushBlob(store, '{}', MediaType.Empty);
    const ref = await pushManifest(store, {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.demo.sig',
      config: empty,
      layers: [{ ...sig, annotations: { 'org.opencontainers.image.title': 'a.sig' } }],
      subject: { mediaType: base.mediaType, digest: base.digest, size: base.size } as Descriptor,
    });
    const out = join(dir, 'out');
    const r = await runCli('pull', '--oci-layout', `${store.location}@${ref.digest}`, '-o', out, '--include-subject');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['a.sig', 'hi.txt']);
  });
});

describe('blob push, blob delete', () => {
  it('blob push stores the file and prints its digest; blob fetch reads the same bytes', async () => {
    const dir = workDir();
    const r = await inDir(dir, 'blob', 'push', '--oci-layout', 'layout', 'hi.txt');
    assert.equal(r.code, 0, r.stderr);
    const digest = digestOf(readFileSync(join(dir, 'hi.txt')));
    assert.equal(r.stdout, `Pushed [oci-layout] layout\nDigest: ${digest}\n`);
    const d = await inDir(dir, 'blob', 'push', '--oci-layout', 'layout', 'hi.txt', '--descriptor', '--media-type', 'text/plain');
    assert.equal(d.stdout, `{"mediaType":"text/plain","digest":"${digest}","size":12}\n`);
    const f = await inDir(dir, 'blob', 'fetch', '--oci-layout', `layout@${digest}`, '--output', 'back.txt');
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(readFileSync(join(dir, 'back.txt')), readFileSync(join(dir, 'hi.txt')));
    writeFileSync(join(dir, 'other.txt'), 'other\n');
    const before = snapshot(join(dir, 'layout'));
    const wrong = await inDir(dir, 'blob', 'push', '--oci-layout', `layout@${digestOf(Buffer.from('x'))}`, 'other.txt');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /other\.txt: has digest sha256:/);
    assert.deepEqual(snapshot(join(dir, 'layout')), before);
    assert.equal(existsSync(join(dir, 'layout', '.manifold-tmp')), false);
  });

  it('on a layout refuses a blob index.json reaches, deletes an unreachable one, and --force deletes anyway', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'hi.txt');
    const used = digestOf(readFileSync(join(dir, 'hi.txt')));
    writeFileSync(join(dir, 'loose.txt'), 'not referenced\n');
    await inDir(dir, 'blob', 'push', '--oci-layout', 'layout', 'loose.txt');
    const loose = digestOf(readFileSync(join(dir, 'loose.txt')));
    const blobFile = (d: string) => join(dir, 'layout', 'blobs', 'sha256', d.slice(7));

    // Tests run without a terminal on stdin: no --force is a refusal, as oras without a TTY.
    const noForce = await inDir(dir, 'blob', 'delete', '--oci-layout', `layout@${loose}`);
    assert.equal(noForce.code, 1);
    assert.ok(existsSync(blobFile(loose)));

    const refused = await inDir(dir, 'blob', 'delete', '--oci-layout', `layout@${used}`, '--force');
    // --force skips the question and the reachability check, as oras's --force; the check applies to confirmed deletes.
    assert.equal(refused.code, 0, refused.stderr);
    assert.ok(!existsSync(blobFile(used)));

    const missing = await inDir(dir, 'blob', 'delete', '--oci-layout', `layout@${used}`, '--force');
    assert.equal(missing.stdout, `Missing layout@${used}\n`);
  });

  it('deleteBlob refuses a reachable blob without force and names what reaches it', async () => {
    const dir = workDir();
    await inDir(dir, 'push', '--oci-layout', 'layout:v1', 'hi.txt');
    const store = await OciLayoutStore.open(join(dir, 'layout'));
    const used = await store.resolveBlob(digestOf(readFileSync(join(dir, 'hi.txt'))));
    const m = await store.resolve('v1');
    await assert.rejects(deleteBlob(store, used), code('INVALID_ARGUMENT', new RegExp(`${m.digest} refers to it`)));
    assert.ok(await store.exists(used));
    const loose = await pushBlob(store, 'loose\n');
    await deleteBlob(store, await store.resolveBlob(loose.digest));
    assert.ok(!(await store.exists(loose)));
    assert.ok(existsSync(dirname(join(store.location, 'index.json'))));
  });
});

describe('push: a file that changes while it is read', () => {
  for (const kind of ['file', 'file in a folder'] as const) {
    it(`refuses a ${kind} that grows during the read, with nothing tagged or listed`, async () => {
      const dir = workDir();
      const big = kind === 'file' ? join(dir, 'big.bin') : join(dir, 'docs', 'big.bin');
      writeFileSync(big, Buffer.alloc(1 << 20, 7));
      const store = await OciLayoutStore.open(join(dir, 'layout'), { create: true });
      const before = snapshot(store.location);
      let grown = false;
      const files = kind === 'file' ? [{ path: big, title: 'big.bin' }] : [{ path: join(dir, 'docs'), title: 'docs' }];
      await assert.rejects(
        pushArtifact(store, {
          tags: ['v1'],
          files: [{ path: join(dir, 'hi.txt'), title: 'hi.txt' }, ...files],
          disablePathValidation: true,
          onRead: (path) => {
            if (path === big && !grown) {
              grown = true;
              writeFileSync(big, 'more', { flag: 'a' });
            }
          },
        }),
        code('INVALID_ARGUMENT', /changed while it was read/),
      );
      assert.ok(grown);
      assert.deepEqual(snapshot(store.location), before);
      await assert.rejects(store.resolve('v1'), code('NOT_FOUND'));
      // Nothing staged is left behind either.
      const tmp = join(store.location, '.manifold-tmp');
      assert.deepEqual(existsSync(tmp) ? readdirSync(tmp) : [], []);
    });
  }

  it('a target without stage() gets the same bytes through a private copy, and the same refusal', async () => {
    const dir = workDir();
    const store = await OciLayoutStore.open(join(dir, 'layout'), { create: true });
    const plain = Object.create(store, { stage: { value: undefined } }) as OciLayoutStore;
    const files = [{ path: join(dir, 'hi.txt'), title: 'hi.txt' }, { path: join(dir, 'docs'), title: 'docs' }];
    const viaCopy = await pushArtifact(plain, { tags: ['copy'], files, disablePathValidation: true, now: NOW });
    const other = await OciLayoutStore.open(join(dir, 'layout2'), { create: true });
    const viaStage = await pushArtifact(other, { tags: ['stage'], files, disablePathValidation: true, now: NOW });
    assert.deepEqual(viaCopy.raw, viaStage.raw);
    const out = join(dir, 'out');
    await pullArtifact(store, { reference: 'copy', output: out });
    assert.deepEqual(readFileSync(join(out, 'docs', 'sub', 'b.bin')), readFileSync(join(dir, 'docs', 'sub', 'b.bin')));
    const before = snapshot(store.location);
    let grown = false;
    await assert.rejects(
      pushArtifact(plain, {
        tags: ['v2'],
        files: [{ path: join(dir, 'hi.txt'), title: 'hi.txt' }],
        disablePathValidation: true,
        onRead: (path) => {
          if (!grown) {
            grown = true;
            writeFileSync(path, 'more', { flag: 'a' });
          }
        },
      }),
      code('INVALID_ARGUMENT', /changed while it was read/),
    );
    assert.deepEqual(snapshot(store.location), before);
  });
});

describePeer('push and pull against layouts oras wrote', () => {
  it('push of an artifact without files makes the very bytes oras made (tag "empty")', async () => {
    const peer = await OciLayoutStore.open(copyPeerLayout('oras-artifacts'));
    const theirs = await peer.fetchBytes(await peer.resolve('empty'));
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    const ours = await pushArtifact(store, { tags: ['empty'], artifactType: 'test/empty.artifact', annotations: { 'org.opencontainers.image.created': '2023-11-06T08:07:54Z' } });
    assert.deepEqual(ours.raw, theirs);
    assert.equal((await store.resolve('empty')).digest, digestOf(theirs));
  });

  it('pulls oras-pushed files byte for byte, one blob under two titles, and skips untitled layers', async () => {
    const dir = copyPeerLayout('oras-artifacts');
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${dir}:foobar`, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['bar', 'foo1', 'foo2']);
    assert.equal(readFileSync(join(out, 'foo1'), 'utf8'), 'foo');
    assert.equal(readFileSync(join(out, 'foo2'), 'utf8'), 'foo');
    assert.equal(readFileSync(join(out, 'bar'), 'utf8'), 'bar');
    const blob = await runCli('pull', '--oci-layout', `${dir}:blob`, '-o', out);
    assert.equal(blob.code, 0, blob.stderr);
    assert.deepEqual(readFileSync(join(out, 'hello.tar')), readFileSync(join(dir, 'blobs', 'sha256', '2ef548696ac7dd66ef38aab5cc8fc5cc1fb637dfaedb3a9afc89bf16db9277e1')));
    const unnamed = await runCli('pull', '--oci-layout', `${dir}:unnamed`, '-o', join(tempDir(), 'none'));
    assert.equal(unnamed.code, 0, unnamed.stderr);
    assert.match(unnamed.stdout, /Skipped pulling layers without file name/);
    const config = await runCli('manifest', 'fetch-config', '--oci-layout', `${dir}:config`);
    assert.equal(config.stdout, readFileSync(join(dir, 'blobs', 'sha256', 'fe9dbc99451d0517d65e048c309f0b5afb2cc513b7a3d456b6cc29fe641386c5'), 'utf8'));
  });
});

describe('manifest fetch-config', () => {
  it('--platform picks the child of an index; an index without it is refused', async () => {
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd64, arm64]), 'v1');
    const manifest = JSON.parse((await store.fetchBytes(arm64)).toString('utf8')) as ImageManifest;
    const r = await runCli('manifest', 'fetch-config', '--oci-layout', `${store.location}:v1`, '--platform', 'linux/arm64');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, (await store.fetchBytes(manifest.config)).toString('utf8'));
    const d = await runCli('manifest', 'fetch-config', '--oci-layout', `${store.location}:v1`, '--platform', 'linux/arm64', '--descriptor');
    assert.equal(JSON.parse(d.stdout).digest, manifest.config.digest);
    const idx = await runCli('manifest', 'fetch-config', '--oci-layout', `${store.location}:v1`);
    assert.equal(idx.code, 1);
    assert.match(idx.stderr, /an index has no config/);
  });
});
