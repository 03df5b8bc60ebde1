// The layout's file-level steps, each safe on its own: synced writes, temp files and renames into place, folder
// syncs, the oci-layout file, the temp folder's sweep, errors that name what was written.
import { randomBytes } from '../nodeCrypto';
import { closeSync, fsync, lstat, lstatSync, mkdirSync, open, openSync, promises as fs, readdirSync, rename, rmdirSync, rmSync, statSync, utimesSync, writeFileSync, writevSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Descriptor, ImageIndex } from '../descriptor';
import { OciError } from '../errors';
import { readCapped } from '../readCapped';
import { emptyIndex, encodeIndexJson } from './indexFile';
import { indexJsonPartsFrom, type IndexFileState } from './indexSplice';
import { withFileLock } from './lock';
import { layoutWriteError } from './writeError';
import { isMissing, TOO_LARGE, type LayoutSource } from './source';
import { linkTarget, notAFile } from './regularFile';
import { nounOf, verifyBlob } from './verify';
import { writeHashed } from './hashedWrite';
import { parseJson } from '../validate';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
/** Temp files (blob ingest, index.json rewrites) live inside the layout so the final rename stays on one file system. */
export const TEMP_DIR = '.manifold-tmp';
export const LAYOUT_VERSION = '1.0.0';
// What Go's json.Marshal(ocispec.ImageLayout) writes, as oras-go does for a new layout.
const OCI_LAYOUT_CONTENT = `{"imageLayoutVersion":"${LAYOUT_VERSION}"}`;
// Registries refuse manifests over 4 MiB; a manifest is read into memory to be validated.
export const MAX_MANIFEST_BYTES = 4 << 20;
const STALE_TEMP_MS = 60 * 60 * 1000;
/**
 * Names of blobs prune has renamed aside while it decides (under the lock). They keep the blob's own, often old,
 * modification time, so a writer's sweep (which takes no lock) would take them for stale temp files and remove
 * a blob prune may be about to put back. Only prune removes them (leftovers of a crashed prune included).
 */
export const PRUNE_ASIDE_PREFIX = 'prune-';

