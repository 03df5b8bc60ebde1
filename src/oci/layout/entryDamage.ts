// The damaged entries of a layout's index.json: entries that cannot be used (a bad digest, size or platform, a
// missing mediaType, an annotation that is not a string...). readIndexJson keeps each in its place, marked, so
// one bad entry leaves the others usable, and every rewrite of index.json writes it back byte for byte.
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { ANNOTATION_REF_NAME, type ImageIndex } from '../descriptor';
import { OciError } from '../errors';
import { descriptorProblems, formatPath, positionMapper, type PathSegment, type ProblemCode, type TextPosition } from '../validate';
import { isDigest } from '../digest';
import { isJsonObject } from '../jsonObject';
import { quotedText } from '../shownName';

/** Where something is in a text, as character offsets and as positions. */
export interface TextSpan {
  offset: number;
  length: number;
  start: TextPosition;
  end: TextPosition;
}

/** An index.json entry that cannot be used; `error` names the file, the JSON path, its tag if it has one, and the problem. */
export interface DamagedEntry {
  /** Its place in `manifests`. */
  at: number;
  /** The JSON path of what is wrong: `manifests[3].digest`, `manifests[1].platform.os`, `manifests[2]`. */
  path: string;
  /** `path`, with ` (tag "v1")` when the entry has one. */
  place: string;
  tag?: string;
  problem: string;
  /** index.json as messages name it: its path, or `index.json in x.tar`. */
  file: string;
  /** The whole entry in the index.json text it was read from; absent if it could not be located there. */
  span?: TextSpan;
  error: OciError;
}

interface Damage {
  problem: string;
  /** Where the problem is, inside the entry. */
  segments: PathSegment[];
  /** The entry as JSON.parse made it. */
  value: unknown;
  /** Its text in index.json, exactly: what a rewrite writes back. */
  raw?: string;
  span?: TextSpan;
}

// Keyed by the entry object, so the mark survives the copies of the list a rewrite makes.
const DAMAGED = new WeakMap<object, Damage>();

/** Why this index.json entry cannot be used, if it is a damaged one readIndexJson kept. */
export function damageOf(entry: unknown): string | undefined {
  return typeof entry === 'object' && entry !== null ? DAMAGED.get(entry)?.problem : undefined;
}

/** What a rewrite of index.json writes for a damaged entry (the text it was read from), or undefined for a good one. */
export function damagedEntryJson(entry: object): string | undefined {
  const d = DAMAGED.get(entry);
  return d ? (d.raw ?? JSON.stringify(d.value)) : undefined;
}

/** Marks, in place, each entry of `list` (index.json's `manifests`, parsed from `text`) that cannot be used. */
export function markDamagedEntries(list: unknown[], text: string): void {
  const marked: number[] = [];
  for (let i = 0; i < list.length; i++) {
    if (usable(list[i])) continue;
    const value = list[i];
    // A value that is not an object (null, a number) is held in one, which only the writer looks into.
    const entry = typeof value === 'object' && value !== null ? value : {};
    DAMAGED.set(entry, { ...whyDamaged(value), value });
    list[i] = entry;
    marked.push(i);
  }
  if (marked.length > 0) locateDamaged(list, marked, text);
}

/** The problem of a descriptor that cannot be used (the validator's message and path), or undefined. */
export function descriptorDamage(value: unknown): { problem: string; segments: PathSegment[] } | undefined {
  return usable(value) ? undefined : whyDamaged(value);
}

/** The damaged entries of an index readIndexJson made (or one changed from it), with their current places. */
export function damagedEntries(index: ImageIndex, file: string): DamagedEntry[] {
  const out: DamagedEntry[] = [];
  index.manifests.forEach((d, at) => {
    const damage = typeof d === 'object' && d !== null ? DAMAGED.get(d) : undefined;
    if (!damage) return;
    const entry = entryProblem(d, at, damage.segments, damage.problem, file);
    if (damage.span) entry.span = damage.span;
    out.push(entry);
  });
  return out;
}

