/**
 * Go's regexp (RE2 syntax) for sprig's regex functions and cosign's identity regexps, over JS's RegExp: a Go pattern is translated into one JS
 * reads the same way (`.` stops at \n alone, `\s` is ASCII, ^ and $ under (?m) see \n alone, (?U) swaps greed,
 * any literal written as a code point), and Go's own refusals (lookaround, backreferences) are refused with Go's
 * message. What JS could only read differently, a case-insensitive flag past the pattern's start, is refused
 * with a message saying so, never run with another meaning. Matching is by code points, as Go's by runes.
 */
import { goQuoteString } from './goQuote';

/** A pattern Go refuses too: sprig's regexMatch gives false for it, the others fail with this message. */
export class GoRegexpSyntaxError extends Error {}

/** Go's `regexp: Compile(...)` quoting of the pattern: backquoted when strconv.CanBackquote allows. */
function quoteExpr(expr: string): string {
  return /^[^`\u0000-\u0008\u000a-\u001f\u007f\ufeff]*$/u.test(expr) ? `\`${expr}\`` : goQuoteString(expr);
}

type Range = [number, number];

const POSIX: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a], [0x5f, 0x5f]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};
/** Go's \s: ASCII white space only (JS's has Unicode's). */
const SPACE: Range[] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];

/** \a \f \t \n \r \v */
const CONTROL: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };

