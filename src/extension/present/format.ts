// Small text formatting for the tree and messages; no `vscode` here so it is unit-tested in plain Node.
import { ANNOTATION_CREATED, ANNOTATION_TITLE } from '../../oci/descriptor';
import { shortDigest } from '../../oci/reference';
import { holdsUnseen, quotedText, shownName } from '../../oci/shownName';

export { shortDigest };

/** What a question or a message calls a manifest: its tag as stored names are shown (shownName), else its short digest. */
export function manifestName(tag: string | undefined, digest: string): string {
  return tag !== undefined ? shownName(tag) : shortDigest(digest);
}

/** `1.2 MB`, `512 B`: decimal units, as registries and `docker images` show sizes. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

// Well-known annotation keys shown by a short name in labels; the tooltip keeps the full key.
const SHORT_KEYS: Record<string, string> = {
  [ANNOTATION_CREATED]: 'created',
  [ANNOTATION_TITLE]: 'title',
  'org.opencontainers.image.version': 'version',
  'org.opencontainers.image.revision': 'revision',
  'org.opencontainers.image.source': 'source',
  'vnd.microsoft.artifact.lifecycle.end-of-life.date': 'end-of-life',
  'io.cncf.notary.x509chain.thumbprint#S256': 'thumbprint',
};

export function shortAnnotationKey(key: string): string {
  return SHORT_KEYS[key] ?? key;
}

/**
 * Text from a file another tool wrote, as a row shows it: on one line, cut to `max` characters (an annotation may
 * hold a megabyte, or a whole README); the tooltip has more. What cannot be seen besides line breaks (a bidi
 * override reordering the row, a zero-width space) is quoted and escaped, as names are (shownName).
 */
export function oneLine(text: string, max = 60): string {
  // An annotation another tool wrote may be no string at all: shown as the JSON it is, never [object Object].
  const value: unknown = text;
  let flat = (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))).replace(/\s*[\r\n]+\s*/g, ' ');
  if (holdsUnseen(flat)) flat = quotedText(flat);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `end-of-life=2025-01-01, created=2024-05-01T00:00:00Z`: what fits after a label, the notable ones first. */
export function annotationsInline(annotations: Record<string, string> | undefined, max = 2): string {
  if (!annotations) return '';
  const keys = Object.keys(annotations).filter((k) => k !== 'org.opencontainers.image.ref.name');
  const rank = (k: string) => (k.includes('end-of-life') ? 0 : k in SHORT_KEYS ? 1 : 2);
  keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const shown = keys.slice(0, max).map((k) => `${oneLine(shortAnnotationKey(k))}=${oneLine(annotations[k]!)}`);
  if (keys.length > max) shown.push(`+${keys.length - max}`);
  return shown.join(', ');
}

/** The last part of a media type, for compact descriptions: `image.layer.v1.tar+gzip`. */
export function shortMediaType(mediaType: string): string {
  return mediaType.replace(/^application\/vnd\.(oci|docker)\./, '').replace(/^application\//, '');
}

/** Escapes text for a Markdown tooltip (values come from files other tools wrote). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** An inline code span that survives backticks in the value. */
export function codeSpan(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`;
}
