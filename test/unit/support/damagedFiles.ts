// Damage to the files users name on the command line, shared by the sweeps that feed them to the CLI
// (damagedInputFilesRandom.test.ts, damagedSigningFilesRandom.test.ts): what a damaged file is (bytes, a folder in its
// place, or nothing there), how it is put in place, and the damage that is about a file rather than its format.
// Take `random` from seededRandom: a seed replays the same damage.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { valueEnd } from '../../helpers/jsonMutations';

export const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

export interface Damaged {
  what: string;
  /** The file's bytes, or a folder in its place, or nothing there. */
  bytes?: Buffer;
  folder?: boolean;
}

/** Puts the damaged file at `path` (a folder, or nothing, as damaged). */
export function place(path: string, d: Damaged): void {
  rmSync(path, { recursive: true, force: true });
  if (d.folder) mkdirSync(path);
  else if (d.bytes) writeFileSync(path, d.bytes);
}

/** What JSON.parse makes of the damaged file (undefined: not JSON, or no file). */
export function parsed(d: Damaged): unknown {
  try {
    return d.bytes ? JSON.parse(d.bytes.toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** A `"key":` of `text` repeated after its value with another of `values`: JSON.parse keeps the last, as Go does. */
export function duplicateKey(text: string, random: () => number, values: readonly string[]): string {
  const keys = [...text.matchAll(/"(?:[^"\\]|\\.)*"\s*:/g)];
  if (keys.length === 0) return text;
  const k = pick(random, keys);
  const end = valueEnd(text, k.index! + k[0].length);
  return `${text.slice(0, end)},${k[0]}${pick(random, values)}${text.slice(end)}`;
}

/** A string value of `text` made a megabyte long. */
export function hugeValue(text: string, random: () => number): string {
  const values = [...text.matchAll(/:\s*"((?:[^"\\]|\\.)*)"/g)];
  if (values.length === 0) return text + ' '.repeat(1 << 20);
  const v = pick(random, values);
  const at = v.index! + v[0].indexOf('"') + 1;
  return text.slice(0, at) + 'A'.repeat(1 << 20) + text.slice(at + v[1]!.length);
}

/** A value of `text` (after a `:`) wrapped in `depth` arrays or objects: Go's decoder stops at 10,000 levels. */
export function deepNesting(text: string, random: () => number): { text: string; depth: number } {
  const depth = pick(random, [100, 5_000, 20_000, 200_000]);
  const colons = [...text.matchAll(/:/g)];
  const at = colons.length > 0 ? pick(random, colons).index! + 1 : 0;
  const end = colons.length > 0 ? valueEnd(text, at) : text.length;
  const [open, close] = random() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
  return { text: text.slice(0, at) + open.repeat(depth) + text.slice(at, end) + close.repeat(depth) + text.slice(end), depth };
}

/** Bytes that are no text at all: a seeded run of random bytes (NULs, invalid UTF-8). */
export function binaryBytes(random: () => number, length = 64 + Math.floor(random() * 4096)): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** What is put after a file's end: another document, text, NULs, a line of another format. */
export const TRAILING = ['}', '{}', '\n{}', 'x', '\0', '\n\n\n', ' ', '\r\n', '\n-----BEGIN ', '\uffff', '\n# a comment\n'];
