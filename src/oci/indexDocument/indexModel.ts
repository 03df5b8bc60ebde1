/**
 * The table view of an image index document: one row per entry of `manifests`, read from the text as it is
 * (half-typed or invalid included), so the table always shows what the text says.
 */
import { getNodeValue } from 'jsonc-parser';
import type { Platform } from '../descriptor';
import { digestOf } from '../digest';
import { isImageIndex, isImageManifest } from '../mediaType';
import { formatPlatform } from '../platform';
import { nodeAt, parseText, type ParsedText, type TextStyle } from './jsonText';
import { isJsonObject } from '../jsonObject';

export interface IndexRow {
  /** Position in `manifests`. */
  index: number;
  mediaType?: string;
  digest?: string;
  size?: number;
  /** The platform as written, when it is an object with string os and architecture. */
  platform?: Platform;
  /** `linux/arm64/v8`, for display. */
  platformText?: string;
  artifactType?: string;
  /** The string-valued annotations (others are the validator's business). */
  annotations: Record<string, string>;
  /** Where the entry is in the text, to reveal it. */
  offset: number;
  length: number;
}

export type ModelKind = 'index' | 'manifest' | 'other';

export interface IndexModel {
  kind: ModelKind;
  /** The text is not (yet) JSON: rows are what could be read; edits are refused. */
  syntaxError: boolean;
  mediaType?: string;
  artifactType?: string;
  annotations: Record<string, string>;
  rows: IndexRow[];
  /** The digest and size the document has as it is now: a stored index saved from this text gets this digest. */
  digest: string;
  size: number;
  style: TextStyle;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** A platform as written; undefined when it lacks a string os or architecture. */
export function readPlatform(v: unknown): Platform | undefined {
  if (!isJsonObject(v) || typeof v.os !== 'string' || typeof v.architecture !== 'string') return undefined;
  const p: Platform = { architecture: v.architecture, os: v.os };
  if (typeof v['os.version'] === 'string') p['os.version'] = v['os.version'];
  if (Array.isArray(v['os.features']) && v['os.features'].every((f) => typeof f === 'string')) p['os.features'] = v['os.features'] as string[];
  if (typeof v.variant === 'string') p.variant = v.variant;
  if (Array.isArray(v.features) && v.features.every((f) => typeof f === 'string')) p.features = v.features as string[];
  return p;
}

function kindOf(doc: Json): ModelKind {
  const mt = str(doc.mediaType);
  if (isImageIndex(mt)) return 'index';
  if (isImageManifest(mt)) return 'manifest';
  if (mt === undefined && doc.manifests !== undefined) return 'index';
  if (mt === undefined && (doc.layers !== undefined || isJsonObject(doc.config))) return 'manifest';
  return 'other';
}

export function readModel(parsed: ParsedText): IndexModel {
  const bytes = Buffer.from(parsed.text, 'utf8');
  const base = { digest: digestOf(bytes), size: bytes.length, style: parsed.style, syntaxError: parsed.errors.length > 0 };
  const doc = parsed.root ? getNodeValue(parsed.root) : undefined;
  if (!isJsonObject(doc)) return { ...base, kind: 'other', annotations: {}, rows: [] };
  const rows: IndexRow[] = [];
  const list = nodeAt(parsed, ['manifests']);
  if (list?.type === 'array') {
    (list.children ?? []).forEach((node, index) => {
      const d = getNodeValue(node);
      const row: IndexRow = { index, annotations: {}, offset: node.offset, length: node.length };
      if (isJsonObject(d)) {
        row.mediaType = str(d.mediaType);
        row.digest = str(d.digest);
        if (typeof d.size === 'number') row.size = d.size;
        row.platform = readPlatform(d.platform);
        if (row.platform) row.platformText = formatPlatform(row.platform);
        row.artifactType = str(d.artifactType);
        row.annotations = stringMap(d.annotations);
      }
      rows.push(row);
    });
  }
  return {
    ...base,
    kind: kindOf(doc),
    mediaType: str(doc.mediaType),
    artifactType: str(doc.artifactType),
    annotations: stringMap(doc.annotations),
    rows,
  };
}

/** Parses the text and reads its table. */
export function indexModel(text: string): IndexModel {
  return readModel(parseText(text));
}
