/**
 * JSON exactly as oras 1.3 writes OCI documents: Go's encoding/json (Go >= 1.22) marshalling the structs of
 * image-spec v1.1.1. Digests of the documents Manifold creates must equal what oras would create for the same
 * input, so key order, omitempty and string escaping all follow Go, not JSON.stringify.
 */
import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../descriptor';
import { OciError } from '../errors';
import { decodeGoBase64 } from './base64';

export interface GoJsonOptions {
  /**
   * Indent as `oras manifest fetch --pretty` prints: json.Indent with two spaces, then one newline. The
   * compact form (the default) is the one that gets stored and digested, and has no trailing newline.
   */
  pretty?: boolean;
}

const HEX = '0123456789abcdef';
// Everything Go's encoder does not copy as it is: controls, quote, backslash, the HTML-sensitive <, > and &,
// the JavaScript line separators and any surrogate (a lone one is invalid UTF-8 to Go).
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/** A string literal as Go's json.Marshal writes it (HTML escaping on, as oras leaves it). */
export function goQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08: esc = '\\b'; break;
        case 0x0c: esc = '\\f'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        default: esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x3c || c === 0x3e || c === 0x26) esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    else if (c === 0x2028) esc = '\\u2028';
    else if (c === 0x2029) esc = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair is one code point, copied as it is
        continue;
      }
      esc = '\\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) esc = '\\ufffd';
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

/**
 * Go sorts map keys as byte strings, i.e. by UTF-8, which orders code points; JavaScript's `<` orders
 * UTF-16 code units, which differs once characters above U+FFFF meet those in U+E000..U+FFFF.
 */
export function goCompareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return codePointRank(a, i) - codePointRank(b, i);
  }
  return a.length - b.length;
}

function codePointRank(s: string, i: number): number {
  const cp = s.codePointAt(i)!;
  // A lone surrogate reaches Go as U+FFFD.
  return cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
}

function fail(message: string): never {
  throw new OciError('INVALID_ARGUMENT', `cannot encode as JSON: ${message}`);
}

function str(value: unknown, what: string): string {
  if (value === undefined || value === null) return '""'; // Go's zero value for a string field
  if (typeof value !== 'string') fail(`${what} is ${typeof value}, not a string`);
  return goQuote(value);
}

