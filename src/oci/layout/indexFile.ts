import type { Descriptor, ImageIndex } from '../descriptor';
import { encodeDescriptor, encodeIndex } from '../encoding/goJson';
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
  if (!Array.isArray(index.manifests)) return encodeIndex(index);
  // The document around the list, by the Go encoder; `"manifests":[]` is the first such text in it, as only
  // schemaVersion, mediaType and artifactType come before, and quotes inside their strings are escaped.
  const shell = encodeIndex({ ...index, manifests: [] }).toString('utf8');
  const at = shell.indexOf(EMPTY_LIST);
  const parts = new Array<string>(index.manifests.length);
  for (let i = 0; i < parts.length; i++) parts[i] = descriptorJson(index.manifests[i]!);
  return Buffer.from(`${shell.slice(0, at)},"manifests":[${parts.join(',')}]${shell.slice(at + EMPTY_LIST.length)}`, 'utf8');
}

const EMPTY_LIST = ',"manifests":[]';
// A string Go writes as JSON.stringify does: no control characters, quote or backslash, none of the
// HTML-sensitive characters Go escapes (<, >, &), no line separators, no surrogates.
const PLAIN = '[^"\\\\\\u0000-\\u001f<>&\\u2028\\u2029\\ud800-\\udfff]';
const PAIR = `"${PLAIN}*":"${PLAIN}*"`;
/**
 * The descriptors index.json is made of (media type, digest, size, a few annotations, a platform, an
 * artifact type) in the shape in which JSON.stringify writes exactly the bytes Go does: its field order,
 * no field Go would leave out as empty, plain strings. Anything else goes through the Go encoder.
 */
const GO_SHAPED = new RegExp(
  `^\\{"mediaType":"${PLAIN}*","digest":"${PLAIN}*","size":(?:0|[1-9][0-9]*)` +
    `(?:,"annotations":\\{${PAIR}(?:,${PAIR})*\\})?` +
    `(?:,"platform":\\{"architecture":"${PLAIN}*","os":"${PLAIN}*"(?:,"os\\.version":"${PLAIN}+")?(?:,"variant":"${PLAIN}+")?\\})?` +
    `(?:,"artifactType":"${PLAIN}+")?\\}$`,
);

/** One descriptor as Go's encoder writes it; JSON.stringify, where it writes the same, takes a third to a half less CPU for a 10,000-tag index.json. */
function descriptorJson(d: Descriptor): string {
  const json = typeof d === 'object' && d !== null ? JSON.stringify(d) : undefined;
  if (json !== undefined && GO_SHAPED.test(json) && Number.isSafeInteger(d.size) && annotationsSorted(d.annotations)) return json;
  return encodeDescriptor(d);
}

/** Go writes map keys sorted; without surrogates (PLAIN has none) UTF-16 order is Go's byte order. */
function annotationsSorted(map: Record<string, string> | undefined): boolean {
  if (!map) return true;
  let previous: string | undefined;
  for (const key in map) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
  }
  return true;
}

/** What oras-go writes for a new layout. */
export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] };
}
