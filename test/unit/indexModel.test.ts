import { strict as assert } from 'node:assert';
import { applyEdits } from 'jsonc-parser';
import type { Descriptor, ImageIndex, Platform } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex } from '../../src/oci/encoding/goJson';
import { applyIntent, detectStyle, editsFor, indexModel, type EditIntent } from '../../src/oci/indexDocument';
import { MediaType } from '../../src/oci/mediaType';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const REF = 'org.opencontainers.image.ref.name';

function child(c: string, architecture: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: MediaType.ImageManifest, digest: D(c), size: 400 + c.charCodeAt(0), platform: { architecture, os: 'linux' }, ...extra };
}

function index(children: Descriptor[], annotations?: Record<string, string>): ImageIndex {
  const doc: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: children };
  if (annotations) doc.annotations = annotations;
  return doc;
}

const twoChildren = () => index([child('a', 'amd64'), child('b', 'arm64')]);
/** What oras stores: Go's compact encoding. */
const compact = (doc: ImageIndex) => encodeIndex(doc).toString('utf8');
/** What most hand-written files look like: two-space indentation, plain escapes (and key order as oras's). */
const pretty = (doc: ImageIndex) => JSON.stringify(JSON.parse(compact(doc)), null, 2) + '\n';

describe('indexModel: rows from the text', () => {
  it('reads each manifest as a row, with platform text, annotations and offsets', () => {
    const text = pretty(index([child('a', 'amd64'), child('b', 'arm', { platform: { architecture: 'arm', os: 'linux', variant: 'v7' }, annotations: { [REF]: 'v1' }, artifactType: 'application/x.t' })], { team: 'core' }));
    const m = indexModel(text);
    assert.equal(m.kind, 'index');
    assert.equal(m.syntaxError, false);
    assert.deepEqual(m.annotations, { team: 'core' });
    assert.deepEqual(
      m.rows.map((r) => [r.index, r.digest, r.size, r.platformText, r.artifactType, r.annotations]),
      [
        [0, D('a'), 497, 'linux/amd64', undefined, {}],
        [1, D('b'), 498, 'linux/arm/v7', 'application/x.t', { [REF]: 'v1' }],
      ],
    );
    for (const r of m.rows) assert.equal(JSON.parse(text.slice(r.offset, r.offset + r.length)).digest, r.digest);
  });

  it('shows the digest and size of the text as it is', () => {
    const text = compact(twoChildren());
    const m = indexModel(text);
    assert.equal(m.digest, digestOf(Buffer.from(text)));
    assert.equal(m.size, Buffer.byteLength(text));
    // One byte more is another document.
    assert.notEqual(indexModel(text + '\n').digest, m.digest);
  });

  it('follows edits typed in the text', () => {
    const text = pretty(twoChildren());
    const typed = text.replace('"arm64"', '"riscv64"').replace(`"${D('a')}"`, `"${D('e')}"`);
    const rows = indexModel(typed).rows;
    assert.deepEqual(rows.map((r) => [r.digest, r.platformText]), [[D('e'), 'linux/amd64'], [D('b'), 'linux/riscv64']]);
  });

  it('keeps reading what it can of text that is not JSON yet, and says so', () => {
    const text = pretty(twoChildren());
    const broken = text.replace('"size": 498', '"size": ');
    const m = indexModel(broken);
    assert.equal(m.syntaxError, true);
    assert.equal(m.rows.length, 2);
    assert.equal(m.rows[0]!.digest, D('a'));
    assert.throws(() => editsFor(broken, { type: 'removeRow', row: 0 }), /not valid JSON/);
  });

  it('tells an index from a manifest and from other JSON', () => {
    assert.equal(indexModel('{"schemaVersion":2,"manifests":[]}').kind, 'index');
    assert.equal(indexModel(`{"schemaVersion":2,"mediaType":"${MediaType.ImageManifest}","config":{},"layers":[]}`).kind, 'manifest');
    assert.equal(indexModel('{"name":"x"}').kind, 'other');
    assert.equal(indexModel('[1]').kind, 'other');
  });

  it('rows tolerate entries that are not descriptors', () => {
    const m = indexModel('{"schemaVersion":2,"manifests":[1,{"digest":7,"platform":{"os":"linux"}}]}');
    assert.deepEqual(m.rows.map((r) => [r.digest, r.platform, r.annotations]), [[undefined, undefined, {}], [undefined, undefined, {}]]);
  });
});

