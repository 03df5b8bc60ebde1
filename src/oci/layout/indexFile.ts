import type { Descriptor, ImageIndex } from '../descriptor';
import { encodeIndex } from '../encoding/goJson';
import { OciError } from '../errors';
import { MediaType } from '../mediaType';
import { isDigestFast } from './verify';

/**
 * Reading and writing `index.json`. Reading is lenient where real tools differ (umoci writes
 * `"manifests": null`, zot indents, some omit mediaType) and strict where a wrong value would
 * let a descriptor point outside the layout (digests are checked before any path is built).
 */
export function parseIndexJson(raw: Buffer | string, where: string): ImageIndex {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const detail = text.trim() === '' ? 'the file is empty' : `malformed JSON (${(err as Error).message})`;
    throw new OciError('INVALID_LAYOUT', `${where}: ${detail}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new OciError('INVALID_LAYOUT', `${where}: not a JSON object`);
  }
  const o = doc as Record<string, unknown>;
  if (o.schemaVersion !== 2) {
    throw new OciError('INVALID_LAYOUT', `${where}: schemaVersion is ${JSON.stringify(o.schemaVersion)}, expected 2`);
  }
  if (o.mediaType !== undefined && o.mediaType !== MediaType.ImageIndex) {
    throw new OciError('INVALID_LAYOUT', `${where}: mediaType is ${JSON.stringify(o.mediaType)}, expected ${MediaType.ImageIndex}`);
  }
  // umoci writes null for an empty list; Go decodes null and absent alike.
  const list = o.manifests === null || o.manifests === undefined ? [] : o.manifests;
  if (!Array.isArray(list)) throw new OciError('INVALID_LAYOUT', `${where}: "manifests" is not a list`);
  const manifests = list.map((entry, i) => checkEntry(entry, `${where}: manifests[${i}]`));
  const index: ImageIndex = { schemaVersion: 2, manifests };
  if (typeof o.mediaType === 'string') index.mediaType = o.mediaType;
  if (typeof o.artifactType === 'string') index.artifactType = o.artifactType;
  if (o.subject !== undefined && o.subject !== null) index.subject = checkEntry(o.subject, `${where}: subject`);
  if (isStringMap(o.annotations)) index.annotations = o.annotations;
  return index;
}

function checkEntry(entry: unknown, where: string): Descriptor {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new OciError('INVALID_LAYOUT', `${where}: not a descriptor object`);
  }
  const d = entry as Record<string, unknown>;
  if (!isDigestFast(d.digest)) {
    throw new OciError('INVALID_LAYOUT', `${where}: invalid digest ${JSON.stringify(d.digest)}`);
  }
  if (typeof d.mediaType !== 'string') throw new OciError('INVALID_LAYOUT', `${where}: missing mediaType`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new OciError('INVALID_LAYOUT', `${where}: invalid size ${JSON.stringify(d.size)}`);
  }
  if (d.annotations !== undefined && d.annotations !== null && !isStringMap(d.annotations)) {
    throw new OciError('INVALID_LAYOUT', `${where}: annotations must map strings to strings`);
  }
  return entry as Descriptor;
}

function isStringMap(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // A plain loop: index.json has an annotations map per tag, and Object.values() allocates for each.
  const record = v as Record<string, unknown>;
  for (const key in record) if (typeof record[key] !== 'string') return false;
  return true;
}

/**
 * index.json as oras-go writes it: Go's json.Marshal of ocispec.Index (compact, struct field order,
 * sorted annotation keys, HTML-safe escapes, no trailing newline), which skopeo and umoci read.
 */
export function encodeIndexJson(index: ImageIndex): Buffer {
  return encodeIndex(index);
}

/** What oras-go writes for a new layout. */
export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] };
}
