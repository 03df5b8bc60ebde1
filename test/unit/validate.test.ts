import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { digestOf } from '../../src/oci/digest';
import { isOciError } from '../../src/oci/errors';
import { EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { formatPath, parseDocument, parsePath, parseManifestStrict, specLink, type Problem, type ProblemCode } from '../../src/oci/validate';

const PEER_LAYOUTS = '/work/shared/peer-layouts';
const D = (c: string) => `sha256:${c.repeat(64)}`;
const REF = 'org.opencontainers.image.ref.name';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function manifest(): Doc {
  return {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: { mediaType: MediaType.ImageConfig, digest: D('c'), size: 10 },
    layers: [
      { mediaType: MediaType.ImageLayerGzip, digest: D('1'), size: 100 },
      { mediaType: MediaType.ImageLayerGzip, digest: D('2'), size: 200 },
    ],
  };
}

function child(c: string, architecture: string, variant?: string): Doc {
  const platform: Doc = { architecture, os: 'linux' };
  if (variant) platform.variant = variant;
  return { mediaType: MediaType.ImageManifest, digest: D(c), size: 458, platform };
}

function index(): Doc {
  return { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [child('a', 'amd64'), child('b', 'arm64'), child('d', 'arm', 'v7')] };
}

function edit<T extends Doc>(doc: T, f: (d: T) => void): T {
  f(doc);
  return doc;
}

/** `severity path code`, sorted: the whole finding set of a document, compared exactly. */
function summary(problems: Problem[]): string[] {
  return problems.map((p) => `${p.severity} ${p.path} ${p.code}`).sort();
}

const E = (path: string, code: ProblemCode) => `error ${path} ${code}`;
const W = (path: string, code: ProblemCode) => `warning ${path} ${code}`;

describe('validate: valid documents', () => {
  const cases: Array<[string, Doc | string, 'index' | 'manifest', string[]]> = [
    ['an OCI image manifest', manifest(), 'manifest', []],
    ['an OCI image index', index(), 'index', []],
    ['an empty index', { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] }, 'index', []],
    [
      'a Docker manifest list (platform features, os.version, os.features)',
      {
        schemaVersion: 2,
        mediaType: MediaType.DockerManifestList,
        manifests: [
          { mediaType: MediaType.DockerManifest, digest: D('a'), size: 527, platform: { architecture: 'amd64', os: 'linux', features: ['sse4'] } },
          {
            mediaType: MediaType.DockerManifest,
            digest: D('b'),
            size: 527,
            platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1', 'os.features': ['win32k'] },
          },
        ],
      },
      'index',
      [],
    ],
    [
      'a Docker v2 manifest with a foreign layer',
      {
        schemaVersion: 2,
        mediaType: MediaType.DockerManifest,
        config: { mediaType: MediaType.DockerConfig, digest: D('c'), size: 1469 },
        layers: [
          { mediaType: MediaType.DockerLayerGzip, digest: D('1'), size: 2811969 },
          {
            mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
            digest: D('2'),
            size: 1,
            urls: ['https://mcr.microsoft.com/v2/windows/blobs/x'],
          },
        ],
      },
      'manifest',
      [],
    ],
    [
      'an OCI 1.1 artifact manifest (artifactType, empty config with data, subject)',
      {
        schemaVersion: 2,
        mediaType: MediaType.ImageManifest,
        artifactType: 'application/vnd.example.sbom.v1+json',
        config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2, data: 'e30=' },
        layers: [{ mediaType: 'application/spdx+json', digest: D('5'), size: 31, annotations: { 'org.opencontainers.image.title': 'sbom.json' } }],
        subject: { mediaType: MediaType.ImageManifest, digest: D('6'), size: 458 },
        annotations: { 'org.opencontainers.image.created': '2025-06-05T04:30:10Z' },
      },
      'manifest',
      [],
    ],
    [
      'an artifact index with a nested index child',
      {
        schemaVersion: 2,
        mediaType: MediaType.ImageIndex,
        artifactType: 'application/vnd.example+type',
        manifests: [{ mediaType: MediaType.ImageIndex, digest: D('a'), size: 3, artifactType: 'application/x.y' }],
        subject: { mediaType: MediaType.ImageIndex, digest: D('b'), size: 3 },
      },
      'index',
      [],
    ],
    ['an index.json without mediaType (a warning only)', { schemaVersion: 2, manifests: [edit(child('a', 'amd64'), (c) => (c.annotations = { [REF]: 'v1.0' }))] }, 'index', [W('mediaType', 'missing-media-type')]],
    ['a manifest without layers (a warning only)', edit(manifest(), (m) => (m.layers = [])), 'manifest', [W('layers', 'empty-layers')]],
    ['data that matches size and digest', edit(manifest(), (m) => (m.layers[0] = { mediaType: 'text/plain', digest: digestOf(Buffer.from('hi')), size: 2, data: 'aGk=' })), 'manifest', []],
    ['unknown fields (ignored, as the spec requires)', edit(manifest(), (m) => (m.extension = { any: 1 })), 'manifest', []],
    ['sha512 digests', edit(manifest(), (m) => (m.layers[0].digest = `sha512:${'e'.repeat(128)}`)), 'manifest', []],
  ];
  for (const [name, doc, kind, expected] of cases) {
    it(`accepts ${name}`, () => {
      const parsed = parseDocument(typeof doc === 'string' ? doc : JSON.stringify(doc));
      assert.equal(parsed.kind, kind);
      assert.deepEqual(summary(parsed.problems), expected);
      assert.ok(Buffer.isBuffer(parsed.raw));
    });
  }
});

