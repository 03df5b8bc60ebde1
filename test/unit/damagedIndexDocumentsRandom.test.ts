// Index and manifest documents damaged at random, the same way every run (seeded), as the index editor and the
// Problems panel meet them on every keystroke: an oras-made index (Go's compact form), a buildx index with its
// attestation manifests, an index with annotations and a subject, an image manifest, a Docker manifest list and a
// layout's index.json; pretty-printed and compact, with CRLF, with a byte order mark. Each is damaged as typing and
// bad tools do (cut anywhere, characters inserted, deleted or changed, a value of the wrong JSON type at a real
// path, a key written twice, odd sizes and digests, unicode escapes and lone surrogates, deep nesting, very long
// strings), then diagnosed (alone, and against its layout deep and shallow, as ociDiagnostics and check call it),
// read as the editor's table, each quick fix offered applied, and one table edit made. Nothing may throw; every
// finding lies inside the text, at the place its JSON path names, with a message free of crash text; a fix leaves
// JSON where there was JSON and takes its finding away, written in the document's style; a table edit is done as
// asked or refused with an OciError. SWEEP_SEEDS=a-b sweeps more seeds. This sweep found eight bugs: nesting thousands deep (jsonc-parser's
// tree, getNodeValue, the validator's JSON.stringify, a schemaVersion or platform variant written as JSON, a string
// left open before it), characters one cannot see and megabyte values in messages, an invalid escape shown by half a
// surrogate pair, a key written twice marked in the wrong copy. Each has its own test in
// indexDocumentDamaged.test.ts; on the code before them seed 26 here fails, and 222 of seeds 1-3000.
import { strict as assert } from 'node:assert';
import { findNodeAtOffset, getNodePath } from 'jsonc-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex, type ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { applyIntent, diagnose, indexModel, nodeAt, parseText, type BlobFacts, type DiagnoseOptions, type EditIntent, type Finding, type JsonNode } from '../../src/oci/indexDocument';
import { OciError } from '../../src/oci/errors';
import type { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import type { PathSegment } from '../../src/oci/validate';
import { CRASH_TEXT, seededRandom } from '../helpers/jsonMutations';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, pushBlob, pushManifest } from './builders';

after(cleanupTemps);

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 40];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const int = (random: () => number, n: number) => Math.floor(random() * n);

interface Original {
  name: string;
  text: string;
  /** How the callers diagnose it: a `*.oci-index.json` expects an index, a layout's index.json is one. */
  options: Pick<DiagnoseOptions, 'expect' | 'layoutIndex'>;
  /** What diagnose says of the undamaged text (codes at paths): nothing for the good ones. */
  clean: string[];
}

// ---- the originals -----------------------------------------------------------------------------------

/** A buildx attestation manifest for `image`: an in-toto layer, an unknown/unknown config, listed with its reference. */
async function attestationFor(store: OciLayoutStore, image: Descriptor): Promise<Descriptor> {
  const config = await pushBlob(store, JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [] } }), MediaType.ImageConfig);
  const layer = await pushBlob(store, JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', subject: [{ digest: { sha256: image.digest.slice(7) } }], predicateType: 'https://slsa.dev/provenance/v0.2' }), 'application/vnd.in-toto+json');
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config,
    layers: [{ ...layer, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
  };
  const desc = await pushManifest(store, manifest);
  return {
    ...desc,
    annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    platform: { architecture: 'unknown', os: 'unknown' },
  };
}

/** A Docker schema 2 image for one platform, as docker push wrote them before OCI. */
async function dockerImage(store: OciLayoutStore, architecture: string): Promise<Descriptor> {
  const layer = await pushBlob(store, `docker layer ${architecture}`, MediaType.DockerLayerGzip);
  const config = await pushBlob(store, JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] } }), MediaType.DockerConfig);
  const desc = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.DockerManifest, config, layers: [layer] });
  return { ...desc, platform: { architecture, os: 'linux' } };
}

const BOM = '\ufeff';
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

