import type { Descriptor, ImageIndex } from '../descriptor';
import { encodeDescriptor, encodeIndex } from '../encoding/goJson';
import { OciError } from '../errors';
import { MediaType } from '../mediaType';
import { formatPath, MalformedJsonError, malformedJsonAt, placeOfJsonError } from '../validate';
import { damagedEntries, damagedEntryJson, descriptorDamage, isStringMap, markDamagedEntries } from './entryDamage';

export { damagedEntries, damageOf, unreadableEntry, type DamagedEntry } from './entryDamage';

/**
 * Reading and writing `index.json`. Reading is lenient where real tools differ (umoci writes
 * `"manifests": null`, zot indents, some omit mediaType) and strict where a wrong value would
 * let a descriptor point outside the layout (digests are checked before any path is built).
 * This one refuses a file with a damaged entry; readIndexJson keeps it, marked.
 */
export function parseIndexJson(raw: Buffer | string, where: string): ImageIndex {
  const index = readIndexJson(raw, where);
  const [first] = damagedEntries(index, where);
  if (first) throw first.error;
  return index;
}

/**
 * index.json with each damaged entry (see entryDamage.ts: a bad digest, size, platform...) left in its place but
 * marked (see damageOf): one bad entry must not make the others unreadable, and a rewrite keeps it as written.
 * A problem of the document itself (not JSON, wrong schemaVersion, bad subject) is still thrown.
 */
export function readIndexJson(raw: Buffer | string, where: string): ImageIndex {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // The place as fields too: the Layouts view opens index.json there.
    const place = placeOfJsonError(text, err);
    const detail = text.trim() === '' ? 'the file is empty' : malformedJsonAt(place);
    throw new MalformedJsonError('INVALID_LAYOUT', `${where}: ${detail}`, where, place, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new OciError('INVALID_LAYOUT', `${where}: not a JSON object`);
  }
  const o = doc as Record<string, unknown>;
  if (o.schemaVersion !== 2) {
    const is = o.schemaVersion === undefined ? 'missing' : `${JSON.stringify(o.schemaVersion)?.slice(0, 60)}`;
    throw new OciError('INVALID_LAYOUT', `${where}: schemaVersion is ${is}, expected 2`);
  }
  if (o.mediaType !== undefined && o.mediaType !== MediaType.ImageIndex) {
    throw new OciError('INVALID_LAYOUT', `${where}: mediaType is ${JSON.stringify(o.mediaType)}, expected ${MediaType.ImageIndex}`);
  }
  // umoci writes null for an empty list; Go decodes null and absent alike.
  const list = o.manifests === null || o.manifests === undefined ? [] : o.manifests;
  if (!Array.isArray(list)) throw new OciError('INVALID_LAYOUT', `${where}: "manifests" is not a list`);
  // Checked in place: the list JSON.parse made is the one kept.
  markDamagedEntries(list, text);
  const index: ImageIndex = { schemaVersion: 2, manifests: list as Descriptor[] };
  if (typeof o.mediaType === 'string') index.mediaType = o.mediaType;
  if (typeof o.artifactType === 'string') index.artifactType = o.artifactType;
  if (o.subject !== undefined && o.subject !== null) {
    const damage = descriptorDamage(o.subject);
    if (damage) throw new OciError('INVALID_LAYOUT', `${where}: ${formatPath(['subject', ...damage.segments])}: ${damage.problem}`);
    index.subject = o.subject as Descriptor;
  }
  if (isStringMap(o.annotations)) index.annotations = o.annotations;
  return index;
}

/**
 * index.json as oras-go writes it: Go's json.Marshal of ocispec.Index (compact, struct field order,
 * sorted annotation keys, HTML-safe escapes, no trailing newline), which skopeo and umoci read.
 */
export function encodeIndexJson(index: ImageIndex): Buffer {
  if (!Array.isArray(index.manifests)) return encodeIndex(index);
  const { head, tail } = indexShell(index);
  return Buffer.from(`${head}${manifestsJson(index.manifests)}${tail}`, 'utf8');
}

/**
 * The document around the list, by the Go encoder: what comes before the list's `[` (ending in
 * `"manifests":`) and after its `]`. `"manifests":[]` is the first such text in the shell, as only
 * schemaVersion, mediaType and artifactType come before, and quotes inside their strings are escaped.
 */
export function indexShell(index: ImageIndex): { head: string; tail: string } {
  const shell = encodeIndex({ ...index, manifests: [] }).toString('utf8');
  const at = shell.indexOf(EMPTY_LIST);
  return { head: `${shell.slice(0, at)},"manifests":`, tail: shell.slice(at + EMPTY_LIST.length) };
}