export function checkLayoutFile(raw: Buffer | undefined | typeof TOO_LARGE, where: string, location: string): void {
  if (!raw) throw new OciError('INVALID_LAYOUT', `${where}: missing; ${location} is not an OCI image layout`);
  if (raw === TOO_LARGE) throw new OciError('INVALID_LAYOUT', `${where}: too large to be an oci-layout file`);
  const doc = parseJson(raw, where, 'INVALID_LAYOUT');
  const version = (doc as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (version !== LAYOUT_VERSION) {
    throw new OciError('INVALID_LAYOUT', `${where}: imageLayoutVersion is ${JSON.stringify(version)}, expected "${LAYOUT_VERSION}"`);
  }
}

/** What an opener of a layout folder will do: only read it, write to it, or make what is missing of a new one. */
export type LayoutAccess = 'read' | 'write' | 'create';

/** Writes a layout folder's lost `oci-layout` back: what openLayoutFolder gives a writer, to call before its first write. */
export type LayoutFileRestore = () => Promise<void>;

/**
 * The one rule for a layout folder's `oci-layout` file, whoever opens it. Present, it must say version 1.0.0, or the
 * folder is refused (naming the file and the version it says) before anything is written. Missing: a reader refuses
 * the folder and writes nothing, as oras's read-only store does; a writer gets it back, as from oras-go's store,
 * when the folder is a layout that lost it (it holds an index.json): this returns the restore, which the writer
 * calls at its first write, so a command that asks first and is declined, or a dry run, leaves the folder as it
 * was. `create` makes whatever is missing now.
 */
export async function openLayoutFolder(source: LayoutSource, root: string, access: LayoutAccess): Promise<LayoutFileRestore | undefined> {
  const where = source.describe(OCI_LAYOUT_FILE);
  let raw = await source.readFile(OCI_LAYOUT_FILE, 4096);
  if (raw !== undefined) checkLayoutFile(raw, where, root);
  if (access === 'create') {
    await createLayout(root);
    // Another process may have written it meanwhile (wx never overwrites): what is there now is what counts.
    raw = await source.readFile(OCI_LAYOUT_FILE, 4096);
  } else if (raw === undefined && access === 'write' && !source.readOnly && (await source.size(INDEX_FILE)) !== undefined) {
    return async () => {
      try {
        writeLayoutFile(root);
      } catch (err) {
        throw layoutWriteError(err, root, OCI_LAYOUT_FILE);
      }
      checkLayoutFile(await source.readFile(OCI_LAYOUT_FILE, 4096), where, root);
    };
  }
  checkLayoutFile(raw, where, root);
  return undefined;
}

export async function createLayout(root: string): Promise<void> {
  try {
    await createLayoutFiles(root);
  } catch (err) {
    const file = fileInTheWay(root, err);
    if (file) throw new OciError('INVALID_ARGUMENT', `${file} is a file, not a folder: cannot make a layout at ${root}`, { cause: err });
    throw layoutWriteError(err, root, 'a new layout');
  }
}

/**
 * The file at `root`, or at one of its folders, that kept a new layout from being made there (a path typed to Create
 * OCI Image Layout that names a file); undefined when the culprit is below `root` (a damaged layout: writeError's).
 */
function fileInTheWay(root: string, err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOTDIR' && code !== 'EEXIST') return undefined;
  for (let dir = root; ; dir = dirname(dir)) {
    let st;
    try {
      st = statSync(dir, { throwIfNoEntry: false });
    } catch {
      st = undefined; // ENOTDIR: a file is higher up
    }
    if (st) return st.isDirectory() ? undefined : dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `oci-layout` as oras-go writes it, unless one is there: wx never overwrites what another tool or process wrote. */
function writeLayoutFile(root: string): void {
  try {
    writeFileSync(join(root, OCI_LAYOUT_FILE), OCI_LAYOUT_CONTENT, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export async function createLayoutFiles(root: string): Promise<void> {
  // Synchronous small steps here and below: each asynchronous one is a thread-pool round trip to wait for.
  makeDirs(join(root, 'blobs', 'sha256'));
  writeLayoutFile(root);
  const indexPath = join(root, INDEX_FILE);
  if (fileExists(indexPath)) return;
  await withFileLock(`${indexPath}.lock`, async () => {
    if (!fileExists(indexPath)) await writeIndexFile(root, emptyIndex());
  });
}

export const fsyncFd = promisify(fsync);
// Creating a file and renaming one into a folder of a thousand take ~60-70 us each on ext4 (the folder and the
// journal are updated): done synchronously, the main thread waits that long per blob; in the thread pool, the
// JSON work of the next blobs goes on meanwhile. attach --recursive on 1,000 manifests: 412 -> 346 ms.
const openFd = promisify(open);
const renameFile = promisify(rename);
const lstatFile = promisify(lstat);
const orMissing = (err: NodeJS.ErrnoException): undefined => {
  if (err.code === 'ENOENT') return undefined;
  throw err;
};

/**
 * An in-memory blob (a manifest, a config) into its place: verified, written to a temp file, synced, renamed.
 * The create, the sync and the rename run in the thread pool (see openFd); the write and close of a few KiB take microseconds done here.
 */
export async function ingestBytes(tmp: string, target: string, desc: Descriptor, content: Uint8Array, where: string, verified = false): Promise<void> {
  if (!verified) verifyBlob(content, desc, where);
  try {
    await writeSynced(tmp, content);
    await renameInto(tmp, target);
  } catch (err) {
    removeTemp(tmp);
    throw err;
  }
}

// Temp file names: unique in this process by the counter, across processes by pid and a random part drawn once
// (a name per blob from randomBytes cost more than the blob's write, for a thousand small manifests), at the first
// name rather than at load (see nodeCrypto.ts).
let tempNonce: string | undefined;
let tempCount = 0;

/** A fresh name for a temp file in the layout's temp folder: `<kind>-<pid>-<nonce>-<n>`. */
export function tempName(kind: string): string {
  tempNonce ??= randomBytes(4).toString('hex');
  return `${kind}-${process.pid}-${tempNonce}-${(tempCount++).toString(36)}`;
}

/** A new file (`wx`) holding `bytes` (or the pieces of them, in order), synced to disk before it is closed; its folder is made if missing. */
export async function writeSynced(path: string, bytes: Uint8Array | readonly Buffer[]): Promise<void> {
  const fd = await inFolder(path, () => openFd(path, 'wx'));
  try {
    if (bytes instanceof Uint8Array) writeFileSync(fd, bytes);
    else writeAllv(fd, bytes);
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** writev until every piece is written (a write may take fewer bytes than asked). */
function writeAllv(fd: number, parts: readonly Buffer[]): void {
  let left = parts.filter((p) => p.length > 0);
  while (left.length > 0) {
    let n = writevSync(fd, left.slice(0, 1024)); // IOV_MAX
    const rest: Buffer[] = [];
    for (const part of left) {
      if (n >= part.length) n -= part.length;
      else {
        rest.push(n > 0 ? part.subarray(n) : part);
        n = 0;
      }
    }
    left = rest;
  }
}

/**
 * Writes index.json atomically: a synced temp file renamed over the old one. Returns its bytes, as the pieces
 * they were written from (see indexJsonPartsFrom).
 */
export async function writeIndexFile(root: string, index: ImageIndex, base?: IndexFileState): Promise<Buffer[]> {
  const bytes = base ? indexJsonPartsFrom(index, base) : [encodeIndexJson(index)];
  let tmp: string | undefined;
  try {
    tmp = join(makeTempDir(root), `${tempName('index')}.json`);
    await writeSynced(tmp, bytes);
    await renameInto(tmp, join(root, INDEX_FILE));
    await syncDir(root);
    removeIfEmpty(join(root, TEMP_DIR));
    return bytes;
  } catch (err) {
    if (tmp) removeTemp(tmp);
    removeIfEmpty(join(root, TEMP_DIR));
    throw layoutWriteError(err, root, INDEX_FILE);
  }
}

/** The layout's temp folder, made if missing; refused when it is a symbolic link (see refuseLinkedTemp). */
export function makeTempDir(root: string): string {
  const dir = join(root, TEMP_DIR);
  makeDirs(dir);
  refuseLinkedTemp(root, dir);
  return dir;
}

/**
 * Temp files go in, and old ones are swept from, a folder of the layout itself, never through a link: a layout
 * unpacked from someone else's tar could carry `.manifold-tmp -> ~/Documents`, and the sweep of a write there
 * removed every file older than an hour in it.
 */
function refuseLinkedTemp(root: string, dir: string): void {
  const target = linkTarget(dir);
  if (target === undefined) return;
  throw new OciError(
    'INVALID_LAYOUT',
    `layout ${root} is damaged: ${TEMP_DIR} is a symbolic link (to ${target}); Manifold writes and removes temp files only in a folder of the layout itself: remove the link`,
  );
}

/** This process's writes in progress per temp folder. */
const writing = new Map<string, number>();

/** Runs a write whose temp file lives in `tmpDir`; the folder is removed once this process's last such write ends. */
export async function writingIn<T>(tmpDir: string, write: () => Promise<T>): Promise<T> {
  writing.set(tmpDir, (writing.get(tmpDir) ?? 0) + 1);
  try {
    return await write();
  } finally {
    const left = writing.get(tmpDir)! - 1;
    if (left > 0) writing.set(tmpDir, left);
    else {
      writing.delete(tmpDir);
      removeIfEmpty(tmpDir);
    }
  }
}

/**
 * Removes the temp folder once nothing is in it, so that between writes a layout holds only what the spec names.
 * Another writer's temp file keeps it (ENOTEMPTY), and one who removed it first leaves nothing to do (ENOENT); a
 * writer that finds it gone makes it again (withFolder, ingestStream and stageIntoLayout retry their open).
 */
export function removeIfEmpty(tmpDir: string): void {
  // This process still writes there: the last of those writes removes it (one rmdir per burst, not per blob).
  if (writing.has(tmpDir)) return;
  try {
    rmdirSync(tmpDir);
  } catch {
    // in use, gone already, or not ours to remove (a read-only mount): the next write tries again
  }
}

/**
 * Sets a stored blob's modification time to now, telling a concurrent prune that a writer relies on it
 * (prune keeps a blob modified within its grace period). False when the file is not there. Best effort
 * otherwise: a layout on a read-only mount or owned by another user is not a writer's to prune. Synchronous, as the
 * store's small reads are: one metadata update, and a no-op copy then never starts libuv's thread pool.
 */
export async function refreshTime(path: string): Promise<boolean> {
  const now = new Date();
  try {
    utimesSync(path, now, now);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/**
 * refreshTime for a blob a writer is about to rely on instead of storing it: true only when a regular file of
 * `size` bytes is there. One cut short or longer, a link (dangling, looping, or not: a blob is read through no
 * link out of the layout), a named pipe, a socket or a device is not stored: the writer stores it again (its
 * rename replaces the name, never writes into what it names), rather than skip it and report the content stored.
 * A folder, which no rename replaces, is refused, naming it.
 */
export async function refreshStored(path: string, size: number, { inPool = false } = {}): Promise<boolean> {
  try {
    // inPool: the stat in the thread pool, for a caller with many at once (see openFd). A single check (a no-op
    // copy's) stays here: it would start the pool's threads for one stat.
    const st = inPool ? await lstatFile(path).catch(orMissing) : lstatSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw notAFile(path, st);
    if (!st?.isFile() || st.size !== size) return false;
  } catch (err) {
    if (err instanceof OciError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') return false; // a folder of the path loops, or is a file
    // Not even looked at (EACCES): as refreshTime, not a writer's to judge.
  }
  return refreshTime(path);
}

/** `mkdir -p` that fails with the real error: on a read-only mount Node's recursive mkdir says ENOENT, not EROFS. */
export function makeDirs(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
    makeDirs(dirname(dir));
    makeDirs(dir);
  }
}

/** After a failed write: the error that got here is the one to report; a temp file left behind is swept later. */
export function removeTemp(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // sweepTemp removes it once it is old
  }
}

/**
 * Removes temp files a crashed process left behind. Only old ones: a file written to within the
 * hour may be another process's ingest in progress. `tmpDir` is what makeTempDir gave (never a link).
 */
export function sweepTemp(tmpDir: string): void {
  const cutoff = Date.now() - STALE_TEMP_MS;
  let names: string[] = [];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(PRUNE_ASIDE_PREFIX)) continue;
    const path = join(tmpDir, name);
    try {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st?.isFile() && st.mtimeMs < cutoff) rmSync(path, { force: true });
    } catch {
      // another process's, or already gone
    }
  }
}

/**
 * Runs `make` (which creates `path`), making `path`'s folder first only if `make` finds it missing: the folder
 * (blobs/sha256, the temp folder) exists for all but the first of thousands of blobs, and a `mkdir` that fails
 * with EEXIST for each of them was most of the system calls of copying small blobs.
 */
export function withFolder<T>(path: string, make: () => T): T {
  // A few tries: another writer may remove the emptied temp folder between the mkdir and `make`.
  for (let attempt = 0; ; attempt++) {
    try {
      return make();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      makeDirs(dirname(path));
    }
  }
}

/** withFolder for an asynchronous `make`. */
async function inFolder<T>(path: string, make: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await make();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      makeDirs(dirname(path));
    }
  }
}

/** Opens a new file (`wx`), making its folder if it is missing (see withFolder). */
export function openInFolder(path: string): Promise<fs.FileHandle> {
  return inFolder(path, () => fs.open(path, 'wx'));
}

/**
 * Renames `tmp` to `target`, making target's folder if it is missing (see withFolder). A rename replaces the name:
 * a blob or index.json that is a link is replaced by the file, and what it led to is never written, on Linux and
 * macOS (rename(2)) as on Windows (MoveFileEx with MOVEFILE_REPLACE_EXISTING replaces a link to a file as a name; a
 * junction or a link to a folder it refuses, as it refuses any folder). Folders on the way are followed on both,
 * as a shared blobs folder needs.
 */
export async function renameInto(tmp: string, target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await inFolder(target, () => renameFile(tmp, target));
      return;
    } catch (err) {
      // Windows refuses to replace a file another process has open (a reader of index.json, a blob being
      // fetched): a blob that exists is the same content; index.json is retried for a moment. Only a regular
      // file: a junction or link there (refused the same way) is no stored blob: its refusal is the error, at once.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY') throw err;
      const there = target.endsWith(INDEX_FILE) ? undefined : lstatQuiet(target);
      if (there?.isFile()) {
        rmSync(tmp, { force: true });
        return;
      }
      if (there) throw err;
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 + attempt * 10));
    }
  }
}

