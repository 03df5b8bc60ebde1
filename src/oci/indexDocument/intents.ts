/**
 * What a user can do to an index in the table, each turned into the few text edits that do exactly that, so
 * undo, dirty state, save and diffs behave as if the user had typed it.
 */
import { applyEdits, getNodeValue } from 'jsonc-parser';
import type { Descriptor, Platform } from '../descriptor';
import { goCompareKeys } from '../encoding/goJson';
import { OciError } from '../errors';
import { formatPath, type PathSegment } from '../validate';
import {
  fieldOrder,
  insertElements,
  moveElement,
  nodeAt,
  parseText,
  removeElement,
  removeProperty,
  setProperty,
  sortedKeys,
  type Edit,
  type JsonNode,
  type KeyOrder,
  type ParsedText,
} from './jsonText';
import { isJsonObject } from '../jsonObject';

/** `row` absent: the index's own annotations. */
export type EditIntent =
  | { type: 'addManifests'; descriptors: Descriptor[]; at?: number }
  | { type: 'removeRow'; row: number }
  | { type: 'moveRow'; from: number; to: number }
  | { type: 'setPlatform'; row: number; platform?: Platform }
  | { type: 'setAnnotation'; row?: number; key: string; value: string }
  | { type: 'removeAnnotation'; row?: number; key: string }
  /** A field of the document (`at` []) or of a descriptor (`at` ['manifests', 2]): what quick fixes set. */
  | { type: 'setField'; at: PathSegment[]; field: string; value: unknown };

// Field orders of image-spec's Go structs: new fields land where oras would write them.
const ROOT_ORDER = fieldOrder(['schemaVersion', 'mediaType', 'artifactType', 'manifests', 'config', 'layers', 'subject', 'annotations']);
const DESCRIPTOR_ORDER = fieldOrder(['mediaType', 'digest', 'size', 'urls', 'annotations', 'data', 'platform', 'artifactType']);
const PLATFORM_ORDER = fieldOrder(['architecture', 'os', 'os.version', 'os.features', 'variant', 'features']);

function orderFor(at: readonly PathSegment[]): KeyOrder {
  if (at.length === 0) return ROOT_ORDER;
  const last = at[at.length - 1];
  if (last === 'platform') return PLATFORM_ORDER;
  if (last === 'annotations') return sortedKeys;
  return DESCRIPTOR_ORDER;
}

function sortedMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(map).sort(goCompareKeys)) out[k] = map[k]!;
  return out;
}

/** A platform with its fields in the spec's order and empty ones left out. */
export function orderedPlatform(p: Platform): Platform {
  const out: Platform = { architecture: p.architecture, os: p.os };
  if (p['os.version']) out['os.version'] = p['os.version'];
  if (p['os.features']?.length) out['os.features'] = p['os.features'];
  if (p.variant) out.variant = p.variant;
  if (p.features?.length) out.features = p.features;
  return out;
}

const PLATFORM_FIELDS = ['architecture', 'os', 'os.version', 'os.features', 'variant', 'features'];
// What a field means depends on another: a variant is a level of one architecture, an os.version of one os.
const TIED: Record<string, 'architecture' | 'os'> = { variant: 'architecture', 'os.version': 'os', 'os.features': 'os' };

/** A platform as written, fields in the spec's order and any others (a later spec's, another tool's) after them. */
function platformInOrder(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PLATFORM_FIELDS) if (p[k] !== undefined) out[k] = p[k];
  for (const [k, v] of Object.entries(p)) if (!PLATFORM_FIELDS.includes(k) && v !== undefined) out[k] = v;
  return out;
}

/**
 * `next` over the platform written in the text: what `next` says replaces, and what it does not say stays
 * (features, fields of a later spec or another tool), except the fields named in `said` (those its source could
 * have said, so their absence means none) and a variant or os.version whose architecture or os changes.
 */
export function platformOver(written: unknown, next: Platform, said: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...orderedPlatform(next) };
  if (!isJsonObject(written)) return out;
  const old = written;
  for (const [k, v] of Object.entries(old)) {
    if (k in out || said.includes(k)) continue;
    const tie = TIED[k];
    if (tie && old[tie] !== next[tie]) continue;
    out[k] = v;
  }
  return platformInOrder(out);
}

/** A descriptor with its fields in the spec's order (as oras writes it): object key order is what gets written. */
export function orderedDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.urls?.length) out.urls = d.urls;
  const annotations = sortedMap(d.annotations);
  if (annotations) out.annotations = annotations;
  if (d.data) out.data = d.data;
  if (d.platform) out.platform = orderedPlatform(d.platform);
  if (d.artifactType) out.artifactType = d.artifactType;
  return out;
}

/** What a JSON node is, in a message: `a string`, `an array`. */
function kindText(node: JsonNode): string {
  return node.type === 'array' || node.type === 'object' ? `an ${node.type}` : node.type === 'null' ? 'null' : `a ${node.type}`;
}

