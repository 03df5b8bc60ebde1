import type { Descriptor, ImageIndex } from '../descriptor';
import { descriptorJson, encodeIndexJson, goShaped, indexShell, sortedStringMap } from './indexFile';

/** index.json as read: its exact bytes, and what they parsed to (entry objects that are never changed). */
export interface IndexFileState {
  raw: Buffer;
  index: ImageIndex;
  /** raw decoded as UTF-8, if kept from parsing it. */
  text?: string;
}

/**
 * encodeIndexJson(index)'s bytes, without encoding again the entries `index` keeps from `base` (the same objects,
 * as a tag, untag or delete leaves them) when base's bytes are already what Go writes for them: those bytes are
 * copied. A tag in a 10,000-tag layout then copies two byte ranges instead of building and encoding a 2 MB
 * string, which on a busy machine cost more in garbage collection than in encoding. Returned as the pieces they
 * are made of (runs of base.raw, new entries), in order: written with one writev, so the whole file is never
 * copied into one more buffer (on a busy machine, a copy of a 2 MB index.json took as long as parsing it).
 */
export function indexJsonPartsFrom(index: ImageIndex, base: IndexFileState): Buffer[] {
  if (!Array.isArray(index.manifests) || !Array.isArray(base.index.manifests) || base.index.manifests.length === 0) return [encodeIndexJson(index)];
  const spans = canonicalSpans(base);
  if (!spans) return [encodeIndexJson(index)];
  const kept = base.index.manifests;
  // Where each kept entry was in base: by walking alongside base while the entries are base's in order (an
  // append, a tag added at the end), by a map (built only if needed) from the first one out of order. (An
  // entry of base's taken for new is only encoded again, to the same bytes.)
  let at: Map<Descriptor, number> | undefined;
  let expected = 0;
  const indexOf = (d: Descriptor): number | undefined => {
    if (kept[expected] === d) return expected++;
    if (expected === kept.length) return undefined; // past the last of base's, in order: what follows is new
    if (!at) {
      at = new Map();
      kept.forEach((k, i) => at!.set(k, i));
    }
    const i = at.get(d);
    if (i !== undefined) expected = i + 1;
    return i;
  };

  const { head, tail } = indexShell(index);
  // Copied runs of base.raw and runs of new entries (encoded, then joined into one buffer), in order.
  const parts: Buffer[] = [Buffer.from(`${head}[`, 'utf8')];
  let runStart = -1;
  let runEnd = -1;
  let fresh: string[] = [];
  let first = true;
  const add = (part: Buffer) => {
    if (!first) parts.push(COMMA);
    parts.push(part);
    first = false;
  };
  const flush = () => {
    if (runStart !== -1) add(base.raw.subarray(runStart, runEnd));
    runStart = -1;
    if (fresh.length > 0) add(Buffer.from(fresh.join(','), 'utf8'));
    fresh = [];
  };
  for (const d of index.manifests) {
    const i = indexOf(d);
    if (i === undefined) {
      if (runStart !== -1) flush();
      fresh.push(descriptorJson(d));
    } else if (runStart !== -1 && spans.start[i] === runEnd + 1) {
      runEnd = spans.end[i]!; // the next entry in the file: the run takes it and the comma before it
    } else {
      flush();
      runStart = spans.start[i]!;
      runEnd = spans.end[i]!;
    }
  }
  flush();
  parts.push(Buffer.from(`]${tail}`, 'utf8'));
  return parts;
}

/** Whether `raw` holds exactly the bytes of `parts`, one after the other. */
export function sameBytes(raw: Buffer, parts: Buffer | readonly Buffer[]): boolean {
  if (Buffer.isBuffer(parts)) return raw.equals(parts);
  let at = 0;
  for (const part of parts) {
    if (at + part.length > raw.length || !raw.subarray(at, at + part.length).equals(part)) return false;
    at += part.length;
  }
  return at === raw.length;
}

const COMMA = Buffer.from(',');

// Printable ASCII but the quote, the backslash and what Go escapes (<, >, &): a string written the same by any
// JSON encoder, one byte per character.
const P = '[\\x20\\x21\\x23-\\x25\\x27-\\x3b\\x3d\\x3f-\\x5b\\x5d-\\x7e]';
const PAIR = `"${P}*":"${P}*"`;
const entry = (annotations: string) =>
  new RegExp(
    `\\{"mediaType":"${P}*","digest":"${P}*","size":(?:0|[1-9][0-9]{0,14})` +
      `(?:,"annotations":\\{${annotations}\\})?` +
      `(?:,"platform":\\{"architecture":"${P}*","os":"${P}*"(?:,"os\\.version":"${P}+")?(?:,"variant":"${P}+")?\\})?` +
      `(?:,"artifactType":"${P}+")?\\}`,
    'y',
  );
/** A descriptor in Go's field order, no empty optional field, at most one annotation, a size JSON numbers hold exactly. */
const ENTRY = entry(PAIR);
/** The same with several annotations: those entries are checked further (sorted keys, none twice). */
const ENTRY_MANY = entry(`${PAIR}(?:,${PAIR})+`);

/**
 * Where each entry of base.index.manifests lies in base.raw, if base.raw is exactly what the Go encoder
 * writes for base.index (the shell as indexShell writes it, compact entries in the shape above); else null.
 */
function canonicalSpans(base: IndexFileState): { start: Int32Array; end: Int32Array } | null {
  const list = base.index.manifests;
  // Offsets in the text must be offsets in the bytes: a UTF-8 decoding as long as the bytes has one
  // character per byte; otherwise a latin1 decoding does.
  const text = base.text !== undefined && base.text.length === base.raw.length ? base.text : base.raw.toString('latin1');
  const { head, tail } = indexShell(base.index);
  const open = `${head}[`;
  const close = `]${tail}`;
  if (!text.startsWith(open) || !text.endsWith(close)) return null;
  const start = new Int32Array(list.length);
  const end = new Int32Array(list.length);
  let pos = open.length;
  for (let i = 0; i < list.length; i++) {
    start[i] = pos;
    ENTRY.lastIndex = pos;
    if (ENTRY.test(text)) {
      pos = ENTRY.lastIndex;
    } else {
      ENTRY_MANY.lastIndex = pos;
      if (!ENTRY_MANY.test(text)) return null;
      // JSON.parse kept one of a key written twice, and does not sort: the bytes must be what the object encodes to.
      const d = list[i];
      if (!goShaped(d) || !sortedStringMap(d!.annotations) || text.slice(pos, ENTRY_MANY.lastIndex) !== JSON.stringify(d)) return null;
      pos = ENTRY_MANY.lastIndex;
    }
    end[i] = pos;
    const next = text.charCodeAt(pos);
    if (i < list.length - 1 ? next !== 0x2c /* , */ : pos !== text.length - close.length) return null;
    pos++;
  }
  return { start, end };
}
