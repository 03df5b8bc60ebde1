import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeManifest } from '../../src/oci/encoding/goJson';
import type { OciErrorCode } from '../../src/oci/errors';
import { OciLayoutStore } from '../../src/oci/layout';
import { EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { parsePlatform } from '../../src/oci/platform';
import { attach, parseAnnotationFile, parseFileReference, type AttachEvent } from '../../src/oci/referrers';
import type { Target } from '../../src/oci/target';
import { countingReads } from '../helpers/countingReads';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, makeMultiArchLayout, tempDir } from './builders';
import { code, collect } from '../helpers/assertions';

const NOW = () => new Date('2026-03-04T05:06:07.891Z');
const CREATED = '2026-03-04T05:06:07Z';
const EMPTY = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2, data: 'e30=' };

function file(name: string, content: string): string {
  const path = join(tempDir('manifold-attach-files-'), name);
  writeFileSync(path, content);
  return path;
}

/** Everything a refused command must leave alone: index.json's bytes and the blob names. */
function snapshot(store: OciLayoutStore): { index: string; blobs: string[] } {
  return { index: readFileSync(join(store.location, 'index.json'), 'utf8'), blobs: readdirSync(join(store.location, 'blobs', 'sha256')).sort() };
}

async function manifestOf(store: OciLayoutStore, desc: Descriptor): Promise<ImageManifest> {
  return JSON.parse((await store.fetchBytes(desc)).toString('utf8')) as ImageManifest;
}

after(cleanupTemps);

