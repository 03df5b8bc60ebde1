import { closeSync, openSync, readSync, promises as fs } from 'node:fs';
import { join, resolve as resolvePath, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { stream } from '../nodeStream';
import { OciError } from '../errors';
import { POOLED_CHUNK, pooledReadStream } from '../pooledRead';
import { isMissing, openInLayoutSync, openRegular, readAllSync, regularFileStats, regularStats } from './regularFile';
import { indexTar, lookupTar, type TarIndex } from './tar';

export { isMissing };

/** Returned by readFile when the file is larger than the caller accepts. */
export const TOO_LARGE: unique symbol = Symbol('too large');

/** Where a layout's files are read from: a folder, or members of a tar archive. Paths are relative, `/`-separated. */
export interface LayoutSource {
  readonly readOnly: boolean;
  /** A name for a file, for messages. */
  describe(rel: string): string;
  /**
   * The whole file; undefined when missing, TOO_LARGE when over `max` bytes. `expectedSize` (a
   * descriptor's size, not trusted) lets a small file be read without asking its size first.
   */
  readFile(rel: string, max?: number, expectedSize?: number): Promise<Buffer | undefined | typeof TOO_LARGE>;
  size(rel: string): Promise<number | undefined>;
  /** `expectedSize` (a descriptor's size, not trusted) sizes the read buffer: a 4 KiB blob needs no 1 MiB one. */
  createStream(rel: string, expectedSize?: number): Promise<Readable | undefined>;
  /** Whether the file holds exactly `bytes`, told without reading it whole where that is cheaper; false when unsure. */
  holds?(rel: string, bytes: Buffer): Promise<boolean>;
}

/**
 * The read buffer for a file of `expectedSize` bytes: no larger than the file (plus the byte that finds its end),
 * so copying 2,000 blobs of 4 KiB does not allocate (and collect) a large buffer for each; big files are read
 * in pooled buffers (pooledRead.ts).
 */
export function readChunkFor(expectedSize: number | undefined): number {
  if (expectedSize === undefined || !Number.isSafeInteger(expectedSize) || expectedSize < 0) return POOLED_CHUNK;
  return Math.min(POOLED_CHUNK, Math.max(expectedSize + 1, 16 << 10));
}
/**
 * Files up to this size (manifests, configs, index.json) are read synchronously: listing a big layout
 * reads thousands of them, and each async read costs four thread-pool round trips (open, fstat,
 * read, close), several times the read itself; a 10,000-tag index.json (2-3 MB) took eight, each a
 * wake-up to wait for on a busy machine. Reading 8 MiB takes a few milliseconds, less than parsing
 * it. The event loop is let go regularly (see breathe).
 */
const SYNC_READ_LIMIT = 8 << 20;

/**
 * A monotonic clock in milliseconds. Not `performance.now()`: the first touch of that global loads perf_hooks
 * (about 1.5 ms of start-up for every CLI command that reads a layout, which needs nothing else from it).
 */
function nowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

let lastBreath = nowMs();
/**
 * Yields to the event loop when synchronous reads have held it for a few milliseconds: a promise to await then,
 * else undefined. Callers write `const b = breathe(); if (b) await b;`: awaiting nothing still costs a turn of
 * the microtask queue, and index create reads two thousand small files.
 */
function breathe(): Promise<void> | undefined {
  if (nowMs() - lastBreath < 8) return undefined;
  return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    lastBreath = nowMs();
  });
}

let compareChunk: Buffer | undefined;