describe('validate: invalid documents, exact path and code', () => {
  const bad: Array<[string, Doc | string, string[]]> = [
    // JSON and document level
    ['truncated JSON', '{"schemaVersion":2,', [E('', 'invalid-json')]],
    ['a trailing comma', '{"schemaVersion":2,}', [E('', 'invalid-json')]],
    ['a byte order mark', '\ufeff{"schemaVersion":2,"manifests":[]}', [E('', 'invalid-json')]],
    ['an empty document', '', [E('', 'invalid-json')]],
    ['a comment', '{"schemaVersion":2 /* c */,"manifests":[]}', [E('', 'invalid-json')]],
    ['an array', '[]', [E('', 'wrong-type')]],
    ['a string', '"manifest"', [E('', 'wrong-type')]],
    ['null', 'null', [E('', 'wrong-type')]],
    ['an empty object', '{}', [E('', 'not-a-manifest')]],
    ['arbitrary JSON', { hello: 'world' }, [E('', 'not-a-manifest')]],
    ['an image config', { architecture: 'amd64', os: 'linux', config: { Env: [] }, rootfs: { type: 'layers', diff_ids: [] } }, [E('', 'not-a-manifest')]],
    ['a Docker schema 1 manifest', { schemaVersion: 1, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', fsLayers: [] }, [E('', 'not-a-manifest')]],
    ['both shapes and no mediaType', edit(manifest(), (m) => { delete m.mediaType; m.manifests = []; }), [E('', 'not-a-manifest')]],
    ['duplicate keys', '{"schemaVersion":2,"schemaVersion":2,"manifests":[]}', [E('schemaVersion', 'duplicate-key'), W('mediaType', 'missing-media-type')]],
    // schemaVersion and document mediaType
    ['schemaVersion as a string', edit(manifest(), (m) => (m.schemaVersion = '2')), [E('schemaVersion', 'schema-version')]],
    ['schemaVersion 1', edit(index(), (m) => (m.schemaVersion = 1)), [E('schemaVersion', 'schema-version')]],
    // Parsed, it is 2; Go's encoding/json refuses it for an int, so registries do.
    ['schemaVersion written 2.0', '{"schemaVersion":2.0,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}', [E('schemaVersion', 'schema-version')]],
    ['schemaVersion written 2e0, indented', '{\n  "schemaVersion": 2e0,\n  "mediaType": "application/vnd.oci.image.index.v1+json",\n  "manifests": []\n}', [E('schemaVersion', 'schema-version')]],
    ['no schemaVersion', edit(index(), (m) => delete m.schemaVersion), [E('schemaVersion', 'missing-field')]],
    ['a config mediaType on a manifest', edit(manifest(), (m) => (m.mediaType = MediaType.ImageConfig)), [E('mediaType', 'unknown-media-type')]],
    ['an index mediaType on a manifest', edit(manifest(), (m) => (m.mediaType = MediaType.ImageIndex)), [E('mediaType', 'media-type-mismatch')]],
    ['a manifest mediaType on an index', edit(index(), (m) => (m.mediaType = MediaType.ImageManifest)), [E('mediaType', 'media-type-mismatch')]],
    ['a Docker manifest mediaType on an index', edit(index(), (m) => (m.mediaType = MediaType.DockerManifest)), [E('mediaType', 'media-type-mismatch')]],
    ['an undeclared retired kind', edit(manifest(), (m) => (m.mediaType = 'application/vnd.oci.artifact.manifest.v1+json')), [E('mediaType', 'unknown-media-type')]],
    ['a mediaType that is no media type', edit(manifest(), (m) => (m.mediaType = 'manifest')), [E('mediaType', 'invalid-media-type')]],
    ['a mediaType number', edit(index(), (m) => (m.mediaType = 2)), [E('mediaType', 'wrong-type')]],
    ['a bad artifactType', edit(manifest(), (m) => (m.artifactType = 'sbom')), [E('artifactType', 'invalid-media-type')]],
    ['a key in the wrong case', edit(index(), (m) => { m.Manifests = m.manifests; delete m.manifests; }), [E('manifests', 'missing-field'), W('Manifests', 'field-case')]],
    ['a key in the wrong case, no mediaType', edit(index(), (m) => { m.Manifests = m.manifests; delete m.manifests; delete m.mediaType; }), [E('', 'not-a-manifest')]],
    // manifest body
    ['no config', edit(manifest(), (m) => delete m.config), [E('config', 'missing-field')]],
    ['config null', edit(manifest(), (m) => (m.config = null)), [E('config', 'wrong-type')]],
    ['config a string', edit(manifest(), (m) => (m.config = D('c'))), [E('config', 'wrong-type')]],
    ['no layers', edit(manifest(), (m) => delete m.layers), [E('layers', 'missing-field')]],
    ['layers null', edit(manifest(), (m) => (m.layers = null)), [E('layers', 'wrong-type')]],
    ['layers an object', edit(manifest(), (m) => (m.layers = {})), [E('layers', 'wrong-type')]],
    ['a layer that is a string', edit(manifest(), (m) => (m.layers[1] = D('1'))), [E('layers[1]', 'wrong-type')]],
    ['a config that is an index', edit(manifest(), (m) => (m.config.mediaType = MediaType.ImageIndex)), [W('config.mediaType', 'config-not-config')]],
    ['a config that is a layer', edit(manifest(), (m) => (m.config.mediaType = MediaType.ImageLayerGzip)), [W('config.mediaType', 'config-not-config')]],
    ['a Docker manifest with an empty config (no artifactType needed)', edit(manifest(), (m) => { m.mediaType = MediaType.DockerManifest; m.config = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2 }; }), []],
    ['an empty config without artifactType', edit(manifest(), (m) => (m.config = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2 })), [E('artifactType', 'missing-artifact-type')]],
    ['an empty descriptor that is not {}', edit(manifest(), (m) => (m.layers[0] = { mediaType: MediaType.Empty, digest: D('e'), size: 3 })), [W('layers[0]', 'empty-descriptor')]],
    ['a manifest as a layer', edit(manifest(), (m) => (m.layers[0].mediaType = MediaType.ImageManifest)), [W('layers[0].mediaType', 'unexpected-media-type')]],
    // descriptor fields
    ['a missing mediaType', edit(manifest(), (m) => delete m.layers[0].mediaType), [E('layers[0].mediaType', 'missing-field')]],
    ['a mediaType number', edit(manifest(), (m) => (m.layers[0].mediaType = 1)), [E('layers[0].mediaType', 'wrong-type')]],
    ['an invalid mediaType', edit(manifest(), (m) => (m.layers[0].mediaType = 'tar gz')), [E('layers[0].mediaType', 'invalid-media-type')]],
    ['a path in a digest', edit(index(), (m) => (m.manifests[2].digest = 'sha256:../../x')), [E('manifests[2].digest', 'invalid-digest')]],
    ['an uppercase digest', edit(manifest(), (m) => (m.config.digest = `sha256:${'A'.repeat(64)}`)), [E('config.digest', 'invalid-digest')]],
    ['an md5 digest', edit(manifest(), (m) => (m.config.digest = `md5:${'a'.repeat(32)}`)), [E('config.digest', 'invalid-digest')]],
    ['a short digest', edit(manifest(), (m) => (m.layers[1].digest = `sha256:${'a'.repeat(63)}`)), [E('layers[1].digest', 'invalid-digest')]],
    ['a missing digest', edit(manifest(), (m) => delete m.layers[1].digest), [E('layers[1].digest', 'missing-field')]],
    ['a digest number', edit(manifest(), (m) => (m.layers[1].digest = 5)), [E('layers[1].digest', 'wrong-type')]],
    ['a negative size', edit(manifest(), (m) => (m.layers[0].size = -1)), [E('layers[0].size', 'invalid-size')]],
    ['a fractional size', edit(manifest(), (m) => (m.layers[0].size = 1.5)), [E('layers[0].size', 'invalid-size')]],
    ['an unsafe size', edit(manifest(), (m) => (m.layers[0].size = 2 ** 53)), [E('layers[0].size', 'invalid-size')]],
    ['a size string', edit(manifest(), (m) => (m.layers[0].size = '100')), [E('layers[0].size', 'wrong-type')]],
    ['a missing size', edit(manifest(), (m) => delete m.config.size), [E('config.size', 'missing-field')]],
    ['urls a string', edit(manifest(), (m) => (m.layers[0].urls = 'https://x')), [E('layers[0].urls', 'wrong-type')]],
    ['a url number', edit(manifest(), (m) => (m.layers[0].urls = ['https://x', 5])), [E('layers[0].urls[1]', 'wrong-type')]],
    ['a relative url', edit(manifest(), (m) => (m.layers[0].urls = ['blobs/x'])), [E('layers[0].urls[0]', 'invalid-url')]],
    ['an ftp url', edit(manifest(), (m) => (m.layers[0].urls = ['ftp://x/y'])), [W('layers[0].urls[0]', 'invalid-url')]],
    ['data not base64', edit(manifest(), (m) => (m.config.data = 'e30')), [E('config.data', 'invalid-data')]],
    ['data of another size', edit(manifest(), (m) => (m.config.data = 'e30=')), [E('config.data', 'data-mismatch')]],
    ['data of another digest', edit(manifest(), (m) => Object.assign(m.config, { data: 'e30=', size: 2 })), [E('config.data', 'data-mismatch')]],
    ['a descriptor artifactType', edit(index(), (m) => (m.manifests[0].artifactType = 'x')), [E('manifests[0].artifactType', 'invalid-media-type')]],
    ['a descriptor key in the wrong case', edit(index(), (m) => { m.manifests[1].Digest = m.manifests[1].digest; delete m.manifests[1].digest; }), [E('manifests[1].digest', 'missing-field'), W('manifests[1].Digest', 'field-case')]],
    // annotations
    ['an annotation value not a string', edit(manifest(), (m) => (m.annotations = { 'org.x': 1 })), [E('annotations["org.x"]', 'annotation-not-string')]],
    ['an annotation null', edit(index(), (m) => (m.manifests[1].annotations = { a: null })), [E('manifests[1].annotations["a"]', 'annotation-not-string')]],
    ['annotations an array', edit(manifest(), (m) => (m.layers[0].annotations = ['a'])), [E('layers[0].annotations', 'wrong-type')]],
    ['annotations null', edit(manifest(), (m) => (m.annotations = null)), [W('annotations', 'wrong-type')]],
    ['a created annotation that is no date', edit(manifest(), (m) => (m.annotations = { 'org.opencontainers.image.created': 'yesterday' })), [W('annotations["org.opencontainers.image.created"]', 'invalid-annotation')]],
    ['a tag outside the ref grammar', edit(index(), (m) => (m.manifests[0].annotations = { [REF]: 'v1 beta' })), [W(`manifests[0].annotations["${REF}"]`, 'invalid-annotation')]],
    ['duplicate annotation keys', `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[],"annotations":{"a":"1","a":"2"}}`, [E('annotations["a"]', 'duplicate-key')]],
    // index body
    ['"manifests": null (as umoci writes)', '{"schemaVersion":2,"manifests":null}', [E('manifests', 'wrong-type'), W('mediaType', 'missing-media-type')]],
    ['no manifests', edit(index(), (m) => delete m.manifests), [E('manifests', 'missing-field')]],
    ['manifests an object', edit(index(), (m) => (m.manifests = { a: 1 })), [E('manifests', 'wrong-type')]],
    ['a layer in manifests', edit(index(), (m) => (m.manifests[1].mediaType = MediaType.ImageLayerGzip)), [W('manifests[1].mediaType', 'unexpected-media-type')]],
    [
      'duplicate tags',
      edit(index(), (m) => {
        m.manifests[0].annotations = { [REF]: 'v1' };
        m.manifests[1].annotations = { [REF]: 'v2' };
        m.manifests[2].annotations = { [REF]: 'v1' };
      }),
      [E(`manifests[2].annotations["${REF}"]`, 'duplicate-tag')],
    ],
    // platform
    ['a platform string', edit(index(), (m) => (m.manifests[0].platform = 'linux/amd64')), [E('manifests[0].platform', 'invalid-platform')]],
    ['a platform without os', edit(index(), (m) => delete m.manifests[1].platform.os), [E('manifests[1].platform.os', 'invalid-platform')]],
    ['a platform architecture number', edit(index(), (m) => (m.manifests[1].platform.architecture = 64)), [E('manifests[1].platform.architecture', 'invalid-platform')]],
    ['a platform with empty os', edit(index(), (m) => (m.manifests[1].platform.os = '')), [W('manifests[1].platform.os', 'invalid-platform')]],
    ['os.features a string', edit(index(), (m) => (m.manifests[0].platform['os.features'] = 'win32k')), [E('manifests[0].platform["os.features"]', 'invalid-platform')]],
    ['a variant number', edit(index(), (m) => (m.manifests[2].platform.variant = 7)), [E('manifests[2].platform.variant', 'invalid-platform')]],
    ['features with a number', edit(index(), (m) => (m.manifests[2].platform.features = ['sse4', 1])), [E('manifests[2].platform.features[1]', 'invalid-platform')]],
    // subject
    ['a subject with a bad digest', edit(manifest(), (m) => (m.subject = { mediaType: MediaType.ImageManifest, digest: 'sha256:x', size: 1 })), [E('subject.digest', 'invalid-digest')]],
    ['a subject that is a layer', edit(index(), (m) => (m.subject = { mediaType: MediaType.ImageLayer, digest: D('f'), size: 1 })), [W('subject.mediaType', 'unexpected-media-type')]],
    ['a subject string', edit(index(), (m) => (m.subject = D('f'))), [E('subject', 'wrong-type')]],
  ];
  for (const [name, doc, expected] of bad) {
    it(`${name} → ${expected.map((e) => e.split(' ').slice(1).join(' ')).join(', ')}`, () => {
      const parsed = parseDocument(typeof doc === 'string' ? doc : JSON.stringify(doc));
      assert.deepEqual(summary(parsed.problems), [...expected].sort());
      for (const p of parsed.problems) {
        assert.ok(p.message.length > 0);
        assert.equal(formatPath(p.segments), p.path);
        assert.ok(p.link.startsWith('https://github.com/opencontainers/image-spec/blob/v1.1.0/'), p.link);
      }
    });
  }

  it('gives the offset, line and column of a JSON error', () => {
    const [p] = parseDocument('{\n  "schemaVersion": 2,\n  "manifests": [}\n').problems;
    assert.equal(p!.code, 'invalid-json');
    assert.equal(p!.offset, 40);
    assert.match(p!.message, /line 3, column 17 \(offset 40\)/);
    const bom = parseDocument(Buffer.from('\ufeff{}')).problems[0]!;
    assert.match(bom.message, /byte order mark/);
  });

  it('reports umoci\'s "manifests": null in plain words', () => {
    const [p] = parseDocument('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":null}').problems;
    assert.match(p!.message, /manifests is null: it must be an array, \[\] when empty/);
  });

  it('names the first holder of a duplicate tag', () => {
    const doc = edit(index(), (m) => {
      m.manifests[0].annotations = { [REF]: 'latest' };
      m.manifests[2].annotations = { [REF]: 'latest' };
    });
    const p = parseDocument(JSON.stringify(doc)).problems.find((x) => x.code === 'duplicate-tag')!;
    assert.deepEqual(p.segments, ['manifests', 2, 'annotations', REF]);
    assert.match(p.message, /"latest" is already on manifests\[0\]/);
  });

  it('checks the kind asked for', () => {
    const asManifest = parseDocument(JSON.stringify(index()), { expect: 'manifest' });
    assert.deepEqual(summary(asManifest.problems), [E('', 'index-where-manifest-required')]);
    const asIndex = parseDocument(JSON.stringify(manifest()), { expect: 'index' });
    assert.deepEqual(summary(asIndex.problems), [E('', 'manifest-where-index-required')]);
  });
});