async function originals(store: OciLayoutStore): Promise<Original[]> {
  const amd = await makeImage(store, { arch: 'amd64' });
  const arm = await makeImage(store, { arch: 'arm64', variant: 'v8' });
  const index = await makeIndex(store, [amd, arm]);
  // oras manifest index create: Go's compact encoding, the created time.
  const oras: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [amd, arm], annotations: { 'org.opencontainers.image.created': '2026-03-01T10:00:00Z' } };
  // buildx: each image followed by its attestation manifest.
  const buildx: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [amd, arm, await attestationFor(store, amd), await attestationFor(store, arm)] };
  // An index of artifacts about the multi-arch index: artifactType, subject, annotations.
  const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json' });
  const sig = await makeArtifact(store, { subject: index, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
  const annotated: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ImageIndex,
    artifactType: 'application/vnd.example.bundle',
    manifests: [{ ...sbom, artifactType: 'application/spdx+json' }, { ...sig, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }],
    subject: { mediaType: index.mediaType, digest: index.digest, size: index.size },
    annotations: { 'org.opencontainers.image.created': '2026-03-01T10:00:00Z', 'org.opencontainers.image.description': 'café & <tools> — 日本語', 'com.example.empty': '' },
  };
  const manifest = JSON.parse((await store.fetchBytes(amd)).toString()) as ImageManifest;
  manifest.annotations = { 'org.opencontainers.image.source': 'https://example.com/app' };
  await pushManifest(store, manifest);
  const dockerList = { schemaVersion: 2, mediaType: MediaType.DockerManifestList, manifests: [await dockerImage(store, 'amd64'), await dockerImage(store, 'arm64')] };
  await store.tag(index, 'multi');
  await store.tag(amd, 'v1');
  const layoutIndex = readFileSync(join(store.location, 'index.json'), 'utf8');

  const pretty = (v: unknown, indent: string | number = 2) => JSON.stringify(v, null, indent) + '\n';
  const out: Original[] = [];
  const add = (name: string, text: string, options: Original['options'], clean: string[] = []) => out.push({ name, text, options, clean });
  const asIndex = { expect: 'index' as const };
  add('oras index (compact)', encodeIndex(oras).toString(), asIndex);
  add('oras index (pretty)', pretty(oras), asIndex);
  add('buildx index (pretty)', pretty(buildx), {});
  add('buildx index (compact)', encodeIndex(buildx).toString(), {});
  add('buildx index (CRLF, tabs)', crlf(pretty(buildx, '\t')), {});
  add('annotated index with a subject (4 spaces)', pretty(annotated, 4), asIndex);
  add('annotated index with a subject (compact)', encodeIndex(annotated).toString(), asIndex);
  add('image manifest (pretty)', pretty(manifest), { expect: 'manifest' });
  add('image manifest (compact, CRLF end)', encodeManifest(manifest).toString() + '\r\n', {});
  add('Docker manifest list (3 spaces)', pretty(dockerList, 3), {});
  add('Docker manifest list (CRLF)', crlf(pretty(dockerList, 3)), {});
  add('layout index.json', layoutIndex, { layoutIndex: true });
  // A byte order mark (a file read from disk as saved by a Windows editor): not JSON to Go, nor to JSON.parse.
  add('oras index with a BOM', BOM + encodeIndex(oras).toString(), asIndex, [' invalid-json']);
  add('image manifest with a BOM (CRLF)', BOM + crlf(pretty(manifest)), {}, [' invalid-json']);
  return out;
}

// ---- the damage --------------------------------------------------------------------------------------

interface Place {
  path: PathSegment[];
  node: JsonNode;
  /** The property's key node, for a value that is an object member. */
  key?: JsonNode;
}

