import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { encodeIndex } from '../../src/oci/encoding/goJson';
import { encodeIndexJson, parseIndexJson } from '../../src/oci/layout';
import { indexJsonPartsFrom } from '../../src/oci/layout/indexSplice';
import { MediaType } from '../../src/oci/mediaType';
import { PEER_LAYOUTS, describePeer } from './builders';

const D = 'sha256:' + 'ab'.repeat(32);
const base = (extra: Record<string, unknown> = {}): Descriptor => ({ mediaType: MediaType.ImageManifest, digest: D, size: 12, ...extra }) as Descriptor;

// Descriptors JSON.stringify writes as Go does, and ones where it does not (each must still come out as Go writes it).
const CASES: Array<[string, Descriptor]> = [
  ['plain', base()],
  ['a tag', base({ annotations: { 'org.opencontainers.image.ref.name': 'v1' } })],
  ['sorted annotations', base({ annotations: { a: '1', b: '2', c: '' } })],
  ['unsorted annotations', base({ annotations: { b: '2', a: '1' } })],
  ['integer-like annotation keys', base({ annotations: { '10': 'x', '9': 'y', a: 'z' } })],
  ['empty annotations', base({ annotations: {} })],
  ['an empty annotation key', base({ annotations: { '': 'x' } })],
  ['HTML characters', base({ annotations: { 'x<y': 'a&b>c' } })],
  ['a quote and a backslash', base({ annotations: { q: 'say "hi" \\ bye' } })],
  ['control characters', base({ annotations: { c: 'tab\there\u0001' } })],
  ['line separators', base({ annotations: { l: 'a\u2028b\u2029' } })],
  ['astral and lone surrogates', base({ annotations: { '\u{1F600}': 'x', '\uffff': 'y', s: 'lone \ud800' } })],
  ['non-ASCII', base({ annotations: { 'ü': 'ñ', z: 'é' } })],
  ['a platform', base({ platform: { architecture: 'arm', os: 'linux', variant: 'v7' } })],
  ['a platform with os.version', base({ platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.1' } })],
  ['a platform with features', base({ platform: { architecture: 'amd64', os: 'linux', 'os.features': ['a'], features: ['b'] } as never })],
  ['a platform with empty fields', base({ platform: { architecture: '', os: 'linux', variant: '', 'os.version': '' } })],
  ['a platform in another key order', base({ platform: { os: 'linux', architecture: 'amd64' } })],
  ['an artifact type', base({ artifactType: 'application/example' })],
  ['an empty artifact type', base({ artifactType: '' })],
  ['urls', base({ urls: ['https://example.com/x'] })],
  ['empty urls', base({ urls: [] })],
  ['data', base({ data: 'e30=' })],
  ['unknown fields', base({ extra: 'dropped' })],
  ['undefined and null fields', base({ annotations: undefined, platform: null, artifactType: undefined })],
  ['fields in another order', { size: 12, digest: D, mediaType: MediaType.ImageManifest } as Descriptor],
  ['an empty media type', base({ mediaType: '' })],
  ['a large size', base({ size: 2 ** 40 })],
  ['size zero', base({ size: 0 })],
  ['a platform without an architecture', base({ platform: { os: 'linux' } as never })],
  ['a negative size', base({ size: -1 })],
  ['annotations with an inherited key', base({ annotations: Object.assign(Object.create({ inherited: 'x' }) as Record<string, string>, { a: '1' }) })],
  ['a descriptor of another class', Object.assign(Object.create({ extra: 'x' }) as Descriptor, base())],
];

function index(manifests: Descriptor[], extra: Partial<ImageIndex> = {}): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests, ...extra };
}

describe('layout: index.json encoding', () => {
  for (const [what, desc] of CASES) {
    it(`writes a descriptor with ${what} as Go does`, () => {
      const doc = index([base(), desc, base({ annotations: { 'org.opencontainers.image.ref.name': 'last' } })]);
      assert.equal(encodeIndexJson(doc).toString('utf8'), encodeIndex(doc).toString('utf8'));
    });
  }

  it('writes the document around the list as Go does', () => {
    const docs: ImageIndex[] = [
      index([]),
      { schemaVersion: 2, manifests: [base()] },
      index([base()], { artifactType: 'application/x "manifests":[]', annotations: { b: '<', a: '' }, subject: base() }),
      { schemaVersion: 2, manifests: null as never },
    ];
    for (const doc of docs) assert.equal(encodeIndexJson(doc).toString('utf8'), encodeIndex(doc).toString('utf8'));
  });

  it('keeps a parsed index.json of many tags byte for byte', () => {
    const manifests = Array.from({ length: 2000 }, (_, i) =>
      base({ digest: `sha256:${i.toString(16).padStart(64, '0')}`, size: i, annotations: { 'org.opencontainers.image.ref.name': `tag-${i}` }, ...(i % 3 === 0 ? { platform: { architecture: 'amd64', os: 'linux' } } : {}) }),
    );
    const bytes = encodeIndex(index(manifests));
    assert.ok(encodeIndexJson(parseIndexJson(bytes, 'index.json')).equals(bytes));
  });

  describePeer('peer layouts', () => {
    it('writes each peer index.json as Go does', () => {
      for (const name of readdirSync(PEER_LAYOUTS)) {
        let raw: Buffer;
        try {
          raw = readFileSync(join(PEER_LAYOUTS, name, 'index.json'));
        } catch {
          continue;
        }
        const doc = parseIndexJson(raw, name);
        assert.ok(encodeIndexJson(doc).equals(encodeIndex(doc)), name);
      }
    });
  });
});

describe('layout: index.json rewritten from the bytes read', () => {
  const named = (i: number, extra: Record<string, unknown> = {}): Descriptor =>
    base({ digest: `sha256:${i.toString(16).padStart(64, '0')}`, size: i, annotations: { 'org.opencontainers.image.ref.name': `tag-${i}` }, ...extra });
  // Changes a tag, untag or delete make, and more: entries kept (the same objects), dropped, added, moved, repeated.
  const changes: Array<[string, (list: Descriptor[]) => Descriptor[]]> = [
    ['nothing', (l) => [...l]],
    ['one entry added at the end', (l) => [...l, named(9999)]],
    ['entries added at the end', (l) => [...l, named(9998), named(9999), base({ data: 'e30=' })]],
    ['entries added between kept ones', (l) => l.flatMap((d, i) => (i % 7 === 0 ? [named(9000 + i), named(9500 + i), d] : [d]))],
    ['a kept entry again after the new ones at the end', (l) => (l.length > 1 ? [...l.slice(1), named(9999), l[0]!] : l)],
    ['one entry replaced in place', (l) => l.map((d, i) => (i === 3 ? named(3, { platform: { architecture: 'arm', os: 'linux', variant: 'v7' } }) : d))],
    ['entries removed', (l) => l.filter((_, i) => i % 3 !== 0)],
    ['entries reordered', (l) => [...l].reverse()],
    ['an entry twice', (l) => (l.length > 0 ? [...l, l[0]!] : l)],
    ['everything replaced', (l) => l.map((d) => ({ ...d }))],
    ['all removed', () => []],
    ['odd entries added', (l) => [named(1, { annotations: { b: '2', a: '<' } }), ...l, base({ urls: ['https://x'] }), base({ data: 'e30=' })]],
  ];
  const bases: Array<[string, () => Buffer]> = [
    ['a Go-encoded index.json', () => encodeIndex(index(Array.from({ length: 40 }, (_, i) => named(i, i % 4 === 0 ? { platform: { architecture: 'amd64', os: 'linux' } } : i % 5 === 0 ? { artifactType: 'application/x' } : {}))))],
    ['several annotations, sorted', () => encodeIndex(index([named(1, { annotations: { a: '1', b: '2' } }), named(2)]))],
    ['several annotations, not sorted', () => Buffer.from(`{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"${D}","size":1,"annotations":{"b":"2","a":"1"}},${JSON.stringify(named(2))}]}`)],
    ['an annotation key written twice', () => Buffer.from(`{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"${D}","size":1,"annotations":{"a":"1","a":"2"}},${JSON.stringify(named(2))}]}`)],
    ['indented', () => Buffer.from(JSON.stringify(index([named(1), named(2)]), null, 2))],
    ['fields in another order', () => Buffer.from(`{"schemaVersion":2,"manifests":[{"digest":"${D}","mediaType":"m","size":1},${JSON.stringify(named(2))}]}`)],
    ['an unknown field', () => Buffer.from(`{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"${D}","size":1,"x":1},${JSON.stringify(named(2))}]}`)],
    ['an unknown top-level field', () => Buffer.from(`{"schemaVersion":2,"x":1,"manifests":[${JSON.stringify(named(1))}]}`)],
    ['escapes and non-ASCII', () => Buffer.from(`{"schemaVersion":2,"manifests":[${JSON.stringify(named(1, { annotations: { q: 'a"b', u: 'é', h: '<' } }))},${JSON.stringify(named(2))}]}`)],
    ['a size of 16 digits', () => Buffer.from(`{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"${D}","size":9007199254740991},${JSON.stringify(named(2))}]}`)],
    ['an empty artifactType', () => Buffer.from(`{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"${D}","size":1,"artifactType":""},${JSON.stringify(named(2))}]}`)],
    ['index annotations and a subject', () => encodeIndex(index([named(1), named(2)], { annotations: { z: '1' }, subject: named(3), artifactType: 'application/y' }))],
    ['manifests null', () => Buffer.from('{"schemaVersion":2,"manifests":null}')],
    ['non-ASCII in the index annotations', () => encodeIndex(index([named(1), named(2)], { annotations: { z: 'é€' } }))],
    ['a trailing newline', () => Buffer.concat([encodeIndex(index([named(1), named(2)])), Buffer.from('\n')])],
  ];
  for (const [what, raw] of bases) {
    it(`writes what encodeIndexJson writes, from ${what}`, () => {
      const bytes = raw();
      const parsed = parseIndexJson(bytes, 'index.json');
      for (const [change, apply] of changes) {
        const next: ImageIndex = { ...parsed, manifests: apply(parsed.manifests) };
        const expected = encodeIndexJson(next).toString('utf8');
        assert.equal(Buffer.concat(indexJsonPartsFrom(next, { raw: bytes, index: parsed })).toString('utf8'), expected, change);
        assert.equal(Buffer.concat(indexJsonPartsFrom(next, { raw: bytes, index: parsed, text: bytes.toString('utf8') })).toString('utf8'), expected, `${change}, with the text`);
      }
    });
  }
});
