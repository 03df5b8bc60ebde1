// A blob's content for a person: saved to a file (verified, never half written under its name), or read as text
// to show (an SBOM, an end-of-life note, a config), refused plainly when it is too large or not text.
import { isUtf8 } from 'node:buffer';
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import { streamPromises } from '../nodeStream';
import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import type { OpOptions, ReadOnlyTarget } from '../target';

/** What is shown as text at most: a larger blob is saved, not opened. */
export const MAX_TEXT_BYTES = 4 << 20;

let tempCount = 0;
function tempName(final: string): string {
  return join(dirname(final), `.${posix.basename(final.split(sep).join('/'))}.manifold-partial-${process.pid}-${++tempCount}`);
}

/**
 * A file-system refusal met writing `place` (a file, or a folder being made), said of that place rather than of
 * a temp name beside it: not writable, a read-only file system, a full disk. Other errors are returned as they are.
 */
export function outputWriteError(err: unknown, place: string): unknown {
  if (err instanceof OciError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // The entry refused is one being made (a temp file, a folder): its parent folder is the one that refused it.
  const folder = dirname((err as NodeJS.ErrnoException | undefined)?.path ?? place);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new OciError('READ_ONLY', `cannot write ${place}: ${folder} is not writable for this user (${code})`, { cause: err });
    case 'EROFS':
      return new OciError('READ_ONLY', `cannot write ${place}: the file system is read-only (EROFS)`, { cause: err });
    case 'EISDIR':
      return new OciError('ALREADY_EXISTS', `cannot write ${place}: it is a folder; name a file to write`, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new OciError('NO_SPACE', `cannot write ${place}: ${code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded'} (${code})`, { cause: err });
    default:
      return err;
  }
}

/** Writes a stream to a temp name beside `final` and renames it there only once the stream ended cleanly. */
export async function writeAtomically(final: string, open: () => Promise<NodeJS.ReadableStream>, file: { mode?: number; mtime?: number } = {}): Promise<void> {
  await fs.mkdir(dirname(final), { recursive: true }).catch((err: unknown) => {
    throw outputWriteError(err, final);
  });
  const temp = tempName(final);
  try {
    // The mode goes through open(2), so the umask applies as it does to oras's files.
    await streamPromises().pipeline(await open(), createWriteStream(temp, { flags: 'wx', ...(file.mode === undefined ? {} : { mode: file.mode }) }));
    if (file.mtime !== undefined) await fs.utimes(temp, file.mtime, file.mtime);
    await fs.rename(temp, final);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw outputWriteError(err, final);
  }
}

/** Saves a blob to `file`, verified against its digest as it streams; a mismatch leaves nothing under the name. */
export async function saveBlob(target: ReadOnlyTarget, desc: Descriptor, file: string, options: OpOptions = {}): Promise<void> {
  await writeAtomically(file, () => target.fetch(desc, options));
}

/**
 * A blob as text (UTF-8), verified: for JSON and text layers and configs. Refuses, before reading, a blob over
 * `maxBytes`, and after reading one that is not text (a NUL byte or invalid UTF-8), each with the size or reason.
 */
export async function readBlobText(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions & { maxBytes?: number } = {}): Promise<string> {
  const max = options.maxBytes ?? MAX_TEXT_BYTES;
  if (desc.size > max) {
    throw new OciError('TOO_LARGE', `${desc.digest} (${desc.mediaType}) is ${formatBytes(desc.size)}, more than the ${formatBytes(max)} shown as text: save it to a file instead`);
  }
  const bytes = await target.fetchBytes(desc, options);
  if (bytes.includes(0) || !isUtf8(bytes)) {
    throw new OciError('NOT_TEXT', `${desc.digest} (${desc.mediaType}) is not text: save it to a file instead`);
  }
  return bytes.toString('utf8');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
