import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Where commands write: injectable so tests can read what a command printed. */
export interface Printer {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Standard output gathered per turn of the event loop and written at once: a command that reports on a thousand
 * manifests (index create prints Fetching and Fetched for each) makes a few writes, not two thousand (on Linux each
 * is a synchronous system call for a file or a pipe). Standard error flushes what is gathered first, so the order
 * of the lines a user sees is kept, and so does the process's exit (a synchronous write, as at any time). A
 * terminal is written to at once.
 */
let gathered: string[] = [];
let scheduled = false;
function flushOut(): void {
  scheduled = false;
  if (gathered.length === 0) return;
  const text = gathered.join('');
  gathered = [];
  process.stdout.write(text);
}
let exitHooked = false;

export const processPrinter: Printer = {
  out: (text) => {
    // A terminal gets each line as it comes (a progress line on standard error is drawn between them).
    if (process.stdout.isTTY) return void process.stdout.write(text);
    gathered.push(text);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', flushOut);
    }
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushOut);
    }
  },
  err: (text) => {
    flushOut();
    process.stderr.write(text);
  },
};

/** Left-aligned columns separated by two spaces, as `oras repo tags`-like tables. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** JSON for scripts: two-space indented, with a trailing newline. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** The reader of our standard output went away (`| head`): the command stops without an error message. */
export class OutputClosed extends Error {}

/**
 * Pipes `source` to standard output. A write there that finds the pipe closed is OutputClosed; the source's own
 * failures (it only reads) stay what they are.
 */
export async function pipeToStdout(source: Readable): Promise<void> {
  try {
    await pipeline(source, process.stdout, { end: false });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'EPIPE' && e.syscall === 'write') throw new OutputClosed('standard output closed', { cause: err });
    throw err;
  }
}