/** Every value of the document with its JSON path, root first. */
function places(root: JsonNode | undefined): Place[] {
  const out: Place[] = [];
  // A loop, not recursion: a damaged document may be nested thousands deep.
  const todo: Place[] = root ? [{ path: [], node: root }] : [];
  for (let place = todo.pop(); place; place = todo.pop()) {
    out.push(place);
    const { node, path } = place;
    if (path.length > 40) continue;
    if (node.type === 'object') for (const p of node.children ?? []) if (p.children?.length === 2) todo.push({ node: p.children[1]!, path: [...path, p.children[0]!.value as string], key: p.children[0] });
    if (node.type === 'array') (node.children ?? []).forEach((c, i) => todo.push({ node: c, path: [...path, i] }));
  }
  return out;
}

const splice = (text: string, at: number, length: number, content: string) => text.slice(0, at) + content + text.slice(at + length);
const last = (p: Place) => p.path[p.path.length - 1];

/** Wrong JSON types for a value, the fields people get wrong first. */
const WRONG_TYPES: Record<string, string[]> = {
  digest: ['12345', 'null', '["sha256:0"]', '{"algorithm":"sha256"}', 'true'],
  size: ['"12"', 'null', '[]', '{}', 'false'],
  platform: ['"linux/amd64"', '[]', 'null', '1', '{"os":7,"architecture":["x"]}', '{"os":"linux"}', '{"os.features":{},"features":"x","variant":3,"os":"","architecture":""}'],
  manifests: ['{}', '"none"', 'null', '[1,"x",null,[]]', '{"0":{}}'],
  layers: ['{}', 'null', '"x"', '[[]]'],
  config: ['[]', '"sha256:x"', 'null', '{"digest":0}'],
  subject: ['"x"', '[]', '1', '{}'],
  annotations: ['[]', '"a=b"', '{"a":1,"b":null,"c":{}}', 'null', `{"${ANNOTATION_REF_NAME}":"bad tag!","org.opencontainers.image.created":"yesterday"}`],
  mediaType: ['7', 'null', '""', '"text/plain"', `"${MediaType.DockerManifestList}"`, `"${MediaType.ImageManifest}"`, `"${MediaType.ImageIndex}"`, '"application/vnd.docker.distribution.manifest.v1+json"', '"not a type"'],
  schemaVersion: ['"2"', '2.0', '2e0', '1', '-2', 'null', '3'],
  artifactType: ['1', '""', '"bad"', 'null'],
  os: ['7', '""', 'null', '"windows"'],
  architecture: ['[]', '""', '"arm"', '"aarch64"'],
  variant: ['8', '"v7"', '""'],
  urls: ['"http://x"', '[1]', '["not a url","ftp://x/y"]'],
  data: ['"e30="', '"!!"', '7'],
};
const ANY_WRONG = ['null', '[]', '{}', '""', '0', '-1', 'true', '"x"', '1e400', '[[[]]]', '{"mediaType":"x/y"}'];
const SIZES = ['-1', '1e400', '-1e400', '9007199254740993', '18446744073709551616', '1.5', '-0', '0', '1e3', '2.0', '99999999999999999999999999'];
const HEX = '0123456789abcdef';
const hex = (random: () => number, n: number) => Array.from({ length: n }, () => HEX[int(random, 16)]).join('');
function badDigest(random: () => number): string {
  const h = hex(random, 64);
  return pick(random, [
    `sha256:${h.slice(0, 63)}`,
    `sha256:${h}0`,
    `sha256:${h.toUpperCase()}`,
    `SHA256:${h}`,
    `sha512:${h}`,
    `sha512:${h}${h}`,
    `sha384:${h.slice(0, 48)}${h.slice(0, 48)}`,
    `md5:${h.slice(0, 32)}`,
    `sha256:`,
    `:${h}`,
    h,
    `sha256 :${h}`,
    `sha256:${h.slice(0, 30)} ${h.slice(31)}`,
    `sha256+b64u:${Buffer.from(h, 'hex').toString('base64url')}`,
    `blake3:${h}`,
    `sha256:${h.slice(0, 60)}\\u0000abc`,
    `sha256:${h.slice(0, 63)}\\u0430`,
  ]);
}
const ESCAPES = ['\\ud800', '\\udc00', '\\ud83d', '\\ud83d\\ude00', '\\u0000', '\\u202e', '\\u200b', '\\u00e9', '\\uFEFF', '\\u001b[31m', 'a\\"b', '\\\\', '\\/', 'tab\\there'];
// Raw characters as an editor's text can hold them (a lone surrogate too: JavaScript strings allow it).
const RAW = ['\ud800', '\udfff', '\u2028', '\u0085', '\u00a0', 'é', '日', '😀', '\u202e', '\t'];

