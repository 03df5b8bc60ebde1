import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex, type ImageManifest } from '../../src/oci/descriptor';
import { encodeIndex } from '../../src/oci/encoding/goJson';
import {
  applyIntent,
  diagnose,
  locate,
  looksLikeOciDocument,
  kindByName,
  parseText,
  platformContradiction,
  type BlobFacts,
  type Finding,
} from '../../src/oci/indexDocument';
import { MediaType } from '../../src/oci/mediaType';
import type { OciLayoutStore } from '../../src/oci/layout';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { Section } from '../../src/oci/validate';
import { cleanupTemps, makeArtifact, makeIndex, makeMultiArchLayout, pushManifest } from './builders';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const pretty = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
/** The text a finding underlines. */
const marked = (text: string, f: { offset?: number; length?: number }) => text.slice(f.offset!, f.offset! + f.length!);
const codes = (fs: Finding[]) => fs.map((f) => `${f.path} ${f.code}`).sort();

describe('diagnostics: exact ranges', () => {
  const child = { mediaType: MediaType.ImageManifest, digest: D('a'), size: 12, platform: { architecture: 'amd64', os: 'linux' } };
  const cases: Array<[string, string, string]> = [
    ['a size of the wrong type: the value', pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ ...child, size: '12' }] }), '"12"'],
    ['a malformed digest: the value', pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ ...child, digest: 'sha256:xyz' }] }), '"sha256:xyz"'],
    ['a missing size: the entry, by its digest', pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ mediaType: child.mediaType, digest: D('b') }] }), `"${D('b')}"`],
    ['a missing platform os: the platform key', pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ ...child, platform: { architecture: 'amd64' } }] }), '"platform"'],
    ['an annotation that is not a string: the value', pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [], annotations: { a: 7 } }), '7'],
    ['a misspelt key: the key', pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, Manifests: [], manifests: [] }), '"Manifests"'],
    ['a duplicate key: the second one', `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[],"annotations":{"a":"1","a":"2"}}`, '"a"'],
    ['an unknown mediaType: the value', pretty({ schemaVersion: 2, mediaType: 'application/x.nope', manifests: [] }), '"application/x.nope"'],
  ];
  for (const [title, text, expected] of cases) {
    it(title, async () => {
      const errors = await diagnose(text);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(marked(text, errors[0]!), expected);
      // The second duplicate, not the first.
      if (title.includes('duplicate')) assert.equal(errors[0]!.offset, text.lastIndexOf('"a"'));
    });
  }

  it('invalid JSON: the character where parsing stopped', async () => {
    const text = '{\n  "schemaVersion": 2,\n  "manifests": [}\n';
    const [f] = await diagnose(text);
    assert.equal(f!.code, 'invalid-json');
    assert.equal(marked(text, f!), '}');
  });

  it('a problem of the whole compact document: its first key, not the whole line', () => {
    const text = encodeIndex({ schemaVersion: 2, manifests: Array.from({ length: 3 }, (_, i) => ({ ...child, digest: D(String(i)) })) }).toString();
    const span = locate(parseText(text), { segments: [], code: 'not-a-manifest' });
    assert.equal(marked(text, span), '"schemaVersion"');
  });

  it('every finding has a code and a link into the image spec', async () => {
    const text = pretty({ schemaVersion: 3, manifests: [{ digest: 'x', size: -1, annotations: { a: 1 } }] });
    const found = await diagnose(text);
    assert.ok(found.length >= 4);
    for (const f of found) {
      assert.match(f.link, /^https:\/\/github\.com\/opencontainers\/image-spec\/blob\/v1\.1\.0\/[a-z-]+\.md#/);
      assert.ok(f.offset !== undefined && f.length! > 0, `${f.path} ${f.code} located`);
    }
  });

  it('a missing document mediaType gets the certain fix', async () => {
    const text = pretty({ schemaVersion: 2, manifests: [] });
    const [f] = await diagnose(text);
    assert.equal(f!.code, 'missing-media-type');
    const fixed = applyIntent(text, f!.fix!.intent);
    assert.equal(JSON.parse(fixed).mediaType, MediaType.ImageIndex);
    assert.deepEqual(await diagnose(fixed), []);
  });

  it('an index where a manifest is required', async () => {
    const text = pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] });
    assert.deepEqual(codes(await diagnose(text, { expect: 'manifest' })), [' index-where-manifest-required']);
  });
});

