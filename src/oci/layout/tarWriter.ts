import { randomBytes } from '../nodeCrypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { tarEnd, tarHeaders, tarPadding } from '../encoding/tarHeader';
import { OciError } from '../errors';
import type { OpOptions } from '../target';
import { TarOutput, type FileCheck } from './tarOutput';

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
  /** Or a plain file of the layout `root` holding it, read directly (faster than a stream), and checked against a digest when given. */
  file?: { path: string; root: string; check?: FileCheck };
  /** Named in the error when the content is not `size` bytes. */
  describe?: string;
}

/**
 * Writes `members`, in the order given, as a tar to a hidden temp file beside `dest`, synced and renamed over
 * `dest`: a process killed part way leaves no half tar under the name (at most the hidden temp file, which
 * `sweepTarLeftovers` removes once its process is gone). Memory stays flat: content goes through a few fixed
 * buffers (TarOutput), files read straight into them and verified on another thread while the tar is hashed here.
 */
export async function writeTarFile(dest: string, members: TarMember[], options: OpOptions = {}): Promise<TarExportResult> {
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'wx', 0o644);
  let closed = false;
  const out = new TarOutput(fh, options.signal);
  try {
    for (const member of members) {
      options.signal?.throwIfAborted();
      const name = member.dir ? `${member.path}/` : member.path;
      for (const header of tarHeaders(name, member.dir ? '5' : '0', member.dir ? 0o755 : 0o644, member.size)) await out.put(header);
      if (member.dir) continue;
      const describe = member.describe ?? member.path;
      if (member.file) await out.putFile(member.file.root, member.file.path, member.size, describe, member.file.check);
      else if (member.open) {
        const stream = await member.open();
        let copied: number;
        try {
          copied = await out.putStream(stream, member.size);
        } finally {
          stream.destroy();
        }
        if (copied !== member.size) {
          throw new OciError('INVALID_LAYOUT', `${describe}: changed while it was written to the tar (${copied} bytes, expected ${member.size})`);
        }
      } else continue;
      const pad = tarPadding(member.size);
      if (pad.length) await out.put(pad);
    }
    await out.put(tarEnd());
    const { digest, size } = await out.end();
    await fh.sync();
    await out.close();
    await fh.close();
    closed = true;
    await fs.rename(tmp, dest);
    await syncDir(dirname(dest));
    return { digest, size, entries: members.map((m) => (m.dir ? `${m.path}/` : m.path)) };
  } catch (err) {
    await out.close();
    if (!closed) await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
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