const EMPTY_LIST = ',"manifests":[]';

/**
 * The list as Go writes it. When every descriptor has the shape in which JSON.stringify writes what Go does
 * (see goShaped) and no string in it needs one of Go's own escapes, the whole list is one JSON.stringify call:
 * for a 10,000-tag index.json a tenth of the CPU of encoding each descriptor apart, and far less garbage.
 */
function manifestsJson(list: Descriptor[]): string {
  let shaped = true;
  // A damaged entry is written as it was read (descriptorJson), which JSON.stringify may not reproduce.
  for (let i = 0; i < list.length && shaped; i++) shaped = goShaped(list[i]) && damagedEntryJson(list[i]!) === undefined;
  if (shaped) {
    const json = JSON.stringify(list);
    if (!GO_ESCAPES.test(json)) return json;
  }
  const parts = new Array<string>(list.length);
  for (let i = 0; i < parts.length; i++) parts[i] = descriptorJson(list[i]!);
  return `[${parts.join(',')}]`;
}

/**
 * What Go writes differently from JSON.stringify inside strings: JSON.stringify escapes controls, quotes,
 * backslashes and lone surrogates with a backslash, and Go escapes some of those otherwise; Go also escapes
 * <, >, &, U+2028 and U+2029. Surrogates at all: with them UTF-16 key order is not Go's UTF-8 order.
 */
const GO_ESCAPES = /[\\<>&\u2028\u2029\ud800-\udfff]/;

/**
 * A descriptor JSON.stringify writes as Go does: a plain object with mediaType, digest and size, then
 * at most annotations (non-empty, string values, keys sorted), a platform (architecture and os, then
 * a non-empty os.version and variant) and a non-empty artifactType, in Go's field order. Anything
 * else (urls, data, os.features, unknown or misplaced fields) goes through the Go encoder.
 */
export function goShaped(d: unknown): boolean {
  if (!isPlainObject(d)) return false;
  let rank = -1;
  for (const key in d) {
    const v = d[key];
    let r: number;
    switch (key) {
      case 'mediaType':
        if (typeof v !== 'string') return false;
        r = 0;
        break;
      case 'digest':
        if (typeof v !== 'string') return false;
        r = 1;
        break;
      case 'size':
        if (!Number.isSafeInteger(v) || (v as number) < 0) return false;
        r = 2;
        break;
      case 'annotations':
        if (v === undefined) continue;
        if (!sortedStringMap(v)) return false;
        r = 3;
        break;
      case 'platform':
        if (v === undefined) continue;
        if (!platformShaped(v)) return false;
        r = 4;
        break;
      case 'artifactType':
        if (v === undefined) continue;
        if (typeof v !== 'string' || v === '') return false;
        r = 5;
        break;
      default:
        return false;
    }
    // mediaType, digest and size are written even when empty: they must all be there, first.
    if (rank < 2 ? r !== rank + 1 : r <= rank) return false;
    rank = r;
  }
  return rank >= 2;
}

function platformShaped(p: unknown): boolean {
  if (!isPlainObject(p)) return false;
  let rank = -1;
  for (const key in p) {
    const v = p[key];
    let r: number;
    switch (key) {
      case 'architecture':
        r = 0;
        break;
      case 'os':
        r = 1;
        break;
      case 'os.version':
        r = 2;
        break;
      case 'variant':
        r = 3;
        break;
      default:
        return false;
    }
    if (v === undefined && r >= 2) continue;
    if (typeof v !== 'string' || (r >= 2 && v === '')) return false;
    if (rank < 1 ? r !== rank + 1 : r <= rank) return false;
    rank = r;
  }
  return rank >= 1;
}

/** Non-empty, string values, keys in ascending order (Go sorts map keys; GO_ESCAPES covers where UTF-16 order differs). */
export function sortedStringMap(map: unknown): boolean {
  if (!isPlainObject(map)) return false;
  let previous: string | undefined;
  for (const key in map) {
    if (typeof map[key] !== 'string') return false;
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
  }
  return previous !== undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** One descriptor as Go's encoder writes it; JSON.stringify where it writes the same (see goShaped and GO_ESCAPES). */
export function descriptorJson(d: Descriptor): string {
  // A damaged entry is written back as it was read: re-encoding would change or drop what the user wrote.
  const damaged = damagedEntryJson(d);
  if (damaged !== undefined) return damaged;
  if (goShaped(d)) {
    const json = JSON.stringify(d);
    if (!GO_ESCAPES.test(json)) return json;
  }
  return encodeDescriptor(d);
}

/** What oras-go writes for a new layout. */
export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] };
}