function nested(depth: number, random: () => number): string {
  const [open, close] = pick(random, [['[', ']'], ['{"a":', '}'], ['[{"x":', '}]']] as const);
  return open.repeat(depth) + pick(random, ['0', '"x"', 'null', '[]']) + close.repeat(depth);
}

/** `text` damaged once; returns the new text and what was done. */
function damageOnce(text: string, random: () => number): { text: string; what: string } {
  const parsed = parseText(text);
  const all = places(parsed.root);
  const kind = int(random, 13);
  const at = int(random, text.length + 1);
  if (kind === 0 || all.length === 0) {
    return { text: text.slice(0, at), what: `cut at ${at}` };
  }
  if (kind === 1) {
    const n = 1 + int(random, 8);
    return { text: splice(text, at, n, ''), what: `${n} deleted at ${at}` };
  }
  if (kind === 2) {
    const c = pick(random, ['"', ',', '{', '}', '[', ']', ':', 'x', '0', '-', ' ', '\n', '\\', 'n', 'u', '\r', '\u0000', ...RAW]);
    return random() < 0.5 ? { text: splice(text, at, 0, c), what: `${JSON.stringify(c)} inserted at ${at}` } : { text: splice(text, at, 1, c), what: `${at} changed to ${JSON.stringify(c)}` };
  }
  const p = pick(random, all);
  const where = JSON.stringify(p.path);
  const replace = (content: string, what: string) => ({ text: splice(text, p.node.offset, p.node.length, content), what: `${where} ${what}` });
  if (kind === 3) {
    // A value of the wrong type, at a field people get wrong: a real path of the document.
    const fielded = all.filter((q) => typeof last(q) === 'string' && WRONG_TYPES[last(q) as string]);
    const q = fielded.length > 0 && random() < 0.8 ? pick(random, fielded) : p;
    const content = pick(random, WRONG_TYPES[last(q) as string] ?? ANY_WRONG);
    return { text: splice(text, q.node.offset, q.node.length, content), what: `${JSON.stringify(q.path)} = ${content}` };
  }
  if (kind === 4) {
    // A key written twice: the member repeated, with its value or another.
    const members = all.filter((q) => q.key);
    if (members.length > 0) {
      const q = pick(random, members);
      const member = text.slice(q.key!.offset, q.node.offset + q.node.length);
      const again = random() < 0.5 ? member : text.slice(q.key!.offset, q.node.offset) + pick(random, ANY_WRONG);
      const before = random() < 0.5;
      const insertAt = before ? q.key!.offset : q.node.offset + q.node.length;
      return { text: splice(text, insertAt, 0, before ? `${again},` : `,${again}`), what: `${JSON.stringify(q.path)} written twice (${before ? 'before' : 'after'})` };
    }
  }
  if (kind === 5) {
    const sizes = all.filter((q) => last(q) === 'size');
    const q = sizes.length > 0 ? pick(random, sizes) : p;
    const content = pick(random, SIZES);
    return { text: splice(text, q.node.offset, q.node.length, content), what: `${JSON.stringify(q.path)} = ${content}` };
  }
  if (kind === 6) {
    const digests = all.filter((q) => last(q) === 'digest' || (typeof last(q) === 'string' && String(last(q)).includes('digest')));
    const q = digests.length > 0 ? pick(random, digests) : p;
    const content = JSON.stringify(badDigest(random)).replace(/\\\\u/g, '\\u');
    return { text: splice(text, q.node.offset, q.node.length, content), what: `${JSON.stringify(q.path)} = ${content}` };
  }
  if (kind === 7) {
    // Unicode escapes and raw odd characters in a string, a key or a value.
    const strings = all.filter((q) => q.node.type === 'string');
    const keys = all.filter((q) => q.key);
    const target = random() < 0.3 && keys.length > 0 ? pick(random, keys).key! : strings.length > 0 ? pick(random, strings).node : p.node;
    const inner = 1 + int(random, Math.max(1, target.length - 1));
    const odd = random() < 0.6 ? pick(random, ESCAPES) : pick(random, RAW);
    return { text: splice(text, target.offset + Math.min(inner, target.length - 1), 0, odd), what: `${JSON.stringify(odd)} into the string at ${target.offset}` };
  }
  if (kind === 8) {
    // A key spelled with escapes (the same key to JSON) or in another case (the same field to Go).
    const keys = all.filter((q) => q.key);
    if (keys.length > 0) {
      const q = pick(random, keys);
      const name = String(q.key!.value);
      const spelt =
        random() < 0.5 && name.length > 0
          ? JSON.stringify(name).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
          : JSON.stringify(random() < 0.5 ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1));
      return { text: splice(text, q.key!.offset, q.key!.length, spelt), what: `key ${JSON.stringify(q.path)} spelt ${spelt}` };
    }
  }
  if (kind === 11) {
    // A member removed with its comma, as a hand edit or a tool that drops a field does: mediaType, platform, size...
    const members = all.filter((q) => q.key && q.node.parent?.parent?.children);
    if (members.length > 0) {
      const q = pick(random, members);
      const property = q.node.parent!;
      const siblings = property.parent!.children!;
      const i = siblings.indexOf(property);
      const from = i > 0 ? siblings[i - 1]!.offset + siblings[i - 1]!.length : property.offset;
      const to = i > 0 || siblings.length === 1 ? property.offset + property.length : siblings[i + 1]!.offset;
      return { text: splice(text, from, to - from, ''), what: `${JSON.stringify(q.path)} removed` };
    }
  }
  if (kind === 9) {
    const depth = pick(random, [40, 300, 1500, 6000, 30000]);
    return replace(nested(depth, random), `nested ${depth} deep`);
  }
  if (kind === 10) {
    // A very long string: a value, a digest, an annotation key.
    const n = pick(random, [5_000, 100_000, 1_000_000]);
    const unit = pick(random, ['a', 'é', '/', 'sha256:', '\\u0000', ' ', '😀']);
    const long = unit.repeat(Math.ceil(n / unit.length));
    if (random() < 0.3) {
      const keys = all.filter((q) => q.key);
      if (keys.length > 0) {
        const q = pick(random, keys);
        return { text: splice(text, q.key!.offset, q.key!.length, `"${long}"`), what: `key ${JSON.stringify(q.path)} ${n} long` };
      }
    }
    return replace(`"${long}"`, `a ${n}-character string of ${JSON.stringify(unit)}`);
  }
  // An entry of a list removed, repeated or moved: what hand edits and merges do.
  const lists = all.filter((q) => q.node.type === 'array' && (q.node.children?.length ?? 0) > 0);
  if (lists.length > 0) {
    const q = pick(random, lists);
    const items = q.node.children!;
    const i = int(random, items.length);
    const item = text.slice(items[i]!.offset, items[i]!.offset + items[i]!.length);
    return { text: splice(text, items[items.length - 1]!.offset + items[items.length - 1]!.length, 0, `,${item}`), what: `${JSON.stringify([...q.path, i])} repeated at the end` };
  }
  return replace(pick(random, ANY_WRONG), 'replaced');
}

