/**
 * The lexer of our Go text/template subset (`--format go-template`, as oras takes it): text, `{{ }}` actions with
 * `{{-`/`-}}` trim markers and comments. Positions are byte offsets into the template, as Go reports them.
 */

export type TokenKind =
  | 'text' | 'left' | 'right' | 'space' | 'field' | 'variable' | 'identifier' | 'keyword' | 'dot' | 'string'
  | 'rawString' | 'char' | 'number' | 'bool' | 'nil' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign'
  | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in the template's UTF-16 text; location() turns it into Go's line and column. */
  pos: number;
}

export class TemplateError extends Error {
  /** What the template printed before it failed (Go writes it as it goes). */
  partial = '';
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

/** Go's `line:col` of a position: the line counted from 1, the column the bytes before it on that line. */
export function location(src: string, pos: number): string {
  const before = src.slice(0, pos);
  const line = before.split('\n').length;
  const col = Buffer.byteLength(before.slice(before.lastIndexOf('\n') + 1), 'utf8');
  return `${line}:${col}`;
}

export function templateError(name: string, src: string, pos: number, message: string): TemplateError {
  return new TemplateError(`template: ${name}:${location(src, pos)}: ${message}`);
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

export function lex(name: string, src: string): Token[] {
  const tokens: Token[] = [];
  const fail = (pos: number, msg: string): never => {
    throw templateError(name, src, pos, msg);
  };
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    const end = open < 0 ? src.length : open;
    let text = src.slice(i, end);
    // `{{- ` trims the white space before it (the dash needs a space after it, else it is a number's sign).
    const trimLeft = open >= 0 && src[open + 2] === '-' && isSpace(src[open + 3]);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) tokens.push({ kind: 'text', text, pos: i });
    if (open < 0) break;
    i = open + 2 + (trimLeft ? 2 : 0);
    const actionStart = open;
    // A comment fills the whole action: `{{/* ... */}}`, spaces and trim markers allowed around it.
    let j = i;
    while (isSpace(src[j])) j++;
    if (src.startsWith('/*', j)) {
      const close = src.indexOf('*/', j + 2);
      if (close < 0) fail(actionStart, 'unclosed comment');
      let k = close + 2;
      let trimRight = false;
      if (src.startsWith(' -}}', k) || src.startsWith('\t-}}', k) || src.startsWith('\n-}}', k) || src.startsWith('\r-}}', k)) {
        trimRight = true;
        k += 4;
      } else if (src.startsWith('}}', k)) k += 2;
      else fail(close, 'comment ends before closing delimiter');
      i = k;
      if (trimRight) while (isSpace(src[i])) i++;
      continue;
    }
    tokens.push({ kind: 'left', text: '{{', pos: actionStart });
    let parens = 0;
    for (;;) {
      if (i >= src.length) fail(actionStart, 'unclosed action');
      const c = src[i]!;
      if (isSpace(c) && src[i + 1] === '-' && src.startsWith('}}', i + 2)) {
        tokens.push({ kind: 'right', text: '}}', pos: i + 1 });
        i += 4;
        while (isSpace(src[i])) i++;
        break;
      }
      if (src.startsWith('}}', i)) {
        if (parens > 0) fail(i, 'unclosed left paren');
        tokens.push({ kind: 'right', text: '}}', pos: i });
        i += 2;
        break;
      }
      const start = i;
      const push = (kind: TokenKind, to: number) => {
        tokens.push({ kind, text: src.slice(start, to), pos: start });
        i = to;
      };
      if (isSpace(c)) {
        let k = i;
        while (isSpace(src[k]) && !(src[k + 1] === '-' && src.startsWith('}}', k + 2))) k++;
        if (k === i) k++;
        // A newline inside an action is taken (Go 1.16+); spaces separate arguments.
        push('space', k);
        continue;
      }
      if (c === '|') { push('pipe', i + 1); continue; }
      if (c === '(') { parens++; push('lparen', i + 1); continue; }
      if (c === ')') { if (--parens < 0) fail(i, `unexpected right paren`); push('rparen', i + 1); continue; }
      if (c === ',') { push('comma', i + 1); continue; }
      if (c === ':') {
        if (src[i + 1] !== '=') fail(i, 'expected :=');
        push('declare', i + 2);
        continue;
      }
      if (c === '=') { push('assign', i + 1); continue; }
      if (c === '"' || c === "'") {
        // A quoted string or a character constant: to its closing quote on the same line, escapes skipped.
        const what = c === '"' ? 'unterminated quoted string' : 'unterminated character constant';
        let k = i + 1;
        while (k < src.length && src[k] !== c) {
          if (src[k] === '\\') k++;
          if (src[k] === '\n' || k >= src.length) fail(start, what);
          k++;
        }
        if (k >= src.length) fail(start, what);
        push(c === '"' ? 'string' : 'char', k + 1);
        continue;
      }
      if (c === '`') {
        const close = src.indexOf('`', i + 1);
        if (close < 0) fail(start, 'unterminated raw quoted string');
        push('rawString', close + 1);
        continue;
      }
      if (c === '$') {
        let k = i + 1;
        while (isAlnum(src[k])) k++;
        push('variable', k);
        continue;
      }
      if (c === '.') {
        if (/[0-9]/.test(src[i + 1] ?? '')) {
          const m = /^\.[0-9_]+([eE][+-]?[0-9_]+)?/.exec(src.slice(i))!;
          push('number', i + m[0].length);
          continue;
        }
        let k = i + 1;
        while (isAlnum(src[k])) k++;
        push(k === i + 1 ? 'dot' : 'field', k);
        continue;
      }
      if (/[0-9+-]/.test(c)) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|([0-9_]+(\.[0-9_]*)?|\.[0-9_]+)([eE][+-]?[0-9_]+)?)/.exec(src.slice(i));
        if (!m || isAlnum(src[i + m[0].length])) fail(start, `bad number syntax: ${JSON.stringify(src.slice(i, i + (m?.[0].length ?? 1) + 1))}`);
        push('number', i + m![0].length);
        continue;
      }
      if (isAlnum(c)) {
        let k = i;
        while (isAlnum(src[k])) k++;
        const word = src.slice(i, k);
        push(KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier', k);
        continue;
      }
      fail(i, `unrecognized character in action: ${JSON.stringify(c)}`);
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: src.length });
  return tokens;
}