describe('indexModel: style of the text', () => {
  it('detects compact, indentation and line ends', () => {
    assert.deepEqual(detectStyle('{"a":1}'), { compact: true, indent: '  ', eol: '\n' });
    assert.deepEqual(detectStyle('{\n    "a": 1\n}\n'), { compact: false, indent: '    ', eol: '\n' });
    assert.deepEqual(detectStyle('{\r\n\t"a": 1\r\n}'), { compact: false, indent: '\t', eol: '\r\n' });
  });
});

const arm: Descriptor = { mediaType: MediaType.ImageManifest, digest: D('c'), size: 7, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } };
const armv7: Platform = { os: 'linux', architecture: 'arm', variant: 'v7' };

/** [title, document, intent, the document as it should be after]: the text is compared with what oras would write. */
const cases: Array<[string, ImageIndex, EditIntent, ImageIndex]> = [
  ['add a manifest at the end', twoChildren(), { type: 'addManifests', descriptors: [arm] }, index([child('a', 'amd64'), child('b', 'arm64'), arm])],
  ['add a manifest first', twoChildren(), { type: 'addManifests', descriptors: [arm], at: 0 }, index([arm, child('a', 'amd64'), child('b', 'arm64')])],
  ['add a manifest in between', twoChildren(), { type: 'addManifests', descriptors: [arm], at: 1 }, index([child('a', 'amd64'), arm, child('b', 'arm64')])],
  ['add to an empty index', index([]), { type: 'addManifests', descriptors: [arm] }, index([arm])],
  ['add two manifests in between', twoChildren(), { type: 'addManifests', descriptors: [arm, child('d', 's390x')], at: 1 }, index([child('a', 'amd64'), arm, child('d', 's390x'), child('b', 'arm64')])],
  ['add two to an empty index', index([]), { type: 'addManifests', descriptors: [arm, child('d', 's390x')] }, index([arm, child('d', 's390x')])],
  ['remove the first row', twoChildren(), { type: 'removeRow', row: 0 }, index([child('b', 'arm64')])],
  ['remove the last row', twoChildren(), { type: 'removeRow', row: 1 }, index([child('a', 'amd64')])],
  ['remove the only row', index([arm]), { type: 'removeRow', row: 0 }, index([])],
  ['move a row down', twoChildren(), { type: 'moveRow', from: 0, to: 1 }, index([child('b', 'arm64'), child('a', 'amd64')])],
  [
    'move a row across others',
    index([child('a', 'amd64'), child('b', 'arm64'), arm]),
    { type: 'moveRow', from: 2, to: 0 },
    index([arm, child('a', 'amd64'), child('b', 'arm64')]),
  ],
  ['change a platform', twoChildren(), { type: 'setPlatform', row: 1, platform: armv7 }, index([child('a', 'amd64'), child('b', 'arm', { platform: armv7 })])],
  [
    'set a platform where there was none (in field order, before artifactType)',
    index([{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 1, artifactType: 'application/x.t' }]),
    { type: 'setPlatform', row: 0, platform: { architecture: 'amd64', os: 'linux' } },
    index([{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 1, platform: { architecture: 'amd64', os: 'linux' }, artifactType: 'application/x.t' }]),
  ],
  [
    'remove a platform',
    twoChildren(),
    { type: 'setPlatform', row: 0 },
    index([{ mediaType: MediaType.ImageManifest, digest: D('a'), size: 497 }, child('b', 'arm64')]),
  ],
  [
    'annotate a row that had none (annotations before platform)',
    twoChildren(),
    { type: 'setAnnotation', row: 0, key: 'b.key', value: 'x & y <z>' },
    index([child('a', 'amd64', { annotations: { 'b.key': 'x & y <z>' } }), child('b', 'arm64')]),
  ],
  [
    'add an annotation in sorted place',
    index([child('a', 'amd64', { annotations: { 'a.key': '1', 'c.key': '3' } })]),
    { type: 'setAnnotation', row: 0, key: 'b.key', value: '2' },
    index([child('a', 'amd64', { annotations: { 'a.key': '1', 'b.key': '2', 'c.key': '3' } })]),
  ],
  [
    'change an annotation',
    index([child('a', 'amd64', { annotations: { 'a.key': '1', 'c.key': '3' } })]),
    { type: 'setAnnotation', row: 0, key: 'c.key', value: 'three' },
    index([child('a', 'amd64', { annotations: { 'a.key': '1', 'c.key': 'three' } })]),
  ],
  [
    'remove an annotation',
    index([child('a', 'amd64', { annotations: { 'a.key': '1', 'c.key': '3' } })]),
    { type: 'removeAnnotation', row: 0, key: 'a.key' },
    index([child('a', 'amd64', { annotations: { 'c.key': '3' } })]),
  ],
  [
    'remove the last annotation of a row (the map goes too)',
    index([child('a', 'amd64', { annotations: { 'a.key': '1' } })]),
    { type: 'removeAnnotation', row: 0, key: 'a.key' },
    index([child('a', 'amd64')]),
  ],
  ['annotate the index', twoChildren(), { type: 'setAnnotation', key: 'org.opencontainers.image.created', value: '2026-01-01T00:00:00Z' }, index([child('a', 'amd64'), child('b', 'arm64')], { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' })],
  ['change an index annotation', index([], { a: '1', b: '2' }), { type: 'setAnnotation', key: 'a', value: 'one' }, index([], { a: 'one', b: '2' })],
  ['remove an index annotation', index([], { a: '1', b: '2' }), { type: 'removeAnnotation', key: 'b' }, index([], { a: '1' })],
  ['remove the only index annotation', index([arm], { a: '1' }), { type: 'removeAnnotation', key: 'a' }, index([arm])],
  ['set a size (quick fix)', twoChildren(), { type: 'setField', at: ['manifests', 1], field: 'size', value: 12 }, index([child('a', 'amd64'), child('b', 'arm64', { size: 12 })])],
];

describe('indexModel: each edit intent, on compact text (as stored), gives the bytes oras would write', () => {
  for (const [title, before, intent, after] of cases) {
    it(title, () => {
      assert.equal(applyIntent(compact(before), intent), compact(after));
    });
  }
});

describe('indexModel: each edit intent, on indented text, gives that text indented alike', () => {
  for (const [title, before, intent, after] of cases) {
    it(title, () => {
      assert.equal(applyIntent(pretty(before), intent), pretty(after));
    });
  }

  it('keeps four-space indentation, CRLF and a key order of its own', () => {
    const text = '{\r\n    "manifests": [\r\n        {\r\n            "digest": "' + D('a') + '",\r\n            "size": 1,\r\n            "mediaType": "' + MediaType.ImageManifest + '"\r\n        }\r\n    ],\r\n    "schemaVersion": 2\r\n}';
    const out = applyIntent(text, { type: 'setPlatform', row: 0, platform: { architecture: 'amd64', os: 'linux' } });
    assert.equal(
      out,
      text.replace(
        `"${MediaType.ImageManifest}"\r\n`,
        `"${MediaType.ImageManifest}",\r\n            "platform": {\r\n                "architecture": "amd64",\r\n                "os": "linux"\r\n            }\r\n`,
      ),
    );
  });

  it('keeps a one-line platform on one line', () => {
    const text = '{\n  "manifests": [\n    {"digest": "x", "platform": {"os": "linux", "architecture": "amd64"}}\n  ]\n}\n';
    const out = applyIntent(text, { type: 'setField', at: ['manifests', 0, 'platform'], field: 'variant', value: 'v2' });
    assert.equal(out, text.replace('"architecture": "amd64"}', '"architecture": "amd64", "variant": "v2"}'));
  });

  it('adds the missing manifests list and mediaType where the spec puts them', () => {
    assert.equal(applyIntent('{"schemaVersion":2}', { type: 'addManifests', descriptors: [arm] }), compact(index([arm])).replace(`,"mediaType":"${MediaType.ImageIndex}"`, ''));
    const out = applyIntent('{\n  "schemaVersion": 2,\n  "manifests": []\n}', { type: 'setField', at: [], field: 'mediaType', value: MediaType.ImageIndex });
    assert.equal(out, `{\n  "schemaVersion": 2,\n  "mediaType": "${MediaType.ImageIndex}",\n  "manifests": []\n}`);
  });
});

describe('indexModel: edits are minimal', () => {
  const removed = (text: string, intent: EditIntent) => editsFor(text, intent).map((e) => [text.slice(e.offset, e.offset + e.length), e.content]);

  it('a removal takes the entry and one separator, nothing else', () => {
    const text = pretty(index([child('a', 'amd64'), child('b', 'arm64'), arm]));
    const [[gone, content]] = removed(text, { type: 'removeRow', row: 1 }) as [[string, string]];
    assert.equal(content, '');
    assert.match(gone, /^\{\n[^]*\},\n {4}$/);
    assert.equal(JSON.parse(`[${gone.trim().replace(/,$/, '')}]`)[0].digest, D('b'));
  });

  it('an addition inserts without touching the text around it', () => {
    const text = pretty(twoChildren());
    const edits = editsFor(text, { type: 'addManifests', descriptors: [arm] });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.length, 0);
  });

  it('a move of neighbours swaps two entries; a move back restores the text', () => {
    const text = pretty(index([child('a', 'amd64'), child('b', 'arm64'), arm]));
    const edits = editsFor(text, { type: 'moveRow', from: 1, to: 2 });
    assert.equal(edits.length, 2);
    const moved = applyEdits(text, edits);
    assert.equal(applyIntent(moved, { type: 'moveRow', from: 2, to: 1 }), text);
    assert.deepEqual(editsFor(text, { type: 'moveRow', from: 1, to: 1 }), []);
  });

  it('an annotation value change replaces just the value', () => {
    const text = compact(index([child('a', 'amd64', { annotations: { k: 'old' } })]));
    assert.deepEqual(removed(text, { type: 'setAnnotation', row: 0, key: 'k', value: 'new' }), [['"old"', '"new"']]);
  });

  it('removing what is not there changes nothing', () => {
    const text = compact(twoChildren());
    assert.deepEqual(editsFor(text, { type: 'removeAnnotation', row: 0, key: 'nope' }), []);
    assert.deepEqual(editsFor(text, { type: 'removeAnnotation', key: 'nope' }), []);
  });
});

describe('indexModel: refusals', () => {
  const text = compact(twoChildren());
  for (const [title, intent, message] of [
    ['a row that is not there', { type: 'removeRow', row: 5 }, /manifests\[5\]/],
    ['a move out of range', { type: 'moveRow', from: 0, to: 2 }, /cannot move/],
    ['a platform without os', { type: 'setPlatform', row: 0, platform: { architecture: 'amd64', os: '' } }, /os and an architecture/],
    ['an annotation without key', { type: 'setAnnotation', key: '', value: 'x' }, /needs a key/],
  ] as Array<[string, EditIntent, RegExp]>) {
    it(title, () => assert.throws(() => editsFor(text, intent), message));
  }
});

describe('indexModel: random sequences of intents keep the JSON equal to the same changes made to the value', () => {
  // A small deterministic generator: the same sequences on every run.
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (const style of ['compact', 'pretty'] as const) {
    it(style, () => {
      for (let round = 0; round < 30; round++) {
        const model = index([child('a', 'amd64'), child('b', 'arm64')]);
        let text = style === 'compact' ? compact(model) : pretty(model);
        for (let step = 0; step < 12; step++) {
          const n = model.manifests.length;
          const pick = rand(6);
          let intent: EditIntent;
          if (pick === 0 || n === 0) {
            const d = child(String.fromCharCode(99 + rand(3)), ['s390x', 'ppc64le'][rand(2)]!);
            const at = rand(n + 1);
            intent = { type: 'addManifests', descriptors: [d], at };
            model.manifests.splice(at, 0, d);
          } else if (pick === 1) {
            const row = rand(n);
            intent = { type: 'removeRow', row };
            model.manifests.splice(row, 1);
          } else if (pick === 2) {
            const from = rand(n);
            const to = rand(n);
            intent = { type: 'moveRow', from, to };
            model.manifests.splice(to, 0, ...model.manifests.splice(from, 1));
          } else if (pick === 3) {
            const row = rand(n);
            const key = `k${rand(3)}`;
            intent = { type: 'setAnnotation', row, key, value: `v${step}` };
            model.manifests[row]!.annotations = { ...model.manifests[row]!.annotations, [key]: `v${step}` };
          } else if (pick === 4) {
            const row = rand(n);
            const key = `k${rand(3)}`;
            intent = { type: 'removeAnnotation', row, key };
            const a = { ...model.manifests[row]!.annotations };
            delete a[key];
            model.manifests[row]!.annotations = Object.keys(a).length ? a : undefined;
          } else {
            const key = `i${rand(2)}`;
            intent = { type: 'setAnnotation', key, value: String(step) };
            model.annotations = { ...model.annotations, [key]: String(step) };
          }
          text = applyIntent(text, intent);
          const normalized = JSON.parse(JSON.stringify(model));
          assert.deepEqual(JSON.parse(text), normalized, `${style} round ${round} step ${step}: ${JSON.stringify(intent)}`);
          assert.equal(indexModel(text).rows.length, model.manifests.length);
        }
        if (style === 'compact') assert.equal(text.includes('\n') || text.includes(': '), false, 'compact text stays compact');
      }
    });
  }
});