function damaged(text: string, random: () => number): { text: string; what: string } {
  const count = 1 + (random() < 0.3 ? 1 : 0);
  const whats: string[] = [];
  for (let n = 0; n < count; n++) {
    const d = damageOnce(text, random);
    text = d.text;
    whats.push(d.what);
  }
  return { text, what: whats.join('; ') };
}

// ---- the checks --------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const codes = (found: Finding[]) => found.map((f) => `${f.path} ${f.code}`).sort();
const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The deepest node of `segments` that the text has, and how deep. */
function deepest(parsed: ReturnType<typeof parseText>, segments: readonly PathSegment[]): JsonNode | undefined {
  for (let n = segments.length; n >= 0; n--) {
    const node = nodeAt(parsed, segments.slice(0, n));
    if (node) return node;
  }
  return undefined;
}

/** Every finding inside the text, at its path, its message plain. */
function checkFindings(label: string, text: string, found: Finding[]): void {
  const parsed = parseText(text);
  for (const f of found) {
    const what = `${label}: ${f.path} ${f.code} (${f.message.slice(0, 300)})`;
    assert.ok(f.offset !== undefined && f.length !== undefined, `${what}: not located`);
    assert.ok(Number.isInteger(f.offset) && Number.isInteger(f.length) && f.offset >= 0 && f.length >= 0 && f.offset + f.length <= text.length, `${what}: range ${f.offset}+${f.length} outside the text (${text.length})`);
    assert.ok(f.message.length > 0, `${what}: no message`);
    // A megabyte value is not written into the Problems panel whole.
    assert.ok(f.message.length <= 1000, `${what}: a message of ${f.message.length} characters`);
    assert.doesNotMatch(f.message, CRASH_TEXT, `${what}: crash text`);
    assert.doesNotMatch(f.message, LONE_SURROGATE, `${what}: a lone surrogate in the message`);
    assert.ok(f.link.startsWith('https://'), `${what}: link ${f.link}`);
    if (f.code === 'invalid-json') {
      assert.equal(parses(text), false, `${what}: the text is JSON`);
      continue;
    }
    // The place the path names: the node, its key (a key written twice or in the wrong case), or what holds it.
    const shown = text.slice(f.offset, f.offset + f.length);
    if (f.code === 'duplicate-key' || f.code === 'field-case') {
      let key: unknown;
      try {
        key = JSON.parse(shown);
      } catch {
        key = undefined;
      }
      assert.equal(key, f.segments[f.segments.length - 1], `${what}: marks ${JSON.stringify(shown.slice(0, 80))}, not the key`);
      if (f.code === 'duplicate-key' && parsed.root) {
        // Its path names the last copy of what holds it; the key marked may be in an earlier copy, at the same path.
        const property = findNodeAtOffset(parsed.root, f.offset)?.parent;
        assert.ok(property?.type === 'property', `${what}: marks no key`);
        assert.deepEqual(getNodePath(property.children![1] ?? property), f.segments, `${what}: marks a key at another path`);
        continue;
      }
    }
    const node = deepest(parsed, f.segments);
    if (node) {
      // A member is marked by its value or, large or wrongly spelt, by its key: the property's start.
      const start = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      assert.ok(f.offset >= start && f.offset + f.length <= node.offset + node.length, `${what}: marks ${f.offset}+${f.length} ${JSON.stringify(shown.slice(0, 80))}, outside ${JSON.stringify(f.segments)} at ${node.offset}+${node.length}`);
    }
  }
}