export async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; folders cannot be opened for sync on Windows.
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(dir, 'r');
    try {
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/** What `path` itself is (not what a link there leads to); undefined when missing or not to be looked at. */
function lstatQuiet(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

export function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}


export function readLimited(content: Readable, desc: Descriptor, where = ''): Promise<Buffer> {
  return readCapped(content, Math.min(desc.size, MAX_MANIFEST_BYTES), (total) =>
    total > desc.size ? sizeMismatch(desc, total, where, true) : new OciError('INVALID_MANIFEST', `manifest ${desc.digest}: larger than ${MAX_MANIFEST_BYTES} bytes`),
  );
}

export async function drain(content: Readable): Promise<void> {
  // Consumed so a producer piping into it finishes; the bytes are already stored.
  for await (const _ of content) {
    // discard
  }
}

export function sizeMismatch(desc: Descriptor, size: number, where: string, more = false): OciError {
  return new OciError(
    'SIZE_MISMATCH',
    more ? `${nounOf(desc)} ${desc.digest}${where}: more than the expected ${desc.size} bytes` : `${nounOf(desc)} ${desc.digest}${where}: size ${size}, expected ${desc.size}`,
  );
}

/** Changes `index`, returns whether to write it; `then` queues work for after the write, still under the lock. */

/**
 * Streams `content` into the temp file `tmp` while hashing it, checks size and digest, syncs, then renames it to
 * `target`. A failure removes the temp file; errors of writing (not of reading `content`) go through `failed`.
 */
export async function ingestStream(
  tmp: string,
  target: string,
  desc: Descriptor,
  algorithm: string,
  content: Readable,
  where: string,
  failed: (err: unknown) => unknown,
  signal?: AbortSignal,
): Promise<void> {
  const fh = await openInFolder(tmp).catch((err) => Promise.reject(failed(err)));
  let closed = false;
  try {
    const { hex, size: written } = await writeHashed(fh, content, algorithm, {
      signal,
      beforeWrite: (size) => {
        if (size > desc.size) throw sizeMismatch(desc, size, where, true);
      },
      writeFailed: failed,
    });
    if (written !== desc.size) throw sizeMismatch(desc, written, where);
    const actual = `${algorithm}:${hex}`;
    if (actual !== desc.digest) {
      throw new OciError('DIGEST_MISMATCH', `${nounOf(desc)} ${desc.digest}${where}: content has digest ${actual}`);
    }
    try {
      await fh.sync();
      await fh.close();
      closed = true;
      await renameInto(tmp, target);
    } catch (err) {
      throw failed(err);
    }
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    removeTemp(tmp);
    throw err;
  }
}
