import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { lookupTar, type TarIndex } from './tar';

/** Where a layout's files are read from: a folder, or members of a tar archive. Paths are relative, `/`-separated. */
export interface LayoutSource {
  readonly readOnly: boolean;
  /** A name for a file, for messages. */
  describe(rel: string): string;
  readFile(rel: string): Promise<Buffer | undefined>;
  size(rel: string): Promise<number | undefined>;
  createStream(rel: string): Promise<Readable | undefined>;
}

// Large reads: blobs are often layers, and 64 KiB chunks cost several times more syscalls and callbacks.
export const READ_CHUNK = 1 << 20;

export class DirSource implements LayoutSource {
  readonly readOnly = false;
  constructor(readonly root: string) {}
  describe(rel: string): string {
    return join(this.root, rel);
  }
  async readFile(rel: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(join(this.root, rel));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
  async size(rel: string): Promise<number | undefined> {
    try {
      const st = await fs.stat(join(this.root, rel));
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
  async createStream(rel: string): Promise<Readable | undefined> {
    // Open first so a missing file is reported now, not as a late stream error.
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(join(this.root, rel), 'r');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    return fh.createReadStream({ highWaterMark: READ_CHUNK });
  }
}

export class TarSource implements LayoutSource {
  readonly readOnly = true;
  constructor(readonly file: string, private readonly index: TarIndex) {}
  describe(rel: string): string {
    return `${rel} in ${this.file}`;
  }
  async readFile(rel: string): Promise<Buffer | undefined> {
    const entry = lookupTar(this.index, rel);
    if (!entry) return undefined;
    const buf = Buffer.alloc(entry.size);
    const fh = await fs.open(this.file, 'r');
    try {
      let done = 0;
      while (done < entry.size) {
        const { bytesRead } = await fh.read(buf, done, entry.size - done, entry.offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === entry.size ? buf : buf.subarray(0, done);
    } finally {
      await fh.close();
    }
  }
  async size(rel: string): Promise<number | undefined> {
    return lookupTar(this.index, rel)?.size;
  }
  async createStream(rel: string): Promise<Readable | undefined> {
    const entry = lookupTar(this.index, rel);
    if (!entry) return undefined;
    if (entry.size === 0) return Readable.from([]);
    // Only this member's bytes: `end` is inclusive.
    return createReadStream(this.file, { start: entry.offset, end: entry.offset + entry.size - 1, highWaterMark: READ_CHUNK });
  }
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