const cp = (c: number) => `\\u{${c.toString(16)}}`;
const ranges = (rs: Range[]) => rs.map(([lo, hi]) => (lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`)).join('');
function complement(rs: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of [...rs].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

export type GoRegExp = RegExp & { goNames: (string | undefined)[] };

/** The JS RegExp (flags u and g, i when the pattern starts with it) that matches as Go's `pattern` does. */
export function compileGoRegexp(pattern: string): GoRegExp {
  const chars = [...pattern];
  const syntax = (code: string, what: string): never => {
    throw new GoRegexpSyntaxError(`regexp: Compile(${quoteExpr(pattern)}): error parsing regexp: ${code}: \`${what}\``);
  };
  const unsupported = (what: string): never => {
    throw new Error(`regexp: Compile(${quoteExpr(pattern)}): ${what} is taken by Go's regexp but not by this engine`);
  };
  let i = 0;
  let out = '';
  let jsIgnoreCase = false;
  let flags: Flags = { i: false, m: false, s: false, U: false };
  const stack: Flags[] = [];
  /** Whether what was written last can take a repetition, and whether it is one (Go refuses one of one). */
  let last: 'none' | 'atom' | 'repeat' = 'none';
  let lastRepeat = '';
  /** Each capturing group's name (Go's SubexpNames), by its number. */
  const names: (string | undefined)[] = [];
  let groups = 0;
  const atom = (js: string) => {
    out += js;
    last = 'atom';
  };

  /** An escape (after its backslash) as the code point it stands for, or a class written for JS; Go's errors. */
  function escape(inClass: boolean): { code?: number; js?: string; ranges?: Range[] } {
    const start = i - 1;
    const c = chars[i++];
    if (c === undefined) return syntax('trailing backslash at end of expression', '');
    switch (c) {
      case 'd':
        return { js: '\\d', ranges: [[0x30, 0x39]] };
      case 'D':
        return { js: '\\D', ranges: complement([[0x30, 0x39]]) };
      case 'w':
        return { js: '\\w', ranges: POSIX.word };
      case 'W':
        return { js: '\\W', ranges: complement(POSIX.word!) };
      case 's':
        return { js: `[${ranges(SPACE)}]`, ranges: SPACE };
      case 'S':
        return { js: `[^${ranges(SPACE)}]`, ranges: complement(SPACE) };
      case 'p':
      case 'P': {
        let name: string;
        if (chars[i] === '{') {
          const close = chars.indexOf('}', i);
          if (close < 0) return syntax('invalid character class range', chars.slice(start).join(''));
          name = chars.slice(i + 1, close).join('');
          i = close + 1;
        } else {
          name = chars[i++] ?? '';
        }
        let negate = c === 'P';
        if (name.startsWith('^')) {
          negate = !negate;
          name = name.slice(1);
        }
        // Go's names: general categories (L, Lu, ...), scripts (Greek, ...) and Any.
        const prop = name === 'Any' ? 'Any' : /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
        const js = `\\${negate ? 'P' : 'p'}{${prop}}`;
        try {
          new RegExp(js, 'u');
        } catch {
          return syntax('invalid character class range', chars.slice(start, i).join(''));
        }
        return { js };
      }
      case 'x': {
        if (chars[i] === '{') {
          // Hex digits to the brace; Go's error quotes what it read up to the digit or character that failed.
          let code = 0;
          let digits = 0;
          for (let k = i + 1; ; k++) {
            const d = chars[k];
            if (d === '}' && digits > 0) {
              i = k + 1;
              return { code };
            }
            if (d === undefined || !/^[0-9a-fA-F]$/.test(d) || (code = code * 16 + parseInt(d, 16)) > 0x10ffff) {
              return syntax('invalid escape sequence', chars.slice(start, k + 1).join(''));
            }
            digits++;
          }
        }
        const hex = chars.slice(i, i + 2).join('');
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return syntax('invalid escape sequence', chars.slice(start, i + 2).join(''));
        i += 2;
        return { code: parseInt(hex, 16) };
      }
      default:
        break;
    }
    if (CONTROL[c] !== undefined) return { code: CONTROL[c] };
    if (c >= '0' && c <= '7') {
      // Octal: \0 and up to two more digits; a lone \1-\7 is a backreference, which Go refuses.
      if (c !== '0' && !(chars[i]! >= '0' && chars[i]! <= '7')) return syntax('invalid escape sequence', `\\${c}`);
      let code = Number(c);
      for (let k = 0; k < 2 && chars[i]! >= '0' && chars[i]! <= '7'; k++) code = code * 8 + Number(chars[i++]);
      return { code };
    }
    // Any ASCII punctuation stands for itself.
    if (c.length === 1 && c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return { code: c.charCodeAt(0) };
    if (!inClass && (c === 'b' || c === 'B' || c === 'A' || c === 'z' || c === 'Q')) return { js: c };
    return syntax('invalid escape sequence', `\\${c}`);
  }

  function charClass(): void {
    const start = i - 1;
    let js = '[';
    if (chars[i] === '^') {
      js += '^';
      i++;
    }
    let first = true;
    for (;;) {
      const c = chars[i];
      if (c === undefined) return syntax('missing closing ]', chars.slice(start).join(''));
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && chars[i + 1] === ':') {
        const close = chars.indexOf(':', i + 2);
        const raw = close >= 0 && chars[close + 1] === ']' ? chars.slice(i + 2, close).join('') : undefined;
        const name = raw?.replace(/^\^/, '');
        if (raw !== undefined && name !== undefined && POSIX[name]) {
          js += ranges(raw.startsWith('^') ? complement(POSIX[name]!) : POSIX[name]!);
          i = close + 2;
          continue;
        }
        if (raw !== undefined) return syntax('invalid character class range', chars.slice(i, close + 2).join(''));
      }
      const itemStart = i;
      const lo = classChar();
      if (typeof lo !== 'number') {
        js += lo;
        continue;
      }
      if (chars[i] === '-' && chars[i + 1] !== ']' && chars[i + 1] !== undefined) {
        i++;
        const hi = classChar();
        if (typeof hi !== 'number' || hi < lo) return syntax('invalid character class range', chars.slice(itemStart, i).join(''));
        js += `${cp(lo)}-${cp(hi)}`;
      } else js += cp(lo);
    }
    atom(`${js}]`);
  }

  /** One character of a class as its code point, or a class within it written for JS. */
  function classChar(): number | string {
    const c = chars[i++]!;
    if (c !== '\\') return c.codePointAt(0)!;
    const e = escape(true);
    if (e.code !== undefined) return e.code;
    // A class escape in a class: its ranges (for \D, \S, \W the complement, which JS can't write inside one).
    return e.ranges ? ranges(e.ranges) : e.js!;
  }

  function repeat(op: string): void {
    let lazy = false;
    if (chars[i] === '?') {
      lazy = true;
      i++;
    }
    const text = op + (lazy ? '?' : '');
    if (last === 'none') return syntax('missing argument to repetition operator', text);
    if (last === 'repeat') return syntax('invalid nested repetition operator', lastRepeat + text);
    // (?U) swaps greedy and lazy.
    out += op + (lazy !== flags.U ? '?' : '');
    last = 'repeat';
    lastRepeat = text;
  }

  while (i < chars.length) {
    const c = chars[i++]!;
    switch (c) {
      case '\\': {
        if (chars[i] === 'Q') {
          // \Q...\E: literal text (to the end when there is no \E).
          let end = i + 1;
          while (end < chars.length && !(chars[end] === '\\' && chars[end + 1] === 'E')) end++;
          for (const ch of chars.slice(i + 1, end)) atom(cp(ch.codePointAt(0)!));
          i = Math.min(end + 2, chars.length);
          break;
        }
        const e = escape(false);
        if (e.code !== undefined) atom(cp(e.code));
        else if (e.js === 'A') atom('(?:^)');
        else if (e.js === 'z') atom('(?:$)');
        else if (e.js === 'b' || e.js === 'B') atom(`(?:\\${e.js})`);
        else atom(e.js!);
        break;
      }
      case '.':
        atom(flags.s ? '[\\s\\S]' : '[^\\n]');
        break;
      case '^':
        atom(flags.m ? '(?:(?<![^\\n]))' : '(?:^)');
        break;
      case '$':
        atom(flags.m ? '(?:(?![^\\n]))' : '(?:$)');
        break;
      case '[':
        charClass();
        break;
      case '|':
        out += '|';
        last = 'none';
        break;
      case '(': {
        if (chars[i] !== '?') {
          stack.push(flags);
          out += '(';
          groups++;
          last = 'none';
          break;
        }
        if (chars[i + 1] === 'P' && chars[i + 2] === '<') {
          const close = chars.indexOf('>', i + 3);
          if (close < 0) return syntax('invalid named capture', chars.slice(i - 1).join(''));
          const name = chars.slice(i + 3, close).join('');
          if (!/^[\p{L}\p{N}_]+$/u.test(name)) return syntax('invalid named capture', chars.slice(i - 1, close + 1).join(''));
          i = close + 1;
          // Written as a plain group, its name kept aside: Go allows a name twice, JS does not.
          stack.push(flags);
          out += '(';
          names[++groups] = name;
          last = 'none';
          break;
        }
        // Flags, as Go's parsePerlFlags reads them: (?i) (?-s) (?im-sU:...) and (?) alone.
        const next = { ...flags };
        let k = i + 1;
        let sign = 1;
        let saw = false;
        let end: string | undefined;
        while (k < chars.length) {
          const f = chars[k++]!;
          if (f === 'i' || f === 'm' || f === 's' || f === 'U') {
            next[f] = sign > 0;
            saw = true;
          } else if (f === '-' && sign > 0) {
            sign = -1;
            saw = false;
          } else {
            if ((f === ':' || f === ')') && !(sign < 0 && !saw)) end = f;
            break;
          }
        }
        if (!end) return syntax('invalid or unsupported Perl syntax', chars.slice(i - 1, k).join(''));
        if (next.i !== flags.i) {
          // JS has one case flag for the whole pattern: taken at the start only.
          if (out === '' && stack.length === 0 && next.i && end === ')') jsIgnoreCase = true;
          else unsupported('a case-insensitive flag (?i) past the start of the pattern, or (?-i)');
        }
        i = k;
        if (end === ':') {
          stack.push(flags);
          out += '(?:';
          last = 'none';
        }
        flags = next;
        break;
      }
      case ')': {
        const open = stack.pop();
        if (!open) return syntax('unexpected )', pattern);
        flags = open;
        atom(')');
        break;
      }
      case '*':
      case '+':
      case '?':
        repeat(c);
        break;
      case '{': {
        const m = /^(\d+)(,(\d*))?\}/.exec(chars.slice(i).join(''));
        if (!m) {
          atom(cp(0x7b)); // Go: a brace that starts no repetition is a literal
          break;
        }
        const min = Number(m[1]);
        const max = m[3] ? Number(m[3]) : min;
        i += m[0].length;
        if (min > 1000 || max > 1000 || (m[3] && max < min)) return syntax('invalid repeat count', `{${m[0]}`);
        repeat(`{${m[0]}`);
        break;
      }
      default:
        atom(/[0-9A-Za-z]/.test(c) ? c : cp(c.codePointAt(0)!));
    }
  }
  if (stack.length > 0) return syntax('missing closing )', pattern);
  try {
    return Object.assign(new RegExp(out, jsIgnoreCase ? 'giu' : 'gu'), { goNames: names });
  } catch (e) {
    return unsupported(`what JS reads as ${JSON.stringify(out)} (${(e as Error).message})`);
  }
}

