// Findings on a document's text rather than its parsed value: where JSON.parse failed (line, column, offset) and
// keys repeated in one object, which JSON.parse silently collapses.
import { findJsonSyntaxError } from './jsonSyntax';
import { shownValue } from './shownValue';
import { Section, specLink, type PathSegment, type Problem, type ProblemCode, type Severity } from './problems';

type ProblemReporter = (segments: PathSegment[], code: ProblemCode, message: string, severity: Severity, link: string, offset?: number) => void;

/** Where and why a text stops being JSON: the offset for an editor, line and column (1-based) for people. */
export interface JsonSyntaxPlace {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

/** Where (offset, line, column) and why `text` is not JSON, given the error JSON.parse threw for it. */
export function placeOfJsonError(text: string, err: unknown): JsonSyntaxPlace {
  const found = findJsonSyntaxError(text);
  let offset: number;
  let reason: string;
  if (found) {
    ({ offset, reason } = found);
  } else {
    // Only if the two parsers disagree: fall back on JSON.parse's own words.
    const v8 = err instanceof Error ? err.message : String(err);
    const position = /at position (\d+)/.exec(v8);
    offset = position ? Number(position[1]) : 0;
    reason = v8;
  }
  const before = text.slice(0, offset);
  return { offset, line: before.split('\n').length, column: offset - before.lastIndexOf('\n'), reason };
}

/** Where and why the text is not JSON, with line and column for people and the offset for the editor. */
export function jsonError(text: string, err: unknown): Problem {
  const { offset, line, column, reason } = placeOfJsonError(text, err);
  return {
    path: '',
    segments: [],
    code: 'invalid-json',
    severity: 'error',
    message: `invalid JSON at line ${line}, column ${column} (offset ${offset}): ${reason}`,
    link: specLink('invalid-json'),
    offset,
  };
}

/**
 * The words for a file or document that is not JSON, where it stops being JSON and why: `malformed JSON at line
 * 3, column 7: value expected, unexpected character "x"`. JSON.parse's own message names a position at best, and
 * shows a byte order mark or a control character as an invisible one.
 */
export function malformedJson(text: string, err: unknown): string {
  return malformedJsonAt(placeOfJsonError(text, err));
}

/** malformedJson, for a place already found (placeOfJsonError). */
export function malformedJsonAt(place: JsonSyntaxPlace): string {
  return `malformed JSON ${stopsAt(place)}`;
}

/** `at line 3, column 7: value expected, unexpected character "x"`: for a message that says "not JSON" its own way. */
export function whereJsonStops(text: string, err: unknown): string {
  return stopsAt(placeOfJsonError(text, err));
}

function stopsAt({ line, column, reason }: JsonSyntaxPlace): string {
  return `at line ${line}, column ${column}: ${reason}`;
}

/**
 * Finds keys that appear twice in one object. JSON.parse (and Go) silently keep the last value; other tools
 * keep the first, so such a document means different things to different readers. Runs on text JSON.parse
 * accepted, so it need not check the grammar.
 */
export function duplicateKeys(text: string, c: { report: ProblemReporter }): void {
  let i = 0;
  const path: PathSegment[] = [];
  const space = (): void => {
    for (let ch = text.charCodeAt(i); ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09; ch = text.charCodeAt(++i));
  };
  const skipString = (): void => {
    // Native indexOf finds the closing quote far faster than a character loop; a quote preceded by an odd
    // number of backslashes is escaped, so the search goes on.
    let end = text.indexOf('"', i + 1);
    for (;;) {
      let slashes = 0;
      while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
      if (slashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    i = end + 1;
  };
  const key = (): string => {
    const start = i;
    skipString();
    const body = text.slice(start + 1, i - 1);
    return body.includes('\\') ? (JSON.parse(text.slice(start, i)) as string) : body;
  };
  const value = (): void => {
    space();
    const ch = text.charCodeAt(i);
    if (ch === 0x7b) {
      i++;
      space();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        return;
      }
      const seen = new Set<string>();
      for (;;) {
        space();
        const at = i;
        const name = key();
        space();
        i++; // :
        path.push(name);
        if (seen.has(name)) {
          const inAnnotations = path[path.length - 2] === 'annotations';
          c.report(path, 'duplicate-key', `key ${shownValue(name)} appears more than once in this object (the last one is used)`, 'error', inAnnotations ? Section.annotations : Section.json, at);
        }
        seen.add(name);
        value();
        path.pop();
        space();
        if (text.charCodeAt(i++) !== 0x2c) return; // } ends the object
      }
    } else if (ch === 0x5b) {
      i++;
      space();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        path.push(n);
        value();
        path.pop();
        space();
        if (text.charCodeAt(i++) !== 0x2c) return;
      }
    } else if (ch === 0x22) {
      skipString();
    } else {
      // A number or literal: up to the next delimiter.
      for (let d = text.charCodeAt(i); i < text.length && d !== 0x2c && d !== 0x7d && d !== 0x5d && d !== 0x20 && d !== 0x0a && d !== 0x0d && d !== 0x09; d = text.charCodeAt(++i));
    }
  };
  try {
    value();
  } catch (err) {
    if (!(err instanceof RangeError)) throw err; // nesting too deep to walk: skip the check, the rest still runs
  }
}
