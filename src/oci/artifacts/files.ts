import { createReadStream, createWriteStream, promises as fs, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { hashingStream } from '../digest';
import { streamPromises } from '../nodeStream';
import { isOciError, OciError } from '../errors';
import { outputWriteError } from './blobContent';
import type { OpOptions } from '../target';
// node:os on first use: loading it is ~1 ms of start-up for commands that never stage files.
const tmpdir = () => (require('node:os') as typeof import('node:os')).tmpdir();

/** oras's annotations of a folder pushed as a tar+gzip layer (oras-go's file store). */
export const ANNOTATION_CONTENT_DIGEST = 'io.deis.oras.content.digest';
export const ANNOTATION_CONTENT_UNPACK = 'io.deis.oras.content.unpack';

/**
 * A file (or a folder, packed) copied into a private staging file while it is hashed, in one read of the
 * source: what is pushed afterwards is exactly what was hashed, whatever happens to the source meanwhile.
 */
export interface StagedContent {
  /** The private copy to push from. */
  path: string;
  digest: string;
  size: number;
  /** For a folder: the digest of the uncompressed tar (oras's `io.deis.oras.content.digest`). */
  contentDigest?: string;
}

/** A private folder for staged copies; `dispose` removes it and all it holds. */
export interface Staging {
  dir: string;
  dispose(): Promise<void>;
}

/** Read size of source files: fewer, larger reads than the stream default keep one pass near the floor. */
export const SOURCE_CHUNK = 1 << 20;

export async function createStaging(): Promise<Staging> {
  const base = tmpdir();
  let dir: string;
  try {
    dir = await fs.mkdtemp(join(base, 'manifold-push-'));
  } catch (err) {
    const said = outputWriteError(err, `a temp folder in ${base}`);
    if (said !== err) throw said;
    throw new OciError('INVALID_ARGUMENT', `cannot make a temp folder in ${base} (the OS's temp folder, TMPDIR): ${(err as Error).message}`, { cause: err });
  }
  return { dir, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}

let stagedCount = 0;
function stagedPath(staging: Staging): string {
  return join(staging.dir, `staged-${++stagedCount}`);
}

export async function statSource(path: string): Promise<Stats> {
  try {
    return await fs.stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new OciError('NOT_FOUND', `${path}: no such file or directory`, { cause: err });
    throw new OciError('INVALID_ARGUMENT', `${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
}

/** Refuses when the file is not what it was when reading started (size, modification time, inode). */
export function checkUnchanged(path: string, before: Stats, after: Stats, bytesRead: number): void {
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino || bytesRead !== before.size) {
    throw new OciError('INVALID_ARGUMENT', `${path}: the file changed while it was read; nothing was pushed`);
  }
}

/** Whether `path` is a folder (oras pushes those as tar+gzip). Throws NOT_FOUND when it does not exist. */
export async function isDirectory(path: string): Promise<boolean> {
  return (await statSource(path)).isDirectory();
}

export interface StageOptions extends OpOptions {
  /** Called after each chunk read from a source file, with the bytes read of it so far. */
  onProgress?: (path: string, bytes: number) => void;
}

/** Copies a regular file into `staging` while hashing it, in one read; refuses when it changes meanwhile. */
export async function stageFile(path: string, staging: Staging, options: StageOptions = {}): Promise<StagedContent> {
  const before = await statSource(path);
  if (!before.isFile()) throw new OciError('INVALID_ARGUMENT', `${path}: not a regular file`);
  const out = stagedPath(staging);
  const hashing = hashingStream();
  if (options.onProgress) hashing.on('data', () => options.onProgress!(path, hashing.bytes));
  const copy = stagingFile(out);
  try {
    await streamPromises().pipeline(createReadStream(path, { signal: options.signal, highWaterMark: SOURCE_CHUNK }), hashing, copy.stream);
  } catch (err) {
    throw copy.said(err, path);
  }
  checkUnchanged(path, before, await statSource(path), hashing.bytes);
  return { path: out, digest: `sha256:${hashing.hash.digest('hex')}`, size: hashing.bytes };
}

/**
 * Packs a folder as oras does (a tar whose entries are `name/...`, gzip-compressed) as a stream: each file is
 * read once, as the stream is consumed, and a file that changes meanwhile makes the stream fail. `contentDigest`
 * (the uncompressed tar's, oras's `io.deis.oras.content.digest`) settles when the tar is complete.
 */
export function packDirectory(path: string, name: string, options: StageOptions = {}): PackedDirectory {
  const tarHash = hashingStream();
  // Required here: zlib is only for folders, not every command's start-up.
  const gzip = (require('node:zlib') as typeof import('node:zlib')).createGzip();
  tarHash.pipe(gzip);
  // A reader that fails (a full disk, a registry's upload cut) destroys the gzip stream: the tar waiting for room
  // must stop then too, or `contentDigest` would never settle and the push would hang.
  let stopped = false;
  let waiting: (() => void) | undefined; // fails the one write waiting for room (they come one at a time)
  gzip.once('close', () => {
    stopped = true;
    waiting?.();
  });
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (stopped || tarHash.destroyed) return reject(new PackStopped());
      if (tarHash.write(chunk)) return resolve();
      waiting = () => reject(new PackStopped());
      tarHash.once('drain', () => {
        waiting = undefined;
        resolve();
      });
    });
  const emitEntry = async (full: string, stat: Stats) => {
    options.signal?.throwIfAborted();
    const rel = relative(path, full).split(sep).join('/');
    const entryName = rel === '' ? name : `${name}/${rel}`;
    if (stat.isDirectory()) {
      await write(tarHeader(`${entryName}/`, { type: '5', mode: stat.mode, size: 0, mtime: stat.mtime }));
    } else if (stat.isSymbolicLink()) {
      await write(tarHeader(entryName, { type: '2', mode: stat.mode, size: 0, mtime: stat.mtime, linkname: await fs.readlink(full) }));
    } else if (stat.isFile()) {
      await write(tarHeader(entryName, { type: '0', mode: stat.mode, size: stat.size, mtime: stat.mtime }));
      let bytes = 0;
      for await (const chunk of createReadStream(full, { signal: options.signal }) as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > stat.size) break;
        await write(chunk);
        options.onProgress?.(full, bytes);
      }
      checkUnchanged(full, stat, await statSource(full), bytes);
      const pad = (512 - (stat.size % 512)) % 512;
      if (pad) await write(Buffer.alloc(pad));
    }
    // Sockets, fifos and devices are skipped, as oras's tar writer cannot hold them either.
  };
  const walk = async (dir: string, known?: Stats): Promise<void> => {
    const stat = known ?? (await fs.lstat(dir));
    await emitEntry(dir, stat);
    if (!stat.isDirectory()) return;
    for (const n of (await fs.readdir(dir)).sort()) await walk(join(dir, n));
  };
  const contentDigest = (async () => {
    const root = await statSource(path);
    if (!root.isDirectory()) throw new OciError('INVALID_ARGUMENT', `${path}: not a folder`);
    // The folder named may be a link to one (followed, as the user named it); links inside it stay links.
    await walk(path, root);
    await write(Buffer.alloc(1024)); // end-of-archive
    tarHash.end();
    return `sha256:${tarHash.hash.digest('hex')}`;
  })();
  contentDigest.catch((err: Error) => {
    tarHash.destroy();
    gzip.destroy(err);
  });
  return {
    stream: gzip,
    contentDigest,
    // The packing's own failure (a file changed, unreadable, the signal) is the cause; else the reader's.
    failure: (readerErr) => contentDigest.then(() => readerErr, (packErr: unknown) => (packErr instanceof PackStopped ? readerErr : packErr)),
  };
}

/** A folder being packed: the tar+gzip stream, and the uncompressed tar's digest once it is complete. */
export interface PackedDirectory {
  stream: Readable;
  contentDigest: Promise<string>;
  /** What to throw when reading `stream` failed with `readerErr`. */
  failure(readerErr: unknown): Promise<unknown>;
}

/** The packing stopped because its reader went away: the reader's error is the one to tell. */
class PackStopped extends Error {
  constructor() {
    super('the packed folder was not read to its end');
  }
}

/** packDirectory into a staging file, hashing the gzip as it is written. */
export async function stageDirectory(path: string, name: string, staging: Staging, options: StageOptions = {}): Promise<StagedContent> {
  const out = stagedPath(staging);
  const gzHash = hashingStream();
  const packed = packDirectory(path, name, options);
  const copy = stagingFile(out);
  try {
    await streamPromises().pipeline(packed.stream, gzHash, copy.stream);
  } catch (err) {
    throw copy.said(await packed.failure(err), path);
  }
  return { path: out, digest: `sha256:${gzHash.hash.digest('hex')}`, size: gzHash.bytes, contentDigest: await packed.contentDigest };
}

/**
 * A staged copy's file, readable by no one else whatever the umask (it holds the user's files), and how to say a
 * failure: its own (a full disk, another refusal) is said of the source and where its copy went; any other (the
 * source's read, a stop) is returned as it is.
 */
function stagingFile(out: string): { stream: NodeJS.WritableStream; said(err: unknown, source: string): unknown } {
  let own: unknown;
  const stream = createWriteStream(out, { flags: 'wx', mode: 0o600 }).on('error', (err) => (own = err));
  return {
    stream,
    said(err, source) {
      if (err !== own) return err;
      const said = outputWriteError(err, `a copy of ${source} at ${out}`);
      if (isOciError(said, 'NO_SPACE')) said.message += '; set TMPDIR to a folder with room for it';
      return said;
    },
  };
}

interface HeaderFields {
  type: '0' | '2' | '5';
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string;
}

/** A ustar header, preceded by a PAX record when the name or link does not fit (as Go's archive/tar does). */
export function tarHeader(name: string, f: HeaderFields): Buffer {
  const linkname = f.linkname ?? '';
  const fits = (s: string, n: number) => Buffer.byteLength(s) <= n && /^[\x20-\x7e]*$/.test(s);
  let ustarName = name;
  let prefix = '';
  const pax: [string, string][] = [];
  if (!fits(name, 100)) {
    const cut = name.lastIndexOf('/', name.length - 2);
    if (cut > 0 && fits(name.slice(0, cut), 155) && fits(name.slice(cut + 1), 100)) {
      prefix = name.slice(0, cut);
      ustarName = name.slice(cut + 1);
    } else {
      pax.push(['path', name]);
      ustarName = asciiTail(name, 100);
    }
  }
  if (!fits(linkname, 100)) pax.push(['linkpath', linkname]);
  const blocks: Buffer[] = [];
  if (pax.length > 0) {
    const body = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
    blocks.push(rawHeader(asciiTail(`PaxHeaders.0/${ustarName}`, 100), '', { type: 'x', mode: 0o644, size: body.length, mtime: f.mtime }, ''));
    blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(rawHeader(ustarName, prefix, f, fits(linkname, 100) ? linkname : asciiTail(linkname, 100)));
  return Buffer.concat(blocks);
}

function asciiTail(s: string, n: number): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(-n);
}

function paxRecord(key: string, value: string): Buffer {
  const rest = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(rest);
  let len = n + 1;
  while (String(len).length + n !== len) len = String(len).length + n;
  return Buffer.from(`${len}${rest}`);
}

function rawHeader(name: string, prefix: string, f: { type: string; mode: number; size: number; mtime: Date }, linkname: string): Buffer {
  const h = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) => h.write(value, offset, length, 'utf8');
  const octal = (value: number, offset: number, length: number) => put(value.toString(8).padStart(length - 1, '0'), offset, length - 1);
  put(name, 0, 100);
  octal(f.mode & 0o7777, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(f.size, 124, 12);
  octal(Math.max(0, Math.floor(f.mtime.getTime() / 1000)), 136, 12);
  h.fill(0x20, 148, 156);
  put(f.type, 156, 1);
  put(linkname, 157, 100);
  put('ustar\x0000', 257, 8);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}