/**
 * Go's allMatches: each match's groups (undefined for one not taken part), left to right, an empty match right
 * after a match skipped; at most `n` (all if n < 0).
 */
export function goMatches(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || found.length < n) && pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    let accept = true;
    if (end === pos) {
      if (m.index === prevEnd) accept = false;
      pos += pos < s.length ? String.fromCodePoint(s.codePointAt(pos)!).length : 1;
    } else pos = end;
    prevEnd = end;
    if (accept) found.push(m);
  }
  return found;
}

/** Go's ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` and `$$` in `repl`, as Go's Expand reads them. */
export function goReplaceAll(re: GoRegExp, src: string, repl: string): string {
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= src.length) {
    re.lastIndex = search;
    const m = re.exec(src);
    if (!m) break;
    const end = m.index + m[0].length;
    out += src.slice(lastEnd, m.index);
    // No replacement for an empty match right after a match.
    if (end > lastEnd || m.index === 0) out += expand(repl, m, re.goNames);
    lastEnd = end;
    const width = search < src.length ? String.fromCodePoint(src.codePointAt(search)!).length : 1;
    search = search + width > end ? search + width : end;
  }
  return out + src.slice(lastEnd);
}

function expand(template: string, m: RegExpExecArray, names: (string | undefined)[]): string {
  let out = '';
  let t = template;
  for (;;) {
    const dollar = t.indexOf('$');
    if (dollar < 0) break;
    out += t.slice(0, dollar);
    t = t.slice(dollar + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    // The longest run of letters, digits and _ (so `$1x` is the group named "1x"), or one in braces.
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(t);
    if (!ref) {
      out += '$';
      continue;
    }
    t = t.slice(ref[0].length);
    const name = ref[1] ?? ref[2]!;
    if (/^(0|[1-9]\d{0,7})$/.test(name)) out += m[Number(name)] ?? '';
    // A name: the first group of that name that took part.
    else out += m[names.findIndex((n, k) => n === name && m[k] !== undefined)] ?? '';
  }
  return out + t;
}
