import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { tarEnd, tarHeaders, tarPadding } from '../encoding/tarHeader';
import { OciError } from '../errors';
import type { OpOptions } from '../target';

/** What `writeLayoutTar` wrote. */
export interface TarExportResult {
  /** sha256 of the tar's bytes. */
  digest: string;
  size: number;
  /** The paths in the tar, in order. */
  entries: string[];
}

/** One member of a tar being written: a folder, or a file whose content `open` streams. */
export interface TarMember {
  /** Without a trailing slash. */
  path: string;
  dir: boolean;
  size: number;
  /** The content (files only): exactly `size` bytes, verified by the stream itself where it can be. */
  open?: () => Promise<Readable>;
  /** Named in the error when the content is not `size` bytes. */
  describe?: string;
}

// Chunks are gathered to this much before a write: one system call per MiB, whatever size the source reads in.
const WRITE_BATCH = 1 << 20;

/**
 * Writes `members`, in the order given, as a tar to a hidden temp file beside `dest`, synced and renamed over
 * `dest`: a process killed part way leaves no half tar under the name (at most the hidden temp file, which
 * `sweepTarLeftovers` removes once its process is gone). Memory stays flat: a member's content streams through,
 * and the next chunk is read and hashed while the previous one is written.
 */
export async function writeTarFile(dest: string, members: TarMember[], options: OpOptions = {}): Promise<TarExportResult> {
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'wx', 0o644);
  let closed = false;
  const hash = createHash('sha256');
  let size = 0;
  let batch: Buffer[] = [];
  let batched = 0;
  let writing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const buffers = batch;
    batch = [];
    batched = 0;
    await writing;
    writing = writeAll(fh, buffers);
    writing.catch(() => undefined); // reported by the next await of it
  };
  const write = async (buf: Buffer): Promise<void> => {
    hash.update(buf);
    size += buf.length;
    batch.push(buf);
    batched += buf.length;
    if (batched >= WRITE_BATCH) await flush();
  };
  try {
    for (const member of members) {
      options.signal?.throwIfAborted();
      const name = member.dir ? `${member.path}/` : member.path;
      for (const header of tarHeaders(name, member.dir ? '5' : '0', member.dir ? 0o755 : 0o644, member.size)) await write(header);
      if (member.dir || !member.open) continue;
      let copied = 0;
      const stream = await member.open();
      try {
        for await (const chunk of stream) {
          options.signal?.throwIfAborted();
          const buf = chunk as Buffer;
          copied += buf.length;
          if (copied > member.size) break;
          await write(buf);
        }
      } finally {
        stream.destroy();
      }
      if (copied !== member.size) {
        throw new OciError('INVALID_LAYOUT', `${member.describe ?? member.path}: changed while it was written to the tar (${copied} bytes, expected ${member.size})`);
      }
      const pad = tarPadding(member.size);
      if (pad.length) await write(pad);
    }
    await write(tarEnd());
    await flush();
    await writing;
    await fh.sync();
    await fh.close();
    closed = true;
    await fs.rename(tmp, dest);
    await syncDir(dirname(dest));
    return { digest: `sha256:${hash.digest('hex')}`, size, entries: members.map((m) => (m.dir ? `${m.path}/` : m.path)) };
  } catch (err) {
    await writing.catch(() => undefined);
    if (!closed) await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

async function writeAll(fh: fs.FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await fh.writev(rest);
    // A short write: skip what went, go on with the remainder.
    const next: Buffer[] = [];
    for (const buf of rest) {
      if (bytesWritten >= buf.length) bytesWritten -= buf.length;
      else {
        next.push(bytesWritten > 0 ? buf.subarray(bytesWritten) : buf);
        bytesWritten = 0;
      }
    }
    rest = next;
  }
}

/**
 * Removes what an export to `target` killed part way left beside it (hidden temp tars and staging folders), when
 * the process that made it is gone. A live process with that id keeps its files: the rule errs on the side of
 * leaving them.
 */
export async function sweepTarLeftovers(target: string): Promise<void> {
  const prefix = `.${basename(target)}.`;
  const names = await fs.readdir(dirname(target)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{12}\.(staging|tmp)$/.exec(name.slice(prefix.length));
    if (!m || isAlive(Number(m[1]))) continue;
    await fs.rm(join(dirname(target), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const dh = await fs.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Some filesystems (and Windows) cannot sync a folder; the rename itself is atomic either way.
  }
}