function int(value: unknown, what: string): string {
  if (value === undefined || value === null) return '0';
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(`${what} ${String(value)} is not an integer`);
  return String(value);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function stringArray(values: unknown, what: string): string {
  if (!Array.isArray(values)) fail(`${what} is not an array`);
  return `[${values.map((v, i) => str(v, `${what}[${i}]`)).join(',')}]`;
}

function stringMap(map: unknown, what: string): string | undefined {
  if (map === undefined || map === null) return undefined;
  if (typeof map !== 'object' || Array.isArray(map)) fail(`${what} is not an object`);
  const keys = Object.keys(map).sort(goCompareKeys);
  if (keys.length === 0) return undefined; // omitempty on a map means no entries
  const record = map as Record<string, unknown>;
  return `{${keys.map((k) => `${goQuote(k)}:${str(record[k], `${what}[${JSON.stringify(k)}]`)}`).join(',')}}`;
}

function platformJson(p: Platform): string {
  if (typeof p !== 'object' || p === null) fail('platform is not an object');
  let out = `{"architecture":${str(p.architecture, 'platform.architecture')},"os":${str(p.os, 'platform.os')}`;
  if (!isEmpty(p['os.version'])) out += `,"os.version":${str(p['os.version'], 'platform.os.version')}`;
  if (p['os.features'] && p['os.features'].length > 0) out += `,"os.features":${stringArray(p['os.features'], 'platform.os.features')}`;
  if (!isEmpty(p.variant)) out += `,"variant":${str(p.variant, 'platform.variant')}`;
  // `features` is RESERVED in image-spec v1.1 and absent from its Go struct, so oras drops it when re-encoding.
  return out + '}';
}

/** A platform as Go's json.Marshal writes ocispec.Platform (oras's `push --artifact-platform` config). */
export function encodePlatform(p: Platform): string {
  return platformJson(p);
}

function dataJson(data: unknown): string | undefined {
  if (isEmpty(data)) return undefined;
  if (typeof data !== 'string') fail('descriptor data is not a string');
  const bytes = decodeGoBase64(data);
  if (bytes === undefined) fail('descriptor data is not standard base64');
  // Go keeps the decoded bytes, so what it writes back is the canonical encoding.
  return bytes.length === 0 ? undefined : JSON.stringify(bytes.toString('base64'));
}

function descriptorJson(d: Descriptor): string {
  if (typeof d !== 'object' || d === null) fail('descriptor is not an object');
  // image-spec v1.1 made the descriptor mediaType a plain (not omitempty) field.
  let out = `{"mediaType":${str(d.mediaType, 'mediaType')},"digest":${str(d.digest, 'digest')},"size":${int(d.size, 'size')}`;
  if (d.urls && d.urls.length > 0) out += `,"urls":${stringArray(d.urls, 'urls')}`;
  const annotations = stringMap(d.annotations, 'annotations');
  if (annotations !== undefined) out += `,"annotations":${annotations}`;
  const data = dataJson(d.data);
  if (data !== undefined) out += `,"data":${data}`;
  if (d.platform) out += `,"platform":${platformJson(d.platform)}`;
  if (!isEmpty(d.artifactType)) out += `,"artifactType":${str(d.artifactType, 'artifactType')}`;
  return out + '}';
}

function descriptorList(list: Descriptor[] | null | undefined, what: string): string {
  // Always `[]` for none: these fields are not omitempty, and `null` trips other tools (umoci writes it).
  if (list === undefined || list === null) return '[]';
  if (!Array.isArray(list)) fail(`${what} is not an array`);
  return `[${list.map(descriptorJson).join(',')}]`;
}

/** The fields index and manifest share, ahead of and behind their own. */
function head(doc: ImageIndex | ImageManifest): string {
  let out = `{"schemaVersion":${int(doc.schemaVersion, 'schemaVersion')}`;
  if (!isEmpty(doc.mediaType)) out += `,"mediaType":${str(doc.mediaType, 'mediaType')}`;
  if (!isEmpty(doc.artifactType)) out += `,"artifactType":${str(doc.artifactType, 'artifactType')}`;
  return out;
}

function tail(doc: ImageIndex | ImageManifest): string {
  let out = '';
  if (doc.subject) out += `,"subject":${descriptorJson(doc.subject)}`;
  const annotations = stringMap(doc.annotations, 'annotations');
  if (annotations !== undefined) out += `,"annotations":${annotations}`;
  return out + '}';
}

function finish(compact: string, options: GoJsonOptions | undefined): string {
  return options?.pretty ? goIndent(compact) + '\n' : compact;
}

export function encodeDescriptor(desc: Descriptor, options?: GoJsonOptions): string {
  return finish(descriptorJson(desc), options);
}

export function encodeIndex(index: ImageIndex, options?: GoJsonOptions): Buffer {
  const json = head(index) + `,"manifests":${descriptorList(index.manifests, 'manifests')}` + tail(index);
  return Buffer.from(finish(json, options), 'utf8');
}

export function encodeManifest(manifest: ImageManifest, options?: GoJsonOptions): Buffer {
  if (typeof manifest.config !== 'object' || manifest.config === null) fail('manifest config is not a descriptor');
  const json =
    head(manifest) +
    `,"config":${descriptorJson(manifest.config)},"layers":${descriptorList(manifest.layers, 'layers')}` +
    tail(manifest);
  return Buffer.from(finish(json, options), 'utf8');
}

/**
 * encodeManifest for manifests that differ only in their subject (attach --recursive packs a thousand alike): the
 * fields around the subject are encoded once. `encode(s)` gives the bytes of encodeManifest({ ...manifest, subject: s }).
 */
export function manifestSubjectEncoder(manifest: ImageManifest): (subject: Descriptor | undefined) => Buffer {
  if (typeof manifest.config !== 'object' || manifest.config === null) fail('manifest config is not a descriptor');
  // Go's field order puts subject after layers and before annotations, the last field.
  const before = head(manifest) + `,"config":${descriptorJson(manifest.config)},"layers":${descriptorList(manifest.layers, 'layers')}`;
  const after = tail({ ...manifest, subject: undefined });
  return (subject) => Buffer.from(subject ? `${before},"subject":${descriptorJson(subject)}${after}` : before + after, 'utf8');
}

/**
 * Any JSON value as Go marshals an `interface{}` holding it: objects are maps (keys sorted), numbers are
 * float64, byte arrays are base64. Unknown fields of typed documents are not kept: use the typed encoders.
 */
export function goStringify(value: unknown, options?: GoJsonOptions): string {
  return finish(anyJson(value, ''), options);
}

function anyJson(value: unknown, where: string): string {
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(`${where || 'value'} is ${value}`);
      // Go and JavaScript both print the shortest round-trip form, switching to exponents below 1e-6 and
      // from 1e21, and both drop a leading zero in the exponent; only negative zero differs.
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
      if (Array.isArray(value)) return `[${value.map((v, i) => anyJson(v, `${where}[${i}]`)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(goCompareKeys);
      return `{${keys.map((k) => `${goQuote(k)}:${anyJson(record[k], `${where}.${k}`)}`).join(',')}}`;
    }
    default:
      fail(`${where || 'value'} is a ${typeof value}`);
  }
}

/**
 * Go's json.Indent over compact JSON: a newline, the prefix and the indent after each opening bracket and
 * comma, `": "` after keys, empty `{}` and `[]` kept on one line, string contents copied untouched, no prefix
 * before the first line and no final newline.
 */
export function goIndent(compact: string, prefix = '', indent = '  '): string {
  const parts: string[] = [];
  let depth = 0;
  let needIndent = false; // just opened a bracket: indent unless it closes at once
  let from = 0; // start of the run of characters not yet copied
  const flush = (to: number): void => {
    if (to > from) parts.push(compact.slice(from, to));
    from = to;
  };
  const newline = (): void => {
    parts.push('\n', prefix, indent.repeat(depth));
  };
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      flush(i); // whitespace between tokens is dropped, as Indent does
      from = i + 1;
      continue;
    }
    if (needIndent && c !== 0x5d && c !== 0x7d) {
      flush(i);
      needIndent = false;
      depth++;
      newline();
    }
    switch (c) {
      case 0x22: {
        // Jump to the closing quote; a backslash always escapes the character after it.
        let j = i + 1;
        while (j < compact.length && compact.charCodeAt(j) !== 0x22) j += compact.charCodeAt(j) === 0x5c ? 2 : 1;
        i = j;
        break;
      }
      case 0x7b: // {
      case 0x5b: // [
        needIndent = true;
        break;
      case 0x2c: // ,
        flush(i + 1);
        newline();
        break;
      case 0x3a: // :
        flush(i + 1);
        parts.push(' ');
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (needIndent) {
          needIndent = false; // an empty container stays `{}` / `[]`
        } else {
          flush(i);
          depth--;
          newline();
        }
        break;
    }
  }
  flush(compact.length);
  return parts.join('');
}