describe('diagnostics: which documents', () => {
  it('by name', () => {
    assert.equal(kindByName('/x/app.oci-index.json'), 'index');
    assert.equal(kindByName('/x/app.oci-manifest.json'), 'manifest');
    assert.equal(kindByName('/x/package.json'), undefined);
  });

  it('by content, also half-typed', () => {
    assert.equal(looksLikeOciDocument(pretty({ schemaVersion: 2, manifests: [] })), true);
    assert.equal(looksLikeOciDocument(`{"schemaVersion": 2, "config": {`), true);
    assert.equal(looksLikeOciDocument(`{"mediaType": "${MediaType.ImageManifest}"`), true);
    assert.equal(looksLikeOciDocument(pretty({ name: 'manifold', version: '1.0.0', config: {} })), false);
    assert.equal(looksLikeOciDocument(pretty({ schemaVersion: 4, $schema: 'x' })), false);
  });
});

describe('diagnostics: platforms', () => {
  const p = (os: string, architecture: string, variant?: string) => ({ os, architecture, ...(variant ? { variant } : {}) });
  for (const [listed, config, field] of [
    [p('linux', 'amd64'), p('linux', 'amd64'), undefined],
    [p('linux', 'aarch64'), p('linux', 'arm64'), undefined],
    [p('linux', 'arm64', 'v8'), p('linux', 'arm64'), undefined],
    [p('linux', 'arm'), p('linux', 'arm', 'v6'), undefined],
    [p('linux', 'arm', 'v7'), p('linux', 'arm', 'v6'), 'variant'],
    [p('linux', 'arm64'), p('linux', 'amd64'), 'architecture'],
    [p('windows', 'amd64'), p('linux', 'amd64'), 'os'],
  ] as const) {
    it(`${JSON.stringify(listed)} against ${JSON.stringify(config)}: ${field ?? 'agree'}`, () => {
      assert.equal(platformContradiction(listed, config), field);
    });
  }
});