export class DirSource implements LayoutSource {
  readonly readOnly = false;
  constructor(readonly root: string) {}
  describe(rel: string): string {
    return join(this.root, rel);
  }
  /**
   * The file's path. `root` is absolute and normalized and `rel` is a fixed name or a blob path built from
   * a parsed digest, so on POSIX a concatenation is what join would give, without its normalizing pass.
   */
  private path(rel: string): string {
    return sep === '/' ? `${this.root}/${rel}` : join(this.root, rel);
  }
  async readFile(rel: string, max = Infinity, expectedSize?: number): Promise<Buffer | undefined | typeof TOO_LARGE> {
    const breath = breathe();
    if (breath) await breath;
    const path = this.path(rel);
    const fd = openInLayoutSync(this.root, path);
    if (fd === undefined) return undefined;
    let size: number;
    try {
      if (expectedSize !== undefined && Number.isSafeInteger(expectedSize) && expectedSize >= 0 && expectedSize < Math.min(max, SYNC_READ_LIMIT)) {
        // One read of one byte more than expected, without the fstat: the expected size, then the end, is a regular
        // file's (by far the common case; a device that gave as much would still be checked against the digest).
        // A read that fails (a folder, a pipe), or a shorter or longer file, is looked at below.
        const bytes = readUpToSync(fd, expectedSize + 1);
        if (bytes?.length === expectedSize) return bytes;
      } else if (expectedSize === undefined) {
        // Size unknown (a digest being resolved): one read into a shared buffer, without the fstat. A small file
        // is all there; a larger one, an empty one or a read that fails is looked at below.
        const bytes = readSmallSync(fd, max);
        if (bytes) return bytes;
      }
      size = regularStats(fd, path).size;
      if (size > max) return TOO_LARGE;
      if (size <= SYNC_READ_LIMIT) return readAllSync(fd, size, 0);
    } finally {
      closeSync(fd);
    }
    const opened = await openRegular(this.root, path);
    if (!opened) return undefined;
    try {
      const bytes = await opened.fh.readFile();
      return bytes.length > max ? TOO_LARGE : bytes;
    } finally {
      await opened.fh.close();
    }
  }
  async size(rel: string): Promise<number | undefined> {
    const breath = breathe();
    if (breath) await breath;
    return regularFileStats(this.root, this.path(rel))?.size;
  }
  /**
   * Compared piece by piece through one small buffer. A whole second copy of a 10,000-tag index.json (2.25 MB)
   * cost ~7 ms to read into fresh memory (page faults, on this machine) and ~5 ms to compare; this, ~1 ms.
   */
  async holds(rel: string, bytes: Buffer): Promise<boolean> {
    if (bytes.length > SYNC_READ_LIMIT) return false;
    const breath = breathe();
    if (breath) await breath;
    const path = this.path(rel);
    const fd = openInLayoutSync(this.root, path);
    if (fd === undefined) return false;
    try {
      if (regularStats(fd, path).size !== bytes.length) return false;
      compareChunk ??= Buffer.allocUnsafe(64 << 10);
      for (let at = 0; ; ) {
        const n = readSync(fd, compareChunk, 0, compareChunk.length, at);
        if (n === 0) return at === bytes.length;
        if (at + n > bytes.length || compareChunk.compare(bytes, at, at + n, 0, n) !== 0) return false;
        at += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  async createStream(rel: string, expectedSize?: number): Promise<Readable | undefined> {
    // Opened (and checked to be a file) first, so a missing or damaged one is reported now, not as a late stream error.
    const opened = await openRegular(this.root, this.path(rel));
    return opened && streamOf(opened.fh, 0, undefined, expectedSize);
  }
}

export class TarSource implements LayoutSource {
  readonly readOnly = true;
  constructor(readonly file: string, private readonly index: TarIndex) {}
  describe(rel: string): string {
    return `${rel} in ${this.file}`;
  }
  async readFile(rel: string, max = Infinity): Promise<Buffer | undefined | typeof TOO_LARGE> {
    const entry = lookupTar(this.index, rel);
    if (!entry) return undefined;
    if (entry.size > max) return TOO_LARGE;
    if (entry.size <= SYNC_READ_LIMIT) {
      const breath = breathe();
      if (breath) await breath;
      const fd = openSync(this.file, 'r');
      try {
        return readAllSync(fd, entry.size, entry.offset);
      } finally {
        closeSync(fd);
      }
    }
    const fh = await fs.open(this.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(entry.size);
      let done = 0;
      while (done < entry.size) {
        const { bytesRead } = await fh.read(buf, done, entry.size - done, entry.offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    } finally {
      await fh.close();
    }
  }
  async size(rel: string): Promise<number | undefined> {
    return lookupTar(this.index, rel)?.size;
  }
  async createStream(rel: string): Promise<Readable | undefined> {
    // The member's size is known: the buffer is sized to it.
    const entry = lookupTar(this.index, rel);
    if (!entry) return undefined;
    if (entry.size === 0) return stream().Readable.from([]);
    return streamOf(await fs.open(this.file, 'r'), entry.offset, entry.size, entry.size);
  }
}

/**
 * A stream of the file's bytes from `position` (`length` of them, or to the end): a big file in pooled
 * buffers (its consumer may give them back for reuse), a small one in one buffer of its size.
 */
function streamOf(fh: fs.FileHandle, position: number, length: number | undefined, expectedSize: number | undefined): Readable {
  const chunk = readChunkFor(expectedSize);
  if (chunk >= POOLED_CHUNK) return pooledReadStream(fh, position, length);
  // `end` is inclusive.
  return fh.createReadStream({ start: position, ...(length === undefined ? {} : { end: position + length - 1 }), highWaterMark: chunk });
}

/**
 * Up to `limit` bytes from the start; undefined when the read fails (a folder, a pipe: the caller looks at what it
 * is). A read of a regular file returns less than asked only at its end, so a short read ends it without a second
 * read to find nothing more (a thousand fewer system calls for index create). What a pipe or device gives short is
 * still checked against the size and digest the caller expects.
 */
function readUpToSync(fd: number, limit: number): Buffer | undefined {
  const buf = Buffer.allocUnsafe(limit);
  let done = 0;
  try {
    while (done < limit) {
      const n = readSync(fd, buf, done, limit - done, done);
      done += n;
      if (n === 0 || done < limit) break;
    }
  } catch {
    return undefined;
  }
  return done === limit ? buf : buf.subarray(0, done);
}

const SMALL_READ = 64 << 10;
let smallReads: Buffer | undefined;

/**
 * A file of fewer than 64 KiB (and at most `max` bytes) read whole with one read into a shared buffer, without
 * asking its size first; undefined when it is larger, empty (a named pipe with no writer reads as empty), or the
 * read fails: the caller then asks what it is. The bytes are copied out, small ones into Node's shared pool.
 */
function readSmallSync(fd: number, max: number): Buffer | undefined {
  smallReads ??= Buffer.allocUnsafeSlow(SMALL_READ);
  let n: number;
  try {
    n = readSync(fd, smallReads, 0, SMALL_READ, 0);
  } catch {
    return undefined;
  }
  if (n === 0 || n >= SMALL_READ || n > max) return undefined;
  const out = Buffer.allocUnsafe(n);
  smallReads.copy(out, 0, 0, n);
  return out;
}

/** A layout `.tar` opened for reading: every member name and link target checked (indexTar) before anything is read. */
export async function openTarSource(file: string): Promise<{ path: string; source: TarSource }> {
  const path = resolvePath(file);
  try {
    return { path, source: new TarSource(path, await indexTar(path)) };
  } catch (err) {
    if (isMissing(err)) throw new OciError('NOT_FOUND', `${path}: no such file`, { cause: err });
    throw err;
  }
}
