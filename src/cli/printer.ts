import type { Readable } from 'node:stream';
import { fstatSync, statSync, writeSync } from 'node:fs';
import { streamPromises } from '../oci/nodeStream';

/** Where commands write: injectable so tests can read what a command printed. */
export interface Printer {
  out(text: string): void;
  err(text: string): void;
  /**
   * Whether a status line may be drawn on standard error: only the process's own printer, when standard error is a
   * terminal and --no-tty was not given. A printer without it (a test's) draws none.
   */
  readonly terminal?: boolean;
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
let exitHooked = false;

/**
 * A pipe, a socket (what Node's child_process gives), a file or /dev/null is written straight to fd 1:
 * process.stdout would load Node's net and stream modules (~12 million instructions, 3-4 ms of every command's
 * start-up) to make the same synchronous write. A terminal or another device goes through process.stdout, as does
 * all output once a command has streamed to it (pipeToStdout), so nothing overtakes what it still holds.
 */
let direct: boolean | undefined;
function writesDirect(): boolean {
  if (direct === undefined) {
    try {
      const st = fstatSync(1);
      // A device is a terminal unless it is /dev/null (`> /dev/null` in a script), told by its device number.
      direct = st.isFIFO() || st.isSocket() || st.isFile() || (st.isCharacterDevice() && process.platform !== 'win32' && st.rdev === statSync('/dev/null').rdev);
    } catch {
      direct = false;
    }
  }
  return direct;
}

/**
 * The reader of standard output went away (`manifold repo tags | head -1`): what is printed after that is dropped
 * and the process exits 141 (128 + SIGPIPE), as cat or a Go tool would, without an error about output nobody reads.
 * The command itself runs to its end, so nothing it writes to a layout is left half done.
 */
let closed = false;
let closedWatched = false; // whether process.stdout's EPIPE is listened for
export function outputClosed(): boolean {
  return closed;
}
function closeOutput(): void {
  closed = true;
  process.exitCode = 141; // also when the command has already ended (a stream's error comes after its write)
}

function writeOut(text: string | Buffer): void {
  if (!writesDirect()) {
    if (!closedWatched) {
      closedWatched = true;
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        closeOutput();
      });
    }
    process.stdout.write(text);
    return;
  }
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') {
      closeOutput();
    } else if (code === 'EAGAIN') {
      // A non-blocking pipe that is full (its reader is slow): the stream waits for it, and keeps the order. The
      // rest goes as bytes: the write may have stopped inside a character.
      direct = false;
      writeOut(bytes.subarray(done));
    } else {
      throw err;
    }
  }
}
/**
 * Whether standard error is a terminal (where a status line is drawn), asked without making process.stderr when
 * it cannot be one: what is not a character device is no terminal, and making the stream loads Node's net module.
 */
export function stderrIsTTY(): boolean {
  try {
    if (!fstatSync(2).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return Boolean(process.stderr.isTTY);
}

function flushOut(): void {
  scheduled = false;
  if (gathered.length === 0) return;
  const text = gathered.join('');
  gathered = [];
  if (!closed) writeOut(text);
}

export const processPrinter: Printer = {
  out: (text) => {
    if (closed) return;
    // A terminal gets each line as it comes (a progress line on standard error is drawn between them).
    if (!writesDirect() && process.stdout.isTTY) return void process.stdout.write(text);
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
  get terminal() {
    return stderrIsTTY();
  },
};

/** `printer` without its terminal (`--no-tty`): the lines a pipe gets, and no status line drawn. */
export function withoutTerminal(printer: Printer): Printer {
  return { out: printer.out, err: printer.err, terminal: false };
}

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
  flushOut();
  direct = false;
  try {
    await streamPromises().pipeline(source, process.stdout, { end: false });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'EPIPE' && e.syscall === 'write') throw new OutputClosed('standard output closed', { cause: err });
    throw err;
  }
}