describe('attach: the artifact manifest', () => {
  it('packs files as titled layers over the empty config, with subject and annotations, in oras\'s bytes', async () => {
    const { store, children } = await makeMultiArchLayout();
    await store.tag(children[0]!, 'amd64');
    const sig = file('a.sig', 'signature bytes\n');
    const sbom = file('sbom.json', '{"spdxVersion":"SPDX-2.3"}');
    const result = await attach(store, {
      subject: 'amd64',
      artifactType: 'application/vnd.demo.signature',
      files: [{ path: sig, title: 'a.sig' }, { path: sbom, mediaType: 'application/spdx+json', title: 'sbom.json' }],
      annotations: { 'org.example.k': 'v' },
      now: NOW,
    });
    assert.equal(result.artifacts.length, 1);
    const [artifact] = result.artifacts;
    const expected: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.demo.signature',
      config: EMPTY,
      layers: [
        { mediaType: MediaType.ImageLayer, digest: digestOf(Buffer.from('signature bytes\n')), size: 16, annotations: { 'org.opencontainers.image.title': 'a.sig' } },
        { mediaType: 'application/spdx+json', digest: digestOf(Buffer.from('{"spdxVersion":"SPDX-2.3"}')), size: 26, annotations: { 'org.opencontainers.image.title': 'sbom.json' } },
      ],
      subject: { mediaType: MediaType.ImageManifest, digest: children[0]!.digest, size: children[0]!.size },
      annotations: { 'org.example.k': 'v', 'org.opencontainers.image.created': CREATED },
    };
    const raw = encodeManifest(expected);
    assert.equal(artifact!.desc.digest, digestOf(raw));
    assert.deepEqual(await store.fetchBytes(artifact!.desc), raw);
    // The blobs are the files, byte for byte, and the empty config is stored.
    assert.equal((await store.fetchBytes(expected.layers[0]!)).toString(), 'signature bytes\n');
    assert.equal((await store.fetchBytes(expected.layers[1]!)).toString(), '{"spdxVersion":"SPDX-2.3"}');
    assert.equal((await store.fetchBytes(EMPTY)).toString(), '{}');
    // Recorded the oras way: listed untagged in index.json, and found as a referrer.
    const index = JSON.parse(readFileSync(join(store.location, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    const entry = index.manifests.find((d) => d.digest === artifact!.desc.digest);
    assert.ok(entry, 'the artifact is listed in index.json');
    assert.equal(entry.annotations?.['org.opencontainers.image.ref.name'], undefined);
    const referrers = await collect(store.referrers(children[0]!));
    assert.deepEqual(referrers.map((r) => [r.digest, r.artifactType]), [[artifact!.desc.digest, 'application/vnd.demo.signature']]);
  });

  it('with no file, packs the empty layer as oras does', async () => {
    const { store, index } = await makeMultiArchLayout();
    const { artifacts } = await attach(store, { subject: 'multi', artifactType: 'application/vnd.demo.lifecycle', annotations: { eol: '2027-01-01' }, now: NOW });
    const manifest = await manifestOf(store, artifacts[0]!.desc);
    assert.deepEqual(manifest.layers, [EMPTY]);
    assert.deepEqual(manifest.config, EMPTY);
    assert.deepEqual(manifest.subject, { mediaType: MediaType.ImageIndex, digest: index.digest, size: index.size });
    assert.deepEqual(manifest.annotations, { eol: '2027-01-01', 'org.opencontainers.image.created': CREATED });
  });

  it('keeps a created annotation the user gives, and puts $config annotations on the config', async () => {
    const { store } = await makeMultiArchLayout();
    const { artifacts } = await attach(store, {
      subject: 'multi',
      artifactType: 'a/b',
      annotations: { 'org.opencontainers.image.created': '2000-01-01T00:00:00Z' },
      configAnnotations: { hello: 'config' },
    });
    const manifest = await manifestOf(store, artifacts[0]!.desc);
    assert.equal(manifest.annotations?.['org.opencontainers.image.created'], '2000-01-01T00:00:00Z');
    assert.deepEqual(manifest.config, { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2, annotations: { hello: 'config' }, data: 'e30=' });
  });

  it('streams file blobs into the target (staged in one pass) instead of reading them whole', async () => {
    const { store } = await makeMultiArchLayout();
    const big = file('big.bin', 'x'.repeat(3 << 20));
    const pushed: Array<{ digest: string; streamed: boolean }> = [];
    const spy: Target = new Proxy(store, {
      get(t, prop, receiver) {
        if (prop === 'push') {
          return (desc: Descriptor, content: Readable | Uint8Array, o?: object) => {
            pushed.push({ digest: desc.digest, streamed: content instanceof Readable });
            return t.push(desc, content, o);
          };
        }
        if (prop === 'stage') {
          // One pass: the file streams into the layout's temp file, hashed as it is written.
          return async (content: Readable, o?: object) => {
            const staged = await t.stage(content, o);
            pushed.push({ digest: staged.digest, streamed: content instanceof Readable });
            return staged;
          };
        }
        const v = Reflect.get(t, prop, receiver);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const { artifacts } = await attach(spy, { subject: 'multi', artifactType: 'a/b', files: [{ path: big }] });
    const layer = (await manifestOf(store, artifacts[0]!.desc)).layers[0]!;
    assert.equal(layer.size, 3 << 20);
    assert.deepEqual(pushed.find((p) => p.digest === layer.digest), { digest: layer.digest, streamed: true });
  });

  it('stops at a failed push, having reported only the artifacts stored before it, in order', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    let manifests = 0;
    const failing: Target = new Proxy(store, {
      get(t, prop, receiver) {
        if (prop === 'push') {
          return async (desc: Descriptor, content: Readable | Uint8Array, o?: object) => {
            if (desc.mediaType === MediaType.ImageManifest && ++manifests === 3) throw new Error('disk full');
            return t.push(desc, content, o);
          };
        }
        const v = Reflect.get(t, prop, receiver);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const attached: string[] = [];
    await assert.rejects(
      attach(failing, { subject: 'multi', artifactType: 'a/b', annotations: { k: 'v' }, recursive: true, onEvent: (e) => e.type === 'attached' && attached.push(e.artifact.subject.digest) }),
      /disk full/,
    );
    assert.deepEqual(attached, [index.digest, children[0]!.digest]);
    assert.equal((await collect(store.referrers(children[1]!))).length, 0);
  });

  it('reports blobs and artifacts as it goes, each blob once', async () => {
    const { store } = await makeMultiArchLayout();
    const sig = file('s.sig', 'sig');
    const events: AttachEvent[] = [];
    await attach(store, { subject: 'multi', artifactType: 'a/b', files: [{ path: sig }], recursive: true, onEvent: (e) => events.push(e) });
    const kinds = events.map((e) => e.type);
    assert.equal(kinds[0], 'resolved');
    assert.equal(kinds.filter((k) => k === 'uploaded').length, 2, 'the config and the file, once each for four artifacts');
    assert.equal(kinds.filter((k) => k === 'attached').length, 4);
  });
});

describe('attach: platforms and recursion', () => {
  it('--platform attaches to those children only', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const { artifacts } = await attach(store, { subject: 'multi', artifactType: 'a/b', annotations: { k: 'v' }, platforms: [parsePlatform('linux/arm64'), parsePlatform('linux/arm/v7')] });
    assert.deepEqual(artifacts.map((a) => a.subject.digest), [children[1]!.digest, children[2]!.digest]);
    assert.deepEqual(artifacts.map((a) => a.position), [[2], [3]]);
    assert.equal((await collect(store.referrers(index))).length, 0);
    assert.equal((await collect(store.referrers(children[1]!))).length, 1);
  });

  it('three platforms named read the index once (a registry: one GET, not one more per platform)', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const { target, reads } = countingReads(store);
    const platforms = ['linux/arm64', 'linux/arm/v7', 'linux/amd64'].map(parsePlatform);
    const { artifacts } = await attach(target, { subject: 'multi', artifactType: 'a/b', annotations: { k: 'v' }, platforms });
    assert.deepEqual(reads, ['resolve multi', `fetchBytes ${index.digest}`]);
    assert.deepEqual(artifacts.map((a) => a.subject.digest), [children[1]!.digest, children[2]!.digest, children[0]!.digest]);
  });

  it('--recursive attaches to the index and every manifest below it, nested indexes too', async () => {
    const { store, children } = await makeMultiArchLayout();
    const s390x = await makeImage(store, { arch: 's390x' });
    const nested = await makeIndex(store, [children[1]!, children[2]!]);
    const top = await makeIndex(store, [children[0]!, { ...nested }, s390x]);
    await store.tag(top, 'top');
    const { artifacts } = await attach(store, { subject: 'top', artifactType: 'a/b', annotations: { k: 'v' }, recursive: true });
    assert.deepEqual(
      artifacts.map((a) => [a.subject.digest, a.position.join('.')]),
      [
        [top.digest, ''],
        [children[0]!.digest, '1'],
        [nested.digest, '2'],
        [children[1]!.digest, '2.1'],
        [children[2]!.digest, '2.2'],
        [s390x.digest, '3'],
      ],
    );
    for (const a of artifacts) {
      const found = await collect(store.referrers(a.subject));
      assert.deepEqual(found.map((r) => r.digest), [a.desc.digest]);
    }
    // Stored without a second hash or parse (PushOptions.encodedFrom): the object handed over is what the bytes
    // say, the bytes are their digest, and a fresh store, which reads and checks the files, finds the same.
    const fresh = await OciLayoutStore.open(store.location);
    for (const a of artifacts) {
      assert.deepEqual(a.manifest, JSON.parse(a.raw.toString('utf8')));
      assert.equal(digestOf(readFileSync(join(store.location, 'blobs', 'sha256', a.desc.digest.slice(7)))), a.desc.digest);
      const found = await collect(fresh.referrers(a.subject));
      assert.deepEqual(found.map((r) => [r.digest, r.artifactType, r.annotations?.k]), [[a.desc.digest, 'a/b', 'v']]);
    }
  });

  it('per-platform files join the artifact of that platform; the plain files go to the index', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const [a1, b1, c1] = [file('a1.sig', 'A'), file('b1.sig', 'B'), file('c1.sig', 'C')];
    const { artifacts } = await attach(store, {
      subject: 'multi',
      artifactType: 'application/vnd.demo.signature',
      files: [{ path: a1, title: 'a1.sig' }],
      perPlatformFiles: [
        { platform: parsePlatform('linux/amd64'), files: [{ path: b1, title: 'b1.sig' }] },
        { platform: parsePlatform('linux/arm64'), files: [{ path: c1, title: 'c1.sig' }] },
      ],
    });
    const titles = await Promise.all(artifacts.map(async (a) => [a.subject.digest, (await manifestOf(store, a.desc)).layers.map((l) => l.annotations?.['org.opencontainers.image.title'])]));
    assert.deepEqual(titles, [
      [index.digest, ['a1.sig']],
      [children[0]!.digest, ['b1.sig']],
      [children[1]!.digest, ['c1.sig']],
    ]);
  });

  it('--platform on an image checks the platform its config declares', async () => {
    const { store, children } = await makeMultiArchLayout();
    await store.tag(children[1]!, 'arm');
    const { artifacts } = await attach(store, { subject: 'arm', artifactType: 'a/b', annotations: { k: 'v' }, platforms: [parsePlatform('linux/arm64')] });
    assert.equal(artifacts[0]!.subject.digest, children[1]!.digest);
    await assert.rejects(attach(store, { subject: 'arm', artifactType: 'a/b', annotations: { k: 'v' }, platforms: [parsePlatform('linux/amd64')] }), code('NOT_FOUND', /is linux\/arm64, not linux\/amd64/));
  });
});

describe('attach: refusals write nothing', () => {
  const cases: Array<[string, (sig: string) => Parameters<typeof attach>[1], OciErrorCode, RegExp]> = [
    ['an invalid artifact type', (sig) => ({ subject: 'multi', artifactType: 'not a type', files: [{ path: sig }] }), 'INVALID_ARGUMENT', /not a type: invalid media type/],
    ['an invalid file media type', (sig) => ({ subject: 'multi', artifactType: 'a/b', files: [{ path: sig, mediaType: 'bad' }] }), 'INVALID_ARGUMENT', /"bad": invalid media type/],
    ['a missing file (after others that exist)', (sig) => ({ subject: 'multi', artifactType: 'a/b', files: [{ path: sig }, { path: `${sig}.missing` }], recursive: true }), 'NOT_FOUND', /\.missing: no such file/],
    ['a missing per-platform file', (sig) => ({ subject: 'multi', artifactType: 'a/b', files: [{ path: sig }], perPlatformFiles: [{ platform: parsePlatform('linux/amd64'), files: [{ path: `${sig}.nope` }] }] }), 'NOT_FOUND', /\.nope: no such file/],
    ['a platform the index lacks, naming those it has', (sig) => ({ subject: 'multi', artifactType: 'a/b', files: [{ path: sig }], platforms: [parsePlatform('linux/amd64'), parsePlatform('windows/amd64')] }), 'NOT_FOUND', /windows\/amd64.*it has linux\/amd64, linux\/arm64, linux\/arm\/v7/],
    ['neither file nor annotation', () => ({ subject: 'multi', artifactType: 'a/b' }), 'INVALID_ARGUMENT', /neither file nor annotation/],
    ['an unknown subject', (sig) => ({ subject: 'nope', artifactType: 'a/b', files: [{ path: sig }] }), 'NOT_FOUND', /nope/],
  ];
  for (const [what, options, c, message] of cases) {
    it(what, async () => {
      const { store } = await makeMultiArchLayout();
      const sig = file('a.sig', 'sig');
      const before = snapshot(store);
      await assert.rejects(attach(store, options(sig)), code(c, message));
      assert.deepEqual(snapshot(store), before);
    });
  }

  it('an aborted signal', async () => {
    const { store } = await makeMultiArchLayout();
    const before = snapshot(store);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(attach(store, { subject: 'multi', artifactType: 'a/b', annotations: { k: 'v' }, signal: controller.signal }));
    assert.deepEqual(snapshot(store), before);
  });
});

describe('attach: arguments', () => {
  const refs: Array<[string, { path: string; mediaType?: string }]> = [
    ['a.txt', { path: 'a.txt' }],
    ['a.txt:text/plain', { path: 'a.txt', mediaType: 'text/plain' }],
    ['dir/a:b.txt:application/x', { path: 'dir/a:b.txt', mediaType: 'application/x' }],
    ['a.txt:', { path: 'a.txt' }],
    ['C:\\sig\\a.sig', { path: 'C:\\sig\\a.sig' }],
    ['C:\\sig\\a.sig:text/plain', { path: 'C:\\sig\\a.sig', mediaType: 'text/plain' }],
  ];
  for (const [ref, expected] of refs) {
    it(`parses the file reference ${ref}`, () => assert.deepEqual(parseFileReference(ref), expected));
  }
  it('refuses an empty file path', () => assert.throws(() => parseFileReference(':text/plain'), /found empty file path/));

  it('reads oras\'s annotation file', () => {
    const parsed = parseAnnotationFile('{"$config":{"hello":"config"},"$manifest":{"hi":"manifest"},"foobar/bar":{"foo":"bar"}}', 'a.json');
    assert.deepEqual(parsed, { manifest: { hi: 'manifest' }, config: { hello: 'config' }, files: { 'foobar/bar': { foo: 'bar' } } });
    assert.throws(() => parseAnnotationFile('{"$manifest":{"n":1}}', 'a.json'), /invalid annotation json file: failed to load annotations from a\.json/);
    assert.throws(() => parseAnnotationFile('[', 'a.json'), /malformed JSON/);
  });
});

describe('manifold attach', () => {
  it('prints "Attached to" and "Digest" for each artifact, and JSON listing them all', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const dir = store.location;
    let r = await runCli('attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'application/vnd.demo.lifecycle', '--platform', 'linux/amd64', '--annotation', 'eol=2027-01-01');
    assert.equal(r.code, 0, r.stderr);
    const [amd64] = await collect(store.referrers(children[0]!));
    assert.equal(r.stdout, `Attached to [oci-layout] ${dir}@${children[0]!.digest}\nDigest: ${amd64!.digest}\n`);

    r = await runCli('attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'application/vnd.demo.lifecycle', '-r', '-a', 'eol=2027-01-01', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { artifacts: Array<Record<string, unknown> & { subject: Record<string, unknown> }> };
    assert.equal(json.artifacts.length, 4);
    assert.deepEqual(Object.keys(json.artifacts[0]!), ['reference', 'mediaType', 'digest', 'size', 'annotations', 'artifactType', 'subject']);
    assert.deepEqual(json.artifacts.map((a) => a.subject.digest), [index.digest, ...children.map((c) => c.digest)]);
    assert.deepEqual(json.artifacts[1]!.subject.platform, { architecture: 'amd64', os: 'linux' });
    assert.equal(json.artifacts[0]!.reference, `${dir}@${json.artifacts[0]!.digest as string}`);
    for (const a of json.artifacts) {
      const stored = await store.fetchBytes({ mediaType: MediaType.ImageManifest, digest: a.digest as string, size: a.size as number });
      assert.equal(JSON.parse(stored.toString()).subject.digest, a.subject.digest);
    }
  });

  it('takes per-platform files as --platform P=FILE and titles files by the path given', async () => {
    const { store, children } = await makeMultiArchLayout();
    const work = tempDir();
    writeFileSync(join(work, 'a1.sig'), 'A');
    writeFileSync(join(work, 'b1.sig'), 'B');
    const cwd = process.cwd();
    process.chdir(work);
    try {
      const r = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', 'sig/x', './a1.sig', '--platform', 'linux/amd64=b1.sig:application/vnd.demo.sig');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.match(/^Attached to/gm)?.length, 2);
    } finally {
      process.chdir(cwd);
    }
    const [ref] = await collect(store.referrers(children[0]!));
    const layers = (await manifestOf(store, ref!)).layers;
    assert.deepEqual(layers.map((l) => [l.mediaType, l.annotations?.['org.opencontainers.image.title']]), [['application/vnd.demo.sig', 'b1.sig']]);
  });

  it('applies an annotation file: $manifest, $config and per file', async () => {
    const { store } = await makeMultiArchLayout();
    const work = tempDir();
    writeFileSync(join(work, 'hi.txt'), 'hi');
    writeFileSync(join(work, 'ann.json'), JSON.stringify({ $manifest: { m: '1' }, $config: { c: '2' }, 'hi.txt': { f: '3', 'org.opencontainers.image.title': 'renamed.txt' } }));
    const cwd = process.cwd();
    process.chdir(work);
    let r;
    try {
      r = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', 'doc/example', '--annotation-file', 'ann.json', 'hi.txt', '--format', 'json');
    } finally {
      process.chdir(cwd);
    }
    assert.equal(r.code, 0, r.stderr);
    const digest = (JSON.parse(r.stdout) as { artifacts: Array<{ digest: string; size: number }> }).artifacts[0]!;
    const manifest = await manifestOf(store, { mediaType: MediaType.ImageManifest, ...digest });
    assert.equal(manifest.annotations?.m, '1');
    assert.deepEqual(manifest.config.annotations, { c: '2' });
    assert.deepEqual(manifest.layers[0]!.annotations, { f: '3', 'org.opencontainers.image.title': 'renamed.txt' });
  });

  it('refuses an artifact manifest over 4 MiB before writing anything (no blob, index.json byte-equal)', async () => {
    const { store } = await makeMultiArchLayout();
    const work = tempDir();
    writeFileSync(join(work, 'new.txt'), 'a file not yet in the layout');
    writeFileSync(join(work, 'ann.json'), JSON.stringify({ $manifest: { big: 'x'.repeat(5 << 20) } }));
    const before = snapshot(store);
    const cwd = process.cwd();
    process.chdir(work);
    let r;
    try {
      r = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', 'doc/example', '--annotation-file', 'ann.json', 'new.txt');
    } finally {
      process.chdir(cwd);
    }
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const m = /^Error: artifact manifest would be ([\d,]+) bytes, over the 4 MiB limit registries and readers accept for manifests\n$/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.ok(Number(m[1]!.replace(/,/g, '')) > 5 << 20);
    assert.deepEqual(snapshot(store), before);
  });

  it('refuses bad input with an error and writes nothing', async () => {
    const { store } = await makeMultiArchLayout();
    const sig = file('x.sig', 'x');
    const before = snapshot(store);
    const ref = `${store.location}:multi`;
    const attempts: Array<[string[], RegExp]> = [
      [['--artifact-type', 'a/b', '-a', 'novalue', sig], /annotation value doesn't match the required format/],
      [['--artifact-type', 'bad type', sig], /invalid media type/],
      [['--artifact-type', 'a/b', '--platform', 'linux/ppc64le', sig], /linux\/ppc64le.*it has linux\/amd64, linux\/arm64, linux\/arm\/v7/],
      [['--artifact-type', 'a/b', `${sig}.missing`], /no such file/],
      [[sig], /required flag "artifact-type" not set/],
      [['--artifact-type', 'a/b', '-a', 'k=v', '--annotation-file', sig], /cannot be both specified/],
      [['--artifact-type', 'a/b', '--platform', 'linux', sig], /failed to parse platform/],
    ];
    for (const [args, message] of attempts) {
      const r = await runCli('attach', '--oci-layout', ref, '--disable-path-validation', ...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^Error: /);
    }
    const r = await runCli('attach', '--oci-layout', ref, '--artifact-type', 'a/b', sig);
    assert.match(r.stderr, /absolute file path detected/);
    assert.deepEqual(snapshot(store), before);
  });

  it('documents the per-platform grammar in its help', async () => {
    const r = await runCli('attach', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--platform linux\/amd64=b1\.sig --platform linux\/arm64=c1\.sig/);
    assert.match(r.stdout, /--recursive/);
  });
});