describe('validate: a descriptor one step off the usual shape still gets its finding', () => {
  // The usual descriptor passes a quick check; each of these differs by one thing and must be found as before.
  const plain = (): Doc => ({ mediaType: MediaType.ImageManifest, digest: D('a'), size: 10, annotations: { k: 'v' }, platform: { architecture: 'amd64', os: 'linux' } });
  const cases: Array<[string, (d: Doc) => void, string[]]> = [
    ['none', () => {}, []],
    ['a field spelled in another case', (d) => (d.Size = 3), [W('manifests[0].Size', 'field-case')]],
    ['null annotations', (d) => (d.annotations = null), [W('manifests[0].annotations', 'wrong-type')]],
    ['an annotation not a string', (d) => (d.annotations = { k: 1 }), [E('manifests[0].annotations["k"]', 'annotation-not-string')]],
    ['a created annotation not RFC 3339', (d) => (d.annotations = { 'org.opencontainers.image.created': 'today' }), [W('manifests[0].annotations["org.opencontainers.image.created"]', 'invalid-annotation')]],
    ['an empty platform os', (d) => (d.platform.os = ''), [W('manifests[0].platform.os', 'invalid-platform')]],
    ['a null platform variant', (d) => (d.platform.variant = null), [W('manifests[0].platform.variant', 'wrong-type')]],
    ['a platform field spelled in another case', (d) => (d.platform.OS = 'linux'), [W('manifests[0].platform.OS', 'field-case')]],
    ['os.features not strings', (d) => (d.platform['os.features'] = [1]), [E('manifests[0].platform["os.features"][0]', 'invalid-platform')]],
    ['a null artifactType', (d) => (d.artifactType = null), [W('manifests[0].artifactType', 'wrong-type')]],
    ['data of other bytes', (d) => (d.data = 'e30='), [E('manifests[0].data', 'data-mismatch')]],
    ['the empty media type on other content', (d) => (d.mediaType = MediaType.Empty), [W('manifests[0]', 'empty-descriptor'), W('manifests[0].mediaType', 'unexpected-media-type')]],
    ['a sha512 digest', (d) => (d.digest = `sha512:${'ab'.repeat(64)}`), []],
  ];
  for (const [what, change, expected] of cases) {
    it(what, () => {
      const doc = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [edit(plain(), change)] };
      assert.deepEqual(summary(parseDocument(JSON.stringify(doc)).problems), expected.sort());
    });
  }
});