function rowNode(parsed: ParsedText, row: number): JsonNode {
  const node = nodeAt(parsed, ['manifests', row]);
  if (!node) throw new OciError('INVALID_ARGUMENT', `manifests[${row}] is not in the document (it changed?)`);
  return node;
}

/** A row whose fields an edit changes: an object (a damaged entry written as a string, say, can only be removed). */
function rowPath(parsed: ParsedText, row: number): PathSegment[] {
  const node = rowNode(parsed, row);
  if (node.type !== 'object') throw new OciError('INVALID_ARGUMENT', `manifests[${row}] is ${kindText(node)}, not an object: fix it in the text, or remove it`);
  return ['manifests', row];
}

/** The annotations of `owner` as a map node; undefined when absent (or null). Anything else is not replaced. */
function annotationsMap(parsed: ParsedText, owner: PathSegment[]): JsonNode | undefined {
  const map = nodeAt(parsed, [...owner, 'annotations']);
  if (!map || map.type === 'null' || map.type === 'object') return map?.type === 'object' ? map : undefined;
  throw new OciError('INVALID_ARGUMENT', `${formatPath([...owner, 'annotations'])} is ${kindText(map)}, not a map of strings: fix it in the text first`);
}

function annotationsOwner(parsed: ParsedText, row: number | undefined): PathSegment[] {
  return row === undefined ? [] : rowPath(parsed, row);
}

function checkPlatform(p: Platform): void {
  if (typeof p.os !== 'string' || p.os.trim() === '' || typeof p.architecture !== 'string' || p.architecture.trim() === '') {
    throw new OciError('INVALID_ARGUMENT', 'a platform needs an os and an architecture');
  }
}

/** The edits (over `text`, non-overlapping, in order) that carry out `intent`. Refuses text that is not JSON. */
export function editsFor(text: string, intent: EditIntent): Edit[] {
  const parsed = parseText(text);
  if (parsed.errors.length > 0 || parsed.root?.type !== 'object') {
    throw new OciError('INVALID_ARGUMENT', 'the document is not valid JSON: fix the text first');
  }
  switch (intent.type) {
    case 'addManifests': {
      const descs = intent.descriptors.map(orderedDescriptor);
      const list = nodeAt(parsed, ['manifests']);
      if (!list || list.type !== 'array') return setProperty(parsed, [], 'manifests', descs, ROOT_ORDER);
      return insertElements(parsed, ['manifests'], intent.at ?? list.children?.length ?? 0, descs);
    }
    case 'removeRow':
      rowNode(parsed, intent.row);
      return removeElement(parsed, ['manifests'], intent.row);
    case 'moveRow':
      return moveElement(parsed, ['manifests'], intent.from, intent.to);
    case 'setPlatform': {
      const at = rowPath(parsed, intent.row);
      if (!intent.platform) return removeProperty(parsed, at, 'platform');
      checkPlatform(intent.platform);
      // The table's text says os, architecture, variant and os.version: the rest of what is written stays.
      const written = nodeAt(parsed, [...at, 'platform']);
      const value = platformOver(written ? getNodeValue(written) : undefined, intent.platform, ['variant', 'os.version']);
      return setProperty(parsed, at, 'platform', value, DESCRIPTOR_ORDER);
    }
    case 'setAnnotation': {
      if (intent.key === '') throw new OciError('INVALID_ARGUMENT', 'an annotation needs a key');
      const owner = annotationsOwner(parsed, intent.row);
      if (annotationsMap(parsed, owner)) return setProperty(parsed, [...owner, 'annotations'], intent.key, intent.value, sortedKeys);
      return setProperty(parsed, owner, 'annotations', { [intent.key]: intent.value }, orderFor(owner));
    }
    case 'removeAnnotation': {
      const owner = annotationsOwner(parsed, intent.row);
      const map = annotationsMap(parsed, owner);
      if (!map) return [];
      const keys = (map.children ?? []).map((p) => p.children?.[0]?.value);
      if (!keys.includes(intent.key)) return [];
      // The last one takes the map with it: an empty map is what Go leaves out (omitempty).
      if (keys.length === 1 && keys[0] === intent.key) return removeProperty(parsed, owner, 'annotations');
      return removeProperty(parsed, [...owner, 'annotations'], intent.key);
    }
    case 'setField': {
      const owner = nodeAt(parsed, intent.at);
      if (!owner || owner.type !== 'object') throw new OciError('INVALID_ARGUMENT', `no object at ${JSON.stringify(intent.at)}`);
      const value = intent.field === 'platform' && typeof intent.value === 'object' && intent.value ? platformInOrder(intent.value as Record<string, unknown>) : intent.value;
      return setProperty(parsed, intent.at, intent.field, value, orderFor(intent.at));
    }
  }
}

/** The text after `intent`. */
export function applyIntent(text: string, intent: EditIntent): string {
  return applyEdits(text, editsFor(text, intent));
}
