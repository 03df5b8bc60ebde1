/**
 * sprig's string, encoding and regex functions (oras adds sprig's TxtFuncMap), each as sprig 3.2.3 computes it.
 * Go's strings are bytes: trunc, substr and abbrev count UTF-8 bytes, and a character they cut in two prints as
 * U+FFFD here (Go writes the broken bytes). Go's case mappings are one rune to one rune (ß stays ß in upper).
 */
import { createHash } from '../../oci/nodeCrypto';
import { type AnyFunc, fn, fnv } from './callable';
import { formatValue, sprintf, strval, typed, type Value } from './fmt';
import { compileGoRegexp, goMatches, goReplaceAll, GoRegexpSyntaxError } from '../../oci/goRegexp';
import { GO_SPACE } from './parse';

const s = (v: Value) => v as string;
const n = (v: Value) => Number(v as bigint);

/** Go's unicode.ToUpper/ToLower: the simple one-to-one mapping, where JS's may give two characters. */
function mapRunes(text: string, to: (ch: string) => string): string {
  let out = '';
  for (const ch of text) {
    const m = to(ch);
    out += [...m].length === 1 ? m : ch === '\u0130' ? 'i' : ch;
  }
  return out;
}
const upper = (t: string) => mapRunes(t, (c) => c.toUpperCase());
const lower = (t: string) => mapRunes(t, (c) => c.toLowerCase());

/** Title case of the digraphs, the letters whose title case is not their upper case (Go's unicode.ToTitle). */
const TITLE: Record<string, string> = { Ǆ: 'ǅ', ǆ: 'ǅ', ǅ: 'ǅ', Ǉ: 'ǈ', ǉ: 'ǈ', ǈ: 'ǈ', Ǌ: 'ǋ', ǌ: 'ǋ', ǋ: 'ǋ', Ǳ: 'ǲ', ǳ: 'ǲ', ǲ: 'ǲ' };

/** strings.Title: each letter after a separator (not a letter, digit or _; among non-ASCII, a space) in title case. */
function title(t: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of t) {
    const ascii = prev.charCodeAt(0) < 0x80;
    const separator = ascii ? !/[0-9A-Za-z_]/.test(prev) : !/[\p{L}\p{Nd}]/u.test(prev) && new RegExp(GO_SPACE.source).test(prev);
    out += separator ? (TITLE[ch] ?? upper(ch)) : ch;
    prev = ch;
  }
  return out;
}

const trimSpace = (t: string) => t.replace(new RegExp(`^${GO_SPACE.source}+|${GO_SPACE.source}+$`, 'g'), '');

/** strings.Trim: the characters of `cutset` off both ends. */
function trimAll(cutset: string, t: string): string {
  const cut = new Set(cutset);
  const chars = [...t];
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a]!)) a++;
  while (b > a && cut.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

/** strings.Replace with n = -1: an empty `old` goes before each character and at the end. */
const replace = (old: string, rep: string, src: string) => (old === '' ? rep + [...src].map((c) => c + rep).join('') : src.split(old).join(rep));

/** strings.Repeat, whose negative count panics; a result too big for a JS string fails in Go's words for one too big for Go. */
function repeat(count: number, t: string): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  if (count * t.length > 2 ** 28) throw new Error('strings: Repeat output length overflow');
  return t.repeat(count);
}

/** s[a:b] over UTF-8 bytes, Go's slice bounds checked with Go's runtime message. */
function byteSlice(t: string, a: number | undefined, b: number | undefined): string {
  const bytes = Buffer.from(t, 'utf8');
  const lo = a ?? 0;
  const hi = b ?? bytes.length;
  if (hi < 0) throw new Error(`runtime error: slice bounds out of range [:${hi}]`);
  if (hi > bytes.length) throw new Error(`runtime error: slice bounds out of range [:${hi}] with length ${bytes.length}`);
  if (lo < 0 || lo > hi) throw new Error(`runtime error: slice bounds out of range [${lo}:${hi}]`);
  return bytes.subarray(lo, hi).toString('utf8');
}

const byteLength = (t: string) => Buffer.byteLength(t, 'utf8');

/** sprig's substr: start < 0 takes s[:end]; end < 0 or past the end takes s[start:]. */
function substr(start: number, end: number, t: string): string {
  if (start < 0) return byteSlice(t, undefined, end);
  if (end < 0 || end > byteLength(t)) return byteSlice(t, start, undefined);
  return byteSlice(t, start, end);
}

function trunc(c: number, t: string): string {
  const len = byteLength(t);
  if (c < 0 && len + c > 0) return byteSlice(t, len + c, undefined);
  if (c >= 0 && len > c) return byteSlice(t, 0, c);
  return t;
}

/** goutils.Abbreviate (offset 0), as sprig's abbrev calls it: widths below 4 give the text as it is. */
function abbrev(width: number, t: string): string {
  if (width < 4 || t === '' || byteLength(t) <= width) return t;
  return `${byteSlice(t, 0, width - 3)}...`;
}

const indent = (spaces: number, t: string) => {
  const pad = repeat(spaces, ' ');
  return pad + t.split('\n').join(`\n${pad}`);
};

/** strings.Split: an empty separator splits into characters. */
const split = (sep: string, t: string): string[] => (sep === '' ? [...t] : t.split(sep));

