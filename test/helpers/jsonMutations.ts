/**
 * Seeded random damage to JSON documents, for tests that check what a damaged document gives: a clear error
 * naming the problem, never a crash ("x is not iterable") or meaningless text ("[object Object]"). The same seed
 * gives the same mutations, so a failure names a seed that replays it.
 */

/** A small linear congruential generator: deterministic, and enough to pick mutations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Values a field is replaced by: the wrong types, edge numbers, characters that cannot be seen, a duplicate key. */
export const ODD_VALUES = [
  'null', '[]', '{}', '""', '0', '-1', '1e400', '2.0', 'true', '9007199254740993',
  '"\\u0000"', '"\\ud800"', '"\\u202e"', '"a/b"', '"sha256:zz"', '{"a":1,"a":2}', '[[[[]]]]', '{"mediaType":"x/y"}',
];

/** The end of the JSON value that starts at `from` (at the next `,`, `}` or `]` of its own level). */
export function valueEnd(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ',' && depth === 0) return i;
  }
  return text.length;
}

/**
 * `text` with one or two mutations: mostly a field's value replaced by one of `values` (a document still JSON,
 * wrong in one place), sometimes a character deleted or inserted (broken JSON).
 */
export function mutateJson(text: string, random: () => number, values: readonly string[] = ODD_VALUES): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const count = 1 + Math.floor(random() * 2);
  for (let n = 0; n < count; n++) {
    const at = Math.floor(random() * text.length);
    const kind = random();
    if (kind < 0.15) {
      text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
    } else if (kind < 0.25) {
      text = text.slice(0, at) + pick(['"', ',', '{', '}', ']', 'x']) + text.slice(at);
    } else {
      const colon = text.indexOf(':', at);
      if (colon >= 0) text = text.slice(0, colon + 1) + pick(values) + text.slice(valueEnd(text, colon + 1));
    }
  }
  return text;
}

/** What a command's output must never hold, whatever it was given. */
export const CRASH_TEXT = /TypeError|RangeError|ReferenceError|SyntaxError|Cannot read prop|is not (?:iterable|a function)|\[object Object\]|Maximum call stack|\bNaN\b|\bundefined\b/;
