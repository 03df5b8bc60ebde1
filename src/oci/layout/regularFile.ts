// Opening a layout's files for reading: never blocking, never outside the layout, never anything but a regular file.
// A layout unpacked from someone else's tar can hold a named pipe where a blob should be (opening it for reading
// waits for a writer, forever), a device, a socket, a folder, or a link to a file of the user's (a blob read through
// it would be sent wherever the layout is copied to).
import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fs, readlinkSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { OciError } from '../errors';

/**
 * O_NONBLOCK: a named pipe opens at once, without a writer; O_NOFOLLOW: a link fails to open (ELOOP) and is
 * followed by hand, inside the layout only (see followInside). Neither exists on Windows (0 there): a named pipe
 * is no file of a folder there, and links are checked after the open instead (see openUnfollowed).
 */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Whether an open can refuse a link itself (O_NOFOLLOW: Linux, macOS). Without it (Windows, where a symbolic link
 * or a junction, which needs no admin rights, is followed by every open) each open is checked against an lstat of
 * the name. Settable so that tests run that path on Linux.
 */
export const openLinks = { refusedByOpen: constants.O_NOFOLLOW !== undefined };

/** The flags an open of a layout file takes: READ_FLAGS, less O_NOFOLLOW where it is taken as missing. */
function readFlags(): number {
  return openLinks.refusedByOpen ? READ_FLAGS : READ_FLAGS & ~(constants.O_NOFOLLOW ?? 0);
}

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

// ---- without O_NOFOLLOW (Windows) ----------------------------------------------------------------------------
// The name is looked at (lstat) before the open, so a link is handled as an ELOOP is (followed inside the layout,
// refused with the same words when it leads out) and what it leads to is not even opened. The name can still be
// swapped for a link between that lstat and the open; so after the open the file opened (fstat) is compared with
// an lstat of the name: the same device and inode (the file index on Windows, exact as a bigint) and no link, or
// it is opened again, and refused after a few tries. A swap after that check changes nothing: the fd is the file
// checked. Folders on the way (blobs/, blobs/sha256/) are followed, as an O_NOFOLLOW open follows them (a shared
// blobs folder is a link); a file system that gives no file index (FAT, some network shares: 0 for every file)
// leaves the swap unseen, the link check stands.

/** How many times an open raced by a swap is tried before it is refused. */
const SWAP_TRIES = 3;

/** Where to open `path` from, looked at first: itself, the file its link leads to inside the layout, or undefined (missing). */
function unfollowedTarget(root: string, path: string): string | undefined {
  let st: Stats | undefined;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    if (isMissing(err)) return undefined; // a folder on the way is a file
    throw err;
  }
  if (st === undefined) return undefined;
  return st.isSymbolicLink() ? followInside(root, path) : path;
}

/** Whether `fd` is the file named `target` now: no link there, same device and inode. */
export function isOpenedFile(fd: number, target: string): boolean {
  const named = lstatSync(target, { bigint: true, throwIfNoEntry: false });
  if (named === undefined || named.isSymbolicLink()) return false;
  const opened = fstatSync(fd, { bigint: true });
  return named.dev === opened.dev && named.ino === opened.ino;
}

function swapped(path: string): OciError {
  return new OciError('INVALID_LAYOUT', `${path} changed while being opened, again and again (swapped for a link?): the layout is damaged`);
}

function openUnfollowedSync(root: string, path: string): number | undefined {
  for (let tries = 0; tries < SWAP_TRIES; tries++) {
    const target = unfollowedTarget(root, path);
    if (target === undefined) return undefined;
    const fd = openOrMissingSync(target);
    if (fd === undefined) return undefined;
    if (isOpenedFile(fd, target)) return fd;
    closeSync(fd);
  }
  throw swapped(path);
}

async function openUnfollowed(root: string, path: string): Promise<fs.FileHandle | undefined> {
  for (let tries = 0; tries < SWAP_TRIES; tries++) {
    const target = unfollowedTarget(root, path);
    if (target === undefined) return undefined;
    const fh = await openOrMissing(target);
    if (fh === undefined) return undefined;
    if (isOpenedFile(fh.fd, target)) return fh;
    await fh.close();
  }
  throw swapped(path);
}

function openOrMissingSync(path: string): number | undefined {
  try {
    return openSync(path, readFlags());
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function openOrMissing(path: string): Promise<fs.FileHandle | undefined> {
  try {
    return await fs.open(path, readFlags());
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * `path`, a file of the layout `root`, opened for reading; undefined when missing. Not checked to be a regular
 * file (regularStats does that): a caller whose read proves it may skip the fstat.
 */
export function openInLayoutSync(root: string, path: string): number | undefined {
  if (!openLinks.refusedByOpen) return openUnfollowedSync(root, path);
  try {
    return openSync(path, READ_FLAGS);
  } catch (err) {
    const real = retryPath(root, path, err);
    return real === undefined ? undefined : openOrMissingSync(real);
  }
}

/** `path`, a file of the layout `root`, opened for reading and checked to be a regular file; undefined when missing. */
export async function openRegular(root: string, path: string): Promise<{ fh: fs.FileHandle; st: Stats } | undefined> {
  let fh: fs.FileHandle | undefined;
  if (!openLinks.refusedByOpen) fh = await openUnfollowed(root, path);
  else {
    try {
      fh = await fs.open(path, READ_FLAGS);
    } catch (err) {
      const real = retryPath(root, path, err);
      fh = real === undefined ? undefined : await openOrMissing(real);
    }
  }
  if (fh === undefined) return undefined;
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