describe('validate: paths and links', () => {
  const paths: Array<[Array<string | number>, string]> = [
    [[], ''],
    [['manifests', 2, 'digest'], 'manifests[2].digest'],
    [['annotations', 'org.x'], 'annotations["org.x"]'],
    [['annotations', 'plain'], 'annotations["plain"]'],
    [['manifests', 0, 'platform', 'os.version'], 'manifests[0].platform["os.version"]'],
    [['layers', 0, 'size'], 'layers[0].size'],
  ];
  for (const [segments, expected] of paths) {
    it(`formats ${JSON.stringify(segments)} as ${JSON.stringify(expected)}`, () => assert.equal(formatPath(segments), expected));
    it(`reads ${JSON.stringify(expected)} back as ${JSON.stringify(segments)}`, () => assert.deepEqual(parsePath(expected), segments));
  }
  it('reads back a key with a quote and a bracket in it, and refuses what formatPath never writes', () => {
    const segments = ['annotations', 'a"]b', 'x'];
    assert.deepEqual(parsePath(formatPath(segments)), segments);
    assert.deepEqual(parsePath('rootfs.diff_ids[0]'), ['rootfs', 'diff_ids', 0]);
    assert.throws(() => parsePath('layers[x]'), /not a JSON path: layers\[x\]/);
  });
  const links: Array<[ProblemCode, string]> = [
    ['invalid-digest', 'descriptor.md#digests'],
    ['duplicate-tag', 'image-layout.md#indexjson-file'],
    ['annotation-not-string', 'annotations.md#rules'],
    ['invalid-platform', 'image-index.md#image-index-property-descriptions'],
    ['missing-artifact-type', 'manifest.md#image-manifest-property-descriptions'],
    ['invalid-json', 'considerations.md#json'],
  ];
  for (const [code, section] of links) {
    it(`links ${code} to ${section}`, () => assert.equal(specLink(code), `https://github.com/opencontainers/image-spec/blob/v1.1.0/${section}`));
  }
});