describe('diagnostics: layout checks', () => {
  let store: OciLayoutStore;
  let indexDesc: Descriptor;
  let children: Descriptor[];
  let stored: ImageIndex;
  before(async () => {
    ({ store, index: indexDesc, children } = await makeMultiArchLayout());
    stored = JSON.parse((await store.fetchBytes(indexDesc)).toString());
  });
  after(cleanupTemps);

  /** The stored index with one change made to a copy. */
  const variant = (change: (doc: ImageIndex) => void): string => {
    const doc: ImageIndex = structuredClone(stored);
    change(doc);
    return pretty(doc);
  };
  const run = (text: string, layoutIndex = false) => diagnose(text, { layout: store, layoutName: 'test', layoutIndex, expect: 'index' });

  it('the stored index as it is: nothing to say', async () => {
    assert.deepEqual(await run((await store.fetchBytes(indexDesc)).toString()), []);
  });

  it('a child whose blob is missing', async () => {
    const text = variant((d) => (d.manifests[1]!.digest = D('e')));
    const found = await run(text);
    assert.deepEqual(codes(found), ['manifests[1].digest blob-missing']);
    assert.equal(marked(text, found[0]!), `"${D('e')}"`);
    assert.equal(found[0]!.severity, 'error');
  });

  it('a size that differs from the blob, fixed to the blob size', async () => {
    const text = variant((d) => (d.manifests[0]!.size += 3));
    const [f] = await run(text);
    assert.equal(f!.code, 'size-mismatch');
    assert.equal(marked(text, f!), String(children[0]!.size + 3));
    assert.equal(f!.fix!.title, `Set size to ${children[0]!.size}`);
    assert.deepEqual(await run(applyIntent(text, f!.fix!.intent)), []);
  });

  it('a descriptor mediaType of the blob\'s kind in another flavor: a warning naming both types and the digest, fixed to the blob\'s own', async () => {
    for (const layoutIndex of [false, true]) {
      const text = variant((d) => (d.manifests[2]!.mediaType = MediaType.DockerManifest));
      const found = await run(text, layoutIndex);
      assert.deepEqual(
        found.map((f) => [f.path, f.code, f.severity, f.message, f.link]),
        [[
          'manifests[2].mediaType',
          'blob-media-type-flavor',
          'warning',
          `mediaType ${MediaType.DockerManifest} differs from the ${MediaType.ImageManifest} that ${children[2]!.digest} declares: both name an image manifest and its bytes are right, but a client that trusts this descriptor may refuse the document`,
          Section.compatibility,
        ]],
      );
      assert.equal(marked(text, found[0]!), `"${MediaType.DockerManifest}"`);
      assert.equal(found[0]!.fix!.title, `Set mediaType to ${MediaType.ImageManifest}`);
      assert.deepEqual(await run(applyIntent(text, found[0]!.fix!.intent), layoutIndex), []);
    }
  });

  it('an index listed under the Docker list type: the same warning', async () => {
    const inner = await makeIndex(store, [children[0]!]);
    const text = variant((d) => d.manifests.push({ ...inner, mediaType: MediaType.DockerManifestList }));
    const found = await run(text);
    assert.deepEqual(
      found.map((f) => [f.path, f.code, f.severity, f.message]),
      [['manifests[3].mediaType', 'blob-media-type-flavor', 'warning', `mediaType ${MediaType.DockerManifestList} differs from the ${MediaType.ImageIndex} that ${inner.digest} declares: both name an image index and its bytes are right, but a client that trusts this descriptor may refuse the document`]],
    );
  });

  it('a Docker image listed under the OCI type: the same warning, the other way', async () => {
    const docker = await pushManifest(store, { ...(JSON.parse((await store.fetchBytes(children[0]!)).toString()) as ImageManifest), mediaType: MediaType.DockerManifest });
    const text = variant((d) => (d.manifests[0] = { ...d.manifests[0]!, digest: docker.digest, size: docker.size }));
    const found = await run(text);
    assert.deepEqual(found.map((f) => [f.path, f.code, f.severity]), [['manifests[0].mediaType', 'blob-media-type-flavor', 'warning']]);
    assert.match(found[0]!.message, new RegExp(`^mediaType ${MediaType.ImageManifest} differs from the ${MediaType.DockerManifest} that ${docker.digest} declares`.replace(/[.+]/g, '\\$&')));
  });

  it('an image listed under an index type: an error naming both kinds, both types and the digest, fixed to the blob\'s own', async () => {
    for (const layoutIndex of [false, true]) {
      const text = variant((d) => (d.manifests[1]!.mediaType = MediaType.DockerManifestList));
      const found = await run(text, layoutIndex);
      assert.deepEqual(
        found.map((f) => [f.path, f.code, f.severity, f.message, f.link]),
        [[
          'manifests[1].mediaType',
          'blob-media-type-mismatch',
          'error',
          `mediaType ${MediaType.DockerManifestList} names an image index, but ${children[1]!.digest} is an image manifest (it declares ${MediaType.ImageManifest}): a client reads it as the wrong kind of document`,
          Section.descriptor,
        ]],
      );
      assert.deepEqual(await run(applyIntent(text, found[0]!.fix!.intent), layoutIndex), []);
    }
  });

  it('a missing descriptor mediaType: the validator\'s error gets the fix from the blob', async () => {
    const text = variant((d) => delete (d.manifests[0] as Partial<Descriptor>).mediaType);
    const found = await run(text);
    assert.deepEqual(codes(found), ['manifests[0].mediaType missing-field']);
    assert.equal(found[0]!.fix!.title, `Add mediaType ${MediaType.ImageManifest}`);
    const fixed = applyIntent(text, found[0]!.fix!.intent);
    assert.deepEqual(Object.keys(JSON.parse(fixed).manifests[0]), ['mediaType', 'digest', 'size', 'platform'], 'in field order');
    assert.deepEqual(await run(fixed), []);
  });

  it('a platform that contradicts the config, fixed from the config', async () => {
    const text = variant((d) => (d.manifests[0]!.platform = { architecture: 'arm64', os: 'linux' }));
    const found = await run(text);
    // Two entries now claim linux/arm64: the later one is flagged too.
    assert.deepEqual(codes(found).sort(), ['manifests[0].platform platform-mismatch', 'manifests[1].platform duplicate-platform']);
    const f = found.find((x) => x.code === 'platform-mismatch');
    assert.equal(f!.code, 'platform-mismatch');
    assert.match(f!.message, /linux\/arm64 contradicts the image's config \(linux\/amd64\)/);
    assert.equal(marked(text, f!), '"platform"');
    const fixed = applyIntent(text, f!.fix!.intent);
    assert.deepEqual(JSON.parse(fixed).manifests[0].platform, { architecture: 'amd64', os: 'linux' });
    assert.deepEqual(await run(fixed), []);
  });

  it('an image listed without its platform: a warning with the fix, not in a layout\'s index.json', async () => {
    const text = variant((d) => delete d.manifests[2]!.platform);
    const [f] = await run(text);
    assert.equal(f!.code, 'missing-platform');
    assert.equal(f!.severity, 'warning');
    assert.equal(marked(text, f!), `"${children[2]!.digest}"`);
    assert.deepEqual(JSON.parse(applyIntent(text, f!.fix!.intent)).manifests[2].platform, { architecture: 'arm', os: 'linux', variant: 'v7' });
    assert.deepEqual(await run(text, true), []);
  });

  it('an artifact child: no platform expected', async () => {
    const artifact = await makeArtifact(store, { artifactType: 'application/vnd.example.sbom' });
    const text = variant((d) => d.manifests.push({ mediaType: artifact.mediaType, digest: artifact.digest, size: artifact.size, artifactType: 'application/vnd.example.sbom' }));
    assert.deepEqual(await run(text), []);
  });

  it('a layout\'s index.json with a tag twice: the second one', async () => {
    const entries = await store.entries();
    const doc = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [...entries, { ...children[0]!, annotations: { [ANNOTATION_REF_NAME]: 'multi' } }] };
    const text = pretty(doc);
    const found = await run(text, true);
    assert.deepEqual(codes(found), [`manifests[${entries.length}].annotations["${ANNOTATION_REF_NAME}"] duplicate-tag`]);
    assert.equal(marked(text, found[0]!), '"multi"');
    assert.equal(found[0]!.offset, text.lastIndexOf('"multi"'));
  });

  it('a manifest whose config blob is missing', async () => {
    const manifest = JSON.parse((await store.fetchBytes(children[0]!)).toString());
    manifest.config.digest = D('f');
    const text = pretty(manifest);
    assert.deepEqual(codes(await diagnose(text, { layout: store })), ['config.digest blob-missing']);
  });

  it('reads each blob once across runs when given a cache', async () => {
    let reads = 0;
    const counting: ReadOnlyTarget = Object.create(store, {
      fetchBytes: { value: (d: Descriptor, o?: object) => (reads++, store.fetchBytes(d, o)) },
    });
    const cache = new Map<string, BlobFacts>();
    const text = pretty(stored);
    await diagnose(text, { layout: counting, cache });
    const first = reads;
    assert.ok(first >= 3, `read ${first}`);
    await diagnose(text, { layout: counting, cache });
    assert.equal(reads, first);
  });

  it('without deep checks, only presence and size: no blob is read', async () => {
    let reads = 0;
    const counting: ReadOnlyTarget = Object.create(store, {
      fetchBytes: { value: (d: Descriptor, o?: object) => (reads++, store.fetchBytes(d, o)) },
    });
    const text = variant((d) => {
      d.manifests[0]!.platform = { architecture: 'arm64', os: 'linux' };
      d.manifests[1]!.size += 1;
      d.manifests[2]!.digest = D('e');
    });
    const found = await diagnose(text, { layout: counting, deep: false });
    assert.deepEqual(codes(found), ['manifests[1].platform duplicate-platform', 'manifests[1].size size-mismatch', 'manifests[2].digest blob-missing']);
    assert.equal(reads, 0);
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(diagnose(pretty(stored), { layout: store, signal: abort.signal }));
  });
});

describe('diagnostics: speed', () => {
  it('an index of 1,000 manifests, 143 of them wrong (timing printed; asserted only against blow-ups)', async () => {
    const manifests = Array.from({ length: 1000 }, (_, i) => ({
      mediaType: MediaType.ImageManifest,
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      size: 500 + i,
      platform: { architecture: i % 2 ? 'arm64' : 'amd64', os: 'linux' },
      annotations: { [ANNOTATION_REF_NAME]: `t${i}`, n: i % 7 === 0 ? 7 : 'x' },
    }));
    const text = pretty({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests });
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      const found = await diagnose(text);
      times.push(performance.now() - t0);
      assert.equal(found.length, 143);
    }
    const median = times.sort((a, b) => a - b)[3]!;
    console.log(`      diagnose: 1,000-manifest index (${text.length} chars, 143 findings located): median ${median.toFixed(1)} ms`);
    assert.ok(median < 2000, `${median.toFixed(1)} ms`);
  });
});