/** What is wrong with entry `d` (at `at` in `manifests`, the problem at `segments` inside it), named with its tag. */
function entryProblem(d: unknown, at: number, segments: PathSegment[], problem: string, file: string): DamagedEntry {
  const name = (d as { annotations?: Record<string, unknown> }).annotations?.[ANNOTATION_REF_NAME];
  const tag = typeof name === 'string' ? name : undefined;
  const path = formatPath(['manifests', at, ...segments]);
  const place = `${path}${tag === undefined ? '' : ` (tag ${quotedText(tag)})`}`;
  const entry: DamagedEntry = { at, path, place, problem, file, error: new OciError('INVALID_LAYOUT', `${file}: ${place}: ${problem}`) };
  if (tag !== undefined) entry.tag = tag;
  return entry;
}

/**
 * A usable index.json entry (at `at` in `index`) whose manifest cannot be read, as a DamagedEntry: listings
 * leave it out (a referrer among them could not be listed), so it is named like a damaged one.
 */
export function unreadableEntry(index: ImageIndex, at: number, problem: string, file: string): DamagedEntry {
  return entryProblem(index.manifests[at], at, [], `manifest unreadable: ${problem}`, file);
}

// The validator's findings that make an entry unusable; others (a media type off RFC 6838, a URL) leave it usable.
const DAMAGE: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['wrong-type', 'missing-field', 'invalid-digest', 'invalid-size', 'invalid-platform', 'annotation-not-string']);

function whyDamaged(value: unknown): { problem: string; segments: PathSegment[] } {
  const first = descriptorProblems(value, [], true).find((p) => p.severity === 'error' && DAMAGE.has(p.code));
  return first ? { problem: first.message, segments: first.segments } : { problem: 'not a usable descriptor', segments: [] };
}

/**
 * Whether every field the layout's readers rely on has its type (digest, mediaType, size; annotations, platform,
 * urls, data, artifactType when present; null reads as absent, as in Go). A plain check: it runs on every entry
 * of every index.json read, and only an entry it refuses goes to the validator for the exact problem.
 */
function usable(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
  const d = entry as Record<string, unknown>;
  if (!isDigest(d.digest) || typeof d.mediaType !== 'string') return false;
  const size = d.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return false;
  // Written out rather than through helpers: this runs 10,000 times for a 10,000-tag layout.
  if (d.annotations != null && !isStringMap(d.annotations)) return false;
  if (d.artifactType != null && typeof d.artifactType !== 'string') return false;
  if (d.data != null && typeof d.data !== 'string') return false;
  if (d.urls != null && !isStringList(d.urls)) return false;
  const p = d.platform as Record<string, unknown> | null | undefined;
  if (p == null) return true;
  if (typeof p !== 'object' || Array.isArray(p) || typeof p.architecture !== 'string' || typeof p.os !== 'string') return false;
  if (p['os.version'] != null && typeof p['os.version'] !== 'string') return false;
  if (p.variant != null && typeof p.variant !== 'string') return false;
  return (p['os.features'] == null || isStringList(p['os.features'])) && (p.features == null || isStringList(p.features));
}

function isStringList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const item of v) if (typeof item !== 'string') return false;
  return true;
}

export function isStringMap(v: unknown): v is Record<string, string> {
  if (!isJsonObject(v)) return false;
  // A plain loop: index.json has an annotations map per tag, and Object.values() allocates for each.
  for (const key in v) if (typeof v[key] !== 'string') return false;
  return true;
}

/**
 * Finds the damaged entries' text in index.json, to keep their bytes and to point at them. Only the text of an
 * entry that parses to the very value JSON.parse gave is trusted (a repeated "manifests" key, say, would not).
 */
function locateDamaged(list: unknown[], marked: number[], text: string): void {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  const array = root && findNodeAtLocation(root, ['manifests']);
  if (!array || array.type !== 'array' || array.children?.length !== list.length) return;
  const position = positionMapper(text);
  for (const i of marked) {
    const node = array.children[i]!;
    const damage = DAMAGED.get(list[i] as object)!;
    const raw = text.slice(node.offset, node.offset + node.length);
    if (JSON.stringify(JSON.parse(raw)) !== JSON.stringify(damage.value)) continue;
    damage.raw = raw;
    damage.span = { offset: node.offset, length: node.length, start: position(node.offset), end: position(node.offset + node.length) };
  }
}