describe('validate: parseManifestStrict', () => {
  it('returns the typed document', () => {
    const m = parseManifestStrict(JSON.stringify(manifest()), 'manifest');
    assert.equal(m.kind, 'manifest');
    assert.equal(m.manifest?.layers.length, 2);
    assert.equal(m.index, undefined);
    const i = parseManifestStrict(Buffer.from(JSON.stringify(index())));
    assert.equal(i.kind, 'index');
    assert.equal(i.index?.manifests[2]?.platform?.variant, 'v7');
    assert.deepEqual(i.warnings, []);
  });

  it('keeps warnings without throwing', () => {
    const i = parseManifestStrict('{"schemaVersion":2,"manifests":[]}', 'index', 'index.json');
    assert.deepEqual(summary(i.warnings), [W('mediaType', 'missing-media-type')]);
  });

  it('lists each error with its path after where', () => {
    const doc = edit(index(), (m) => {
      m.manifests[2].digest = 'sha256:../../x';
      m.manifests[0].size = -1;
    });
    assert.throws(
      () => parseManifestStrict(JSON.stringify(doc), 'index', 'blob sha256:abc'),
      (e: unknown) =>
        isOciError(e, 'INVALID_MANIFEST') &&
        e.message.startsWith('blob sha256:abc: ') &&
        e.message.includes('manifests[2].digest: invalid digest "sha256:../../x"') &&
        e.message.includes('manifests[0].size: size -1 is not a non-negative integer'),
    );
  });

  it('refuses the other kind', () => {
    assert.throws(() => parseManifestStrict(JSON.stringify(index()), 'manifest', 'tag v1'), (e: unknown) => isOciError(e, 'INVALID_MANIFEST') && /^tag v1: .*image index where an image manifest is required/.test(e.message));
    assert.throws(() => parseManifestStrict(JSON.stringify(manifest()), 'index'), (e: unknown) => isOciError(e, 'INVALID_MANIFEST') && /image manifest where an image index is required/.test(e.message));
  });

  const notManifests: Array<[string, string]> = [
    ['an image config', JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })],
    ['an object', '{"a":1}'],
    ['an array', '[1,2]'],
    ['a number', '42'],
    ['not JSON', 'PK\u0003\u0004'],
  ];
  for (const [name, text] of notManifests) {
    it(`says ${name} is not a manifest`, () => {
      assert.throws(() => parseManifestStrict(text, undefined, 'blob x'), (e: unknown) => isOciError(e, 'INVALID_MANIFEST') && e.message.startsWith('blob x is not a manifest'));
    });
  }

  it('lists at most ten errors', () => {
    const doc = edit(index(), (m) => {
      m.manifests = Array.from({ length: 25 }, () => ({ mediaType: MediaType.ImageManifest, digest: 'bad', size: 1 }));
    });
    assert.throws(() => parseManifestStrict(JSON.stringify(doc)), (e: unknown) => isOciError(e) && e.message.endsWith('and 15 more') && e.message.split('invalid digest').length === 11);
  });
});