/** A table edit as the editor sends them, on a random row (one past the end too). */
function tableIntent(random: () => number, rows: number): EditIntent {
  const row = int(random, rows + 1);
  const key = pick(random, ['org.opencontainers.image.title', 'com.example.k', ANNOTATION_REF_NAME, 'a\u00e9']);
  switch (int(random, 7)) {
    case 0:
      return { type: 'removeRow', row };
    case 1:
      return { type: 'moveRow', from: row, to: int(random, rows + 1) };
    case 2:
      return { type: 'setPlatform', row, platform: pick(random, [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' }, undefined]) };
    case 3:
      return { type: 'setAnnotation', row: random() < 0.3 ? undefined : row, key, value: pick(random, ['v1', '', 'café & <x>', '\u0000']) };
    case 4:
      return { type: 'removeAnnotation', row: random() < 0.3 ? undefined : row, key };
    default:
      return { type: 'addManifests', at: random() < 0.5 ? undefined : row, descriptors: [{ mediaType: MediaType.ImageManifest, digest: `sha256:${'e'.repeat(64)}`, size: 9, platform: { os: 'linux', architecture: 's390x' } }] };
  }
}

type Json = Record<string, unknown> & { manifests?: unknown; annotations?: unknown };
const entryOf = (doc: Json, row: number | undefined): Json | undefined => {
  if (row === undefined) return doc;
  const list = Array.isArray(doc.manifests) ? doc.manifests : [];
  const entry = list[row];
  return entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Json) : undefined;
};

/** A table edit on the damaged text: done as asked (the text still JSON, the change there), or refused with an OciError saying why. */
function tableEdit(label: string, text: string, rows: number, random: () => number): void {
  const intent = tableIntent(random, rows);
  const what = `${label}: table edit ${JSON.stringify(intent)}`;
  let edited: string;
  try {
    edited = applyIntent(text, intent);
  } catch (err) {
    assert.ok(err instanceof OciError, `${what}: not an OciError: ${(err as Error)?.stack ?? err}`);
    assert.doesNotMatch(err.message, CRASH_TEXT, what);
    if (parseText(text).errors.length > 0) assert.match(err.message, /not valid JSON/, what);
    return;
  }
  if (!parses(text)) return;
  assert.ok(parses(edited), `${what}: no longer JSON:\n${edited.slice(0, 2000)}`);
  const before = JSON.parse(text) as Json;
  const after = JSON.parse(edited) as Json;
  // Each entry by its digest, or what it is instead (a damaged entry can be nested thousands deep: not compared whole).
  const digests = (doc: Json) =>
    Array.isArray(doc.manifests) ? doc.manifests.map((m) => (m && typeof m === 'object' && typeof (m as Json).digest === 'string' ? ((m as Json).digest as string) : Array.isArray(m) ? 'an array' : typeof m)) : [];
  if (intent.type === 'removeRow') {
    const expected = digests(before);
    expected.splice(intent.row, 1);
    assert.deepEqual(digests(after), expected, what);
  } else if (intent.type === 'moveRow') {
    assert.deepEqual([...digests(after)].sort(), [...digests(before)].sort(), what);
  } else if (intent.type === 'setAnnotation') {
    assert.equal((entryOf(after, intent.row)?.annotations as Json | undefined)?.[intent.key], intent.value, what);
  } else if (intent.type === 'removeAnnotation') {
    const map = entryOf(after, intent.row)?.annotations as Json | undefined;
    assert.ok(!map || typeof map !== 'object' || !(intent.key in map), what);
  } else if (intent.type === 'setPlatform') {
    const platform = entryOf(after, intent.row)?.platform as Json | undefined;
    assert.equal(platform?.os, intent.platform?.os, what);
    assert.equal(platform?.architecture, intent.platform?.architecture, what);
  } else if (intent.type === 'addManifests') {
    assert.equal(digests(after).length, digests(before).length + 1, what);
    assert.ok(digests(after).includes(intent.descriptors[0]!.digest), what);
  }
}

describe('index and manifest documents damaged at random: diagnose, the table, the quick fixes (seeded)', function () {
  this.timeout(600_000);
  let store: OciLayoutStore;
  let docs: Original[] = [];
  // Blob facts are content-addressed: one cache, as the Problems panel keeps for its session.
  const cache = new Map<string, BlobFacts>();

  before(async () => {
    store = await newLayout();
    docs = await originals(store);
  });

  it('the undamaged documents: the same findings as ever (none for the good ones), alone and in their layout', async () => {
    for (const d of docs) {
      assert.deepEqual(codes(await diagnose(d.text, d.options)), d.clean, d.name);
      assert.deepEqual(codes(await diagnose(d.text, { ...d.options, layout: store, layoutName: 'app', cache })), d.clean, `${d.name} in the layout`);
      const model = indexModel(d.text);
      // The table reads past a byte order mark (jsonc-parser skips it), as VS Code's text never holds one.
      const json = JSON.parse(d.text.replace(BOM, '')) as { manifests?: unknown[] };
      assert.equal(model.rows.length, json.manifests?.length ?? 0, d.name);
      assert.equal(model.digest, digestOf(Buffer.from(d.text)), d.name);
    }
    assert.equal(docs.filter((d) => d.clean.length === 0).length, 12);
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const original = pick(random, docs);
      const { text, what } = damaged(original.text, random);
      const label = `seed ${seed}, ${original.name}, ${what}`;
      const runs: Array<[string, DiagnoseOptions]> = [
        ['alone', original.options],
        ['in its layout', { ...original.options, layout: store, layoutName: 'app', cache, concurrency: 16 }],
        ['in its layout, shallow', { ...original.options, layout: store, deep: false, concurrency: 4 }],
        ['in a registry', { ...original.options, layout: store, where: 'in localhost:5000/app', deep: random() < 0.5 }],
      ];
      for (const [how, options] of runs) {
        const found = await diagnose(text, options);
        checkFindings(`${label} (${how})`, text, found);
        for (const f of found) {
          if (!f.fix) continue;
          const fixLabel = `${label} (${how}): fix "${f.fix.title}" of ${f.path} ${f.code}`;
          assert.doesNotMatch(f.fix.title, CRASH_TEXT, fixLabel);
          const fixed = applyIntent(text, f.fix.intent);
          if (parses(text)) assert.ok(parses(fixed), `${fixLabel}: no longer JSON:\n${fixed.slice(0, 2000)}`);
          // The fix is written in the document's style: a compact one stays on one line, CRLF stays CRLF.
          if (!text.trim().includes('\n')) assert.ok(!fixed.trim().includes('\n'), `${fixLabel}: a compact document broken into lines`);
          if (text.includes('\r\n') && !/(^|[^\r])\n/.test(text)) assert.doesNotMatch(fixed, /(^|[^\r])\n/, `${fixLabel}: a bare LF in a CRLF document`);
          const after = await diagnose(fixed, options);
          checkFindings(`${fixLabel}, applied`, fixed, after);
          if (f.fix.intent.type === 'removeRow') {
            // Removing a duplicate entry shifts the later ones up: a third copy takes the removed one's path, so only
            // the count of such findings can be promised to fall.
            assert.ok(after.filter((a) => a.code === f.code).length < found.filter((a) => a.code === f.code).length, `${fixLabel}: still ${codes(after).join(', ')}`);
          } else {
            assert.ok(!after.some((a) => a.code === f.code && a.path === f.path), `${fixLabel}: still there: ${codes(after).join(', ')}`);
          }
        }
      }
      // The editor's table: rows where the text has them, each showing what the text says (the last of a key twice).
      const model = indexModel(text);
      assert.equal(model.digest, digestOf(Buffer.from(text)), label);
      assert.equal(model.size, Buffer.byteLength(text), label);
      for (const row of model.rows) {
        assert.ok(row.offset >= 0 && row.offset + row.length <= text.length, `${label}: row ${row.index} at ${row.offset}+${row.length}`);
        if (row.platformText !== undefined) assert.doesNotMatch(row.platformText, CRASH_TEXT, `${label}: row ${row.index}`);
      }
      if (parses(text)) {
        const json = JSON.parse(text) as { manifests?: unknown };
        const listed = Array.isArray(json?.manifests) ? (json.manifests as Array<Record<string, unknown>>) : [];
        assert.equal(model.syntaxError, false, label);
        assert.equal(model.rows.length, listed.length, `${label}: rows`);
        model.rows.forEach((row, i) => {
          const entry = listed[i];
          const digest = entry && typeof entry === 'object' && typeof entry.digest === 'string' ? entry.digest : undefined;
          assert.equal(row.digest, digest, `${label}: row ${i} digest`);
        });
      }
      tableEdit(label, text, model.rows.length, seededRandom(seed * 7919 + 1));
    });
  }
});