/** sprig's strslice: a list's elements but nil as strings, nil as no strings, anything else as one. */
export function strslice(v: Value): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  return v === null || v === undefined ? [] : [strval(v)];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64.StdEncoding.DecodeString, with the error sprig prints in place of the text ("illegal base64 data at input byte 4"). */
function b64dec(text: string): string {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  let si = 0;
  for (;;) {
    const quantum: number[] = [];
    let dlen = 4;
    let trailing: number | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out).toString('utf8');
        return corrupt(si - j);
      }
      const c = src[si++]!;
      const d = B64.indexOf(String.fromCharCode(c));
      if (c < 0x80 && d >= 0) {
        quantum[j] = d;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d) return corrupt(si - 1);
      // Padding: "=" after two characters needs a second one; nothing but newlines may follow.
      if (j < 2) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = ((quantum[0] ?? 0) << 18) | ((quantum[1] ?? 0) << 12) | ((quantum[2] ?? 0) << 6) | (quantum[3] ?? 0);
    out.push(...[(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff].slice(0, dlen - 1));
    if (trailing !== undefined) return corrupt(trailing);
    if (dlen < 4) return Buffer.from(out).toString('utf8');
  }
}

/** regexp.MatchString, whose error sprig drops: a pattern Go refuses matches nothing. */
function regexMatch(pattern: string, t: string): boolean {
  let re: RegExp;
  try {
    re = compileGoRegexp(pattern);
  } catch (e) {
    if (e instanceof GoRegexpSyntaxError) return false;
    throw e;
  }
  re.lastIndex = 0;
  return re.test(t);
}

export const SPRIG_STRINGS: Record<string, AnyFunc> = {
  upper: fn(['string'], (t) => upper(s(t))),
  lower: fn(['string'], (t) => lower(s(t))),
  title: fn(['string'], (t) => title(s(t))),
  trim: fn(['string'], (t) => trimSpace(s(t))),
  trimAll: fn(['string', 'string'], (c, t) => trimAll(s(c), s(t))),
  trimPrefix: fn(['string', 'string'], (p, t) => (s(t).startsWith(s(p)) ? s(t).slice(s(p).length) : s(t))),
  trimSuffix: fn(['string', 'string'], (p, t) => (s(p) !== '' && s(t).endsWith(s(p)) ? s(t).slice(0, -s(p).length) : s(t))),
  contains: fn(['string', 'string'], (sub, t) => s(t).includes(s(sub))),
  hasPrefix: fn(['string', 'string'], (p, t) => s(t).startsWith(s(p))),
  hasSuffix: fn(['string', 'string'], (p, t) => s(t).endsWith(s(p))),
  replace: fn(['string', 'string', 'string'], (o, r, t) => replace(s(o), s(r), s(t))),
  repeat: fn(['int', 'string'], (c, t) => repeat(n(c), s(t))),
  substr: fn(['int', 'int', 'string'], (a, b, t) => substr(n(a), n(b), s(t))),
  trunc: fn(['int', 'string'], (c, t) => trunc(n(c), s(t))),
  abbrev: fn(['int', 'string'], (w, t) => abbrev(n(w), s(t))),
  indent: fn(['int', 'string'], (c, t) => indent(n(c), s(t))),
  nindent: fn(['int', 'string'], (c, t) => `\n${indent(n(c), s(t))}`),
  quote: fnv(['any'], (...a) => a.filter((v) => v !== undefined && v !== null).map((v) => sprintf('%q', [strval(v)])).join(' ')),
  squote: fnv(['any'], (...a) => a.filter((v) => v !== undefined && v !== null).map((v) => `'${formatValue(v)}'`).join(' ')),
  cat: fnv(['any'], (...a) => a.filter((v) => v !== undefined && v !== null).map(formatValue).join(' ')),
  // split's map keys are _0, _1, ...: {{(split "," .x)._1}}
  split: fn(['string', 'string'], (sep, t) => typed(Object.fromEntries(split(s(sep), s(t)).map((p, k) => [`_${k}`, p])), 'map[string]string')),
  splitList: fn(['string', 'string'], (sep, t) => typed(split(s(sep), s(t)), '[]string')),
  join: fn(['string', 'any'], (sep, v) => strslice(v).join(s(sep))),
  toString: fn(['any'], (v) => strval(v)),
  b64enc: fn(['string'], (t) => Buffer.from(s(t), 'utf8').toString('base64')),
  b64dec: fn(['string'], (t) => b64dec(s(t))),
  sha256sum: fn(['string'], (t) => createHash('sha256').update(s(t), 'utf8').digest('hex')),
  regexMatch: fn(['string', 'string'], (p, t) => regexMatch(s(p), s(t))),
  // Go's FindAllString gives nil for no match: [] printed, null in JSON.
  regexFindAll: fn(['string', 'string', 'int'], (p, t, count) => {
    const found = goMatches(compileGoRegexp(s(p)), s(t), n(count)).map((m) => m[0]);
    return typed(found, '[]string', found.length === 0);
  }),
  regexReplaceAll: fn(['string', 'string', 'string'], (p, t, r) => goReplaceAll(compileGoRegexp(s(p)), s(t), s(r))),
};