describe('validate: speed', () => {
  it('validates an index of 1,000 manifests (timing printed, not asserted)', () => {
    const big = {
      schemaVersion: 2,
      mediaType: MediaType.ImageIndex,
      manifests: Array.from({ length: 1000 }, (_, i) => ({
        mediaType: MediaType.ImageManifest,
        digest: digestOf(Buffer.from(String(i))),
        size: 400 + i,
        annotations: { [REF]: `tag-${i}`, 'org.opencontainers.image.created': '2025-01-01T00:00:00Z' },
        platform: { architecture: i % 2 ? 'arm64' : 'amd64', os: 'linux' },
      })),
    };
    const raw = Buffer.from(JSON.stringify(big));
    const times: number[] = [];
    for (let r = 0; r < 20; r++) {
      const start = performance.now();
      assert.deepEqual(parseDocument(raw).problems, []);
      times.push(performance.now() - start);
    }
    const first = times[0]!;
    const median = times.sort((a, b) => a - b)[10]!;
    console.log(`      validate: 1,000-manifest index (${raw.length} bytes): first run ${first.toFixed(1)} ms, median ${median.toFixed(1)} ms`);
  });
});

describe('validate: peer layouts', () => {
  if (!existsSync(PEER_LAYOUTS)) {
    console.log(`NOTE validate: ${PEER_LAYOUTS} is missing; the peer-layout checks are not registered.`);
    return;
  }
  const layouts = readdirSync(PEER_LAYOUTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  it('finds the peer layouts', () => assert.ok(layouts.length >= 3, layouts.join(', ')));
  for (const layout of layouts) {
    it(`${layout}: every index and manifest passes without errors`, () => {
      const dir = join(PEER_LAYOUTS, layout);
      const counts = { index: 0, manifest: 0, other: 0 };
      const indexJson = parseManifestStrict(readFileSync(join(dir, 'index.json')), 'index', `${layout}/index.json`);
      assert.equal(indexJson.kind, 'index');
      for (const algorithm of readdirSync(join(dir, 'blobs'))) {
        for (const hex of readdirSync(join(dir, 'blobs', algorithm))) {
          const raw = readFileSync(join(dir, 'blobs', algorithm, hex));
          const doc = parseDocument(raw);
          if (doc.kind === 'unknown') {
            // Layers, configs and other blobs: nothing to check, but each must have said why.
            assert.ok(doc.problems.some((p) => ['invalid-json', 'wrong-type', 'not-a-manifest'].includes(p.code)), `${layout} ${hex}`);
            counts.other++;
            continue;
          }
          counts[doc.kind]++;
          const errors = doc.problems.filter((p) => p.severity === 'error');
          assert.deepEqual(errors, [], `${layout} ${algorithm}:${hex}`);
          parseManifestStrict(raw, doc.kind, `${layout} ${hex}`);
        }
      }
      console.log(`      ${layout}: ${counts.index} indexes, ${counts.manifest} manifests valid; ${counts.other} other blobs (not manifests)`);
      assert.ok(counts.index + counts.manifest > 0);
    });
  }
});
