/**
 * Finds where and why text is not JSON (RFC 8259), for the message of an `invalid-json` problem. JSON.parse
 * only sometimes says where; this runs after it failed, so it favours plain code over speed.
 * (Written here rather than taken from jsonc-parser: that package's `main` is a UMD build that esbuild
 * cannot bundle, and it accepts things JSON does not.)
 */
export interface JsonSyntaxError {
  /** Character offset into the text. */
  offset: number;
  reason: string;
}

class Stop {
  constructor(readonly offset: number, readonly reason: string) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

function describe(text: string, i: number): string {
  if (i >= text.length) return 'unexpected end of input';
  const cp = text.codePointAt(i)!;
  const shown = cp < 0x20 || cp === 0x7f || cp === 0xfeff ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(String.fromCodePoint(cp));
  return `unexpected character ${shown}`;
}

/**
 * A backslash and what follows it, as the message shows it: `\x`, `\😀` (the whole character, not half of its
 * surrogate pair), or for what cannot be seen (a line break, a lone surrogate) its code point.
 */
function escapeShown(text: string, at: number): string {
  const c = String.fromCodePoint(text.codePointAt(at)!);
  return /[\p{Cc}\p{Cf}\p{Cs}\p{Z}]/u.test(c) ? `\\ before U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `\\${c}`;
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new Stop(at, reason);
  };
  const space = (): void => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  };
  const string = (): void => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in a string (escape it)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) fail('invalid \\u escape (four hex digits expected)');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(e === undefined ? 'unterminated string' : `invalid escape ${escapeShown(text, i + 1)}`);
        }
        continue;
      }
      i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(text[i] === '}' ? 'property name expected (a trailing comma is not JSON)' : `property name expected, ${describe(text, i)}`);
        string();
        space();
        if (text[i] !== ':') fail(`colon expected, ${describe(text, i)}`);
        i++;
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`comma or } expected, ${describe(text, i)}`);
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] === ']') fail('value expected (a trailing comma is not JSON)');
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`comma or ] expected, ${describe(text, i)}`);
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      // `01`, `1.` and `1e` stop the grammar short of where the number visibly ends: blame the number.
      if (!NUMBER.test(text) || /[0-9.eE+-]/.test(text[NUMBER.lastIndex] ?? '')) fail('invalid number');
      i = NUMBER.lastIndex;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not JSON');
    fail(i >= text.length ? 'value expected, unexpected end of input' : `value expected, ${describe(text, i)}`);
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) fail('a byte order mark (U+FEFF) is not allowed before JSON', 0);
    space();
    if (i >= text.length) fail('the document is empty');
    value();
    space();
    if (i < text.length) fail(`${describe(text, i)} after the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, reason: err.reason };
    if (err instanceof RangeError) return { offset: i, reason: 'nested too deeply' };
    throw err;
  }
}
