// Opening a layout's files for reading: never blocking, never outside the layout, never anything but a regular file.
// A layout unpacked from someone else's tar can hold a named pipe where a blob should be (opening it for reading
// waits for a writer, forever), a device, a socket, a folder, or a link to a file of the user's (a blob read through
// it would be sent wherever the layout is copied to).
import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fs, readlinkSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { OciError } from '../errors';

/**
 * O_NONBLOCK: a named pipe opens at once, without a writer; O_NOFOLLOW: a link fails to open (ELOOP) and is
 * followed by hand, inside the layout only (see followInside). Neither exists on Windows (0 there).
 */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Where `path` points when it is a symbolic link (`?` when that cannot be read); undefined when it is none. */
export function linkTarget(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
  } catch {
    return undefined;
  }
  try {
    return readlinkSync(path);
  } catch {
    return '?'; // gone meanwhile: still a link when looked at
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

/** `path` is what `st` says, and not a regular file: the layout is damaged. */
export function notAFile(path: string, st: Stats): OciError {
  return new OciError('INVALID_LAYOUT', `${path} is ${kindOf(st)}, not a file: the layout is damaged`);
}

/** The Stats of `fd` (opened from `path`), refused unless it is a regular file. */
export function regularStats(fd: number, path: string): Stats {
  const st = fstatSync(fd);
  if (!st.isFile()) throw notAFile(path, st);
  return st;
}

/**
 * The file the link `path` leads to, when that is inside the layout `root` (debuerreotype links each blob to a
 * named file beside it); undefined when it leads nowhere (a dangling link is a missing file). A link that leads
 * out of the layout, or loops, is refused.
 */
function followInside(root: string, path: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new OciError('INVALID_LAYOUT', `${path} is a symbolic link that loops: the layout is damaged`);
    throw err;
  }
  const realRoot = realpathSync(root);
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    throw new OciError('PATH_ESCAPE', `${path} is a symbolic link to ${linkTarget(path)}, outside the layout: Manifold reads a layout's files only inside it`);
  }
  return real;
}

/**
 * Where to open `path` once opening it without following links failed with `err`: the file a link leads to
 * inside the layout; undefined when there is nothing there. What cannot be opened (a socket) is named; any other
 * error is thrown as it is.
 */
function retryPath(root: string, path: string, err: unknown): string | undefined {
  if (isMissing(err)) return undefined;
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    throw err;
  }
  if (st.isSymbolicLink()) return followInside(root, path);
  if (!st.isFile()) throw notAFile(path, st);
  throw err;
}

/**
 * `path`, a file of the layout `root`, opened for reading; undefined when missing. Not checked to be a regular
 * file (regularStats does that): a caller whose read proves it may skip the fstat.
 */
export function openInLayoutSync(root: string, path: string): number | undefined {
  try {
    return openSync(path, READ_FLAGS);
  } catch (err) {
    const real = retryPath(root, path, err);
    if (real === undefined) return undefined;
    try {
      return openSync(real, READ_FLAGS);
    } catch (again) {
      if (isMissing(again)) return undefined;
      throw again;
    }
  }
}

/** `path`, a file of the layout `root`, opened for reading and checked to be a regular file; undefined when missing. */
export async function openRegular(root: string, path: string): Promise<{ fh: fs.FileHandle; st: Stats } | undefined> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(path, READ_FLAGS);
  } catch (err) {
    const real = retryPath(root, path, err);
    if (real === undefined) return undefined;
    try {
      fh = await fs.open(real, READ_FLAGS);
    } catch (again) {
      if (isMissing(again)) return undefined;
      throw again;
    }
  }
  try {
    return { fh, st: regularStats(fh.fd, path) };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** The Stats of `path`, a file of the layout `root`, refused unless it is a regular file (a link followed inside the layout); undefined when missing. */
export function regularFileStats(root: string, path: string): Stats | undefined {
  let st: Stats | undefined;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      const real = followInside(root, path);
      st = real === undefined ? undefined : statSync(real, { throwIfNoEntry: false });
    }
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  if (st && !st.isFile()) throw notAFile(path, st);
  return st;
}

/** The whole of `path`, a file of the layout `root`, refused unless it is a regular file; undefined when missing. */
export function readRegularSync(root: string, path: string): Buffer | undefined {
  const fd = openInLayoutSync(root, path);
  if (fd === undefined) return undefined;
  try {
    return readAllSync(fd, regularStats(fd, path).size, 0);
  } finally {
    closeSync(fd);
  }
}

/** `size` bytes of `fd` from `position`; fewer if it ends sooner. */
export function readAllSync(fd: number, size: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, position + done);
    if (n === 0) break; // shrank while read: the digest check will say so
    done += n;
  }
  return done === size ? buf : buf.subarray(0, done);
}
