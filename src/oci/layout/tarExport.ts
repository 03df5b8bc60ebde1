import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { OciError } from '../errors';
import type { OpOptions } from '../target';
import { encodeIndexJson, parseIndexJson } from './indexFile';
import { INDEX_FILE, OciLayoutStore } from './store';

/** What `writeLayoutTar` wrote. */
export interface TarExportResult {
  /** sha256 of the tar's bytes. */
  digest: string;
  size: number;
  /** The paths in the tar, in order. */
  entries: string[];
}

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK);

interface Entry {
  path: string;
  dir: boolean;
  size: number;
}

/**
 * Writes a layout folder as a deterministic tar: the same folder content gives the same bytes.
 *
 * - Only the layout goes in: `oci-layout`, `index.json`, and `blobs/<alg>/<encoded>` (never temp files or locks).
 * - Entries sorted by path (byte order), folders before their files (`blobs/`, `blobs/sha256/`, ...).
 * - ustar headers with a fixed owner (uid/gid 0, no user or group names), mode 0755 for folders and 0644 for
 *   files, mtime 0 (1970-01-01). A pax `x` record carries a path over 100 bytes (sha512 blobs) or a size over
 *   8 GiB; nothing else varies (no atime, no ctime, no global header).
 * - The archive ends with two zero blocks, as Go's archive/tar writes it (no padding to a 10 KiB record).
 *
 * It streams one file at a time through a fixed-size buffer, so memory stays flat whatever the blob sizes. It is
 * written to a hidden temp file beside `dest`, synced, and renamed over `dest`: a process killed part way leaves
 * no half tar under the name (at most the hidden temp file).
 */
export async function writeLayoutTar(layoutDir: string, dest: string, options: OpOptions = {}): Promise<TarExportResult> {
  const entries = await listLayout(layoutDir);
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'wx', 0o644);
  let closed = false;
  try {
    const hash = createHash('sha256');
    let size = 0;
    const write = async (buf: Buffer): Promise<void> => {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await fh.write(buf, done, buf.length - done);
        done += bytesWritten;
      }
      hash.update(buf);
      size += buf.length;
    };
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      const name = entry.dir ? `${entry.path}/` : entry.path;
      for (const header of headers(name, entry.dir ? '5' : '0', entry.dir ? 0o755 : 0o644, entry.size)) await write(header);
      if (entry.dir) continue;
      let copied = 0;
      for await (const chunk of createReadStream(join(layoutDir, entry.path), { highWaterMark: 1 << 20 })) {
        options.signal?.throwIfAborted();
        const buf = chunk as Buffer;
        copied += buf.length;
        if (copied > entry.size) break;
        await write(buf);
      }
      if (copied !== entry.size) {
        throw new OciError('INVALID_LAYOUT', `${join(layoutDir, entry.path)}: changed while it was written to the tar (${copied} bytes, expected ${entry.size})`);
      }
      const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
      if (pad) await write(ZERO.subarray(0, pad));
    }
    await write(Buffer.alloc(2 * BLOCK));
    await fh.sync();
    await fh.close();
    closed = true;
    await fs.rename(tmp, dest);
    await syncDir(dirname(dest));
    return { digest: `sha256:${hash.digest('hex')}`, size, entries: entries.map((e) => (e.dir ? `${e.path}/` : e.path)) };
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** What of a layout folder goes into its tar, sorted. */
async function listLayout(root: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const file of ['oci-layout', 'index.json']) {
    const st = await fs.stat(join(root, file)).catch(() => undefined);
    if (!st?.isFile()) throw new OciError('INVALID_LAYOUT', `${root}: not an OCI image layout (no ${file})`);
    entries.push({ path: file, dir: false, size: st.size });
  }
  const blobs = join(root, 'blobs');
  if ((await fs.stat(blobs).catch(() => undefined))?.isDirectory()) {
    entries.push({ path: 'blobs', dir: true, size: 0 });
    for (const alg of await fs.readdir(blobs, { withFileTypes: true })) {
      if (!alg.isDirectory() || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/.test(alg.name)) continue;
      entries.push({ path: `blobs/${alg.name}`, dir: true, size: 0 });
      for (const blob of await fs.readdir(join(blobs, alg.name), { withFileTypes: true })) {
        if (!blob.isFile() || !/^[a-zA-Z0-9=_-]+$/.test(blob.name)) continue;
        const st = await fs.stat(join(blobs, alg.name, blob.name));
        entries.push({ path: `blobs/${alg.name}/${blob.name}`, dir: false, size: st.size });
      }
    }
  }
  // Byte order of the names as written (folders compared without their trailing slash, so each precedes its files).
  return entries.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

/** The header block(s) of one entry: a pax `x` record first when the path or size does not fit ustar. */
function headers(name: string, type: '0' | '5', mode: number, size: number): Buffer[] {
  const out: Buffer[] = [];
  const nameBytes = Buffer.from(name);
  const pax: string[] = [];
  let ustarName = name;
  let prefix = '';
  if (nameBytes.length > 100) {
    const split = splitName(name);
    if (split) [prefix, ustarName] = split;
    else {
      pax.push(paxRecord('path', name));
      ustarName = nameBytes.subarray(0, 100).toString('latin1');
    }
  }
  const big = size > 0o77777777777;
  if (big) pax.push(paxRecord('size', String(size)));
  if (pax.length) {
    const body = Buffer.from(pax.join(''));
    out.push(header(`PaxHeaders/${basename(name)}`.slice(0, 100), 'x', 0o644, body.length, ''));
    out.push(Buffer.concat([body, ZERO.subarray(0, (BLOCK - (body.length % BLOCK)) % BLOCK)]));
  }
  out.push(header(ustarName, type, mode, big ? 0 : size, prefix));
  return out;
}

/** ustar's prefix/name split at a slash: prefix at most 155 bytes, name at most 100. */
function splitName(name: string): [string, string] | undefined {
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [prefix, rest];
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  // The length counts its own digits.
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function header(name: string, type: string, mode: number, size: number, prefix: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0); // mtime: 1970-01-01T00:00:00Z
  h.fill(0x20, 148, 156); // checksum, as spaces while summing
  h.write(type, 156, 1, 'latin1');
  h.write('ustar\0', 257, 6, 'latin1');
  h.write('00', 263, 2, 'latin1');
  octal(h, 329, 8, 0); // devmajor
  octal(h, 337, 8, 0); // devminor
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return h;
}

function octal(buf: Buffer, offset: number, length: number, value: number): void {
  buf.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
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

/**
 * A layout tar being made: a fresh layout folder (hidden, beside `dest`) that the caller fills through `store`
 * (a Target: `copy` into it), then `finish` writes it as a deterministic tar to `dest` and removes the folder.
 * `abort` removes it without writing. The folder lives on the destination's filesystem, so it costs the disk
 * space of what is copied until `finish`; a process killed meanwhile leaves only hidden names beside `dest`.
 */
export interface LayoutTarExport {
  readonly store: OciLayoutStore;
  /**
   * Writes the tar. `roots` not listed in the staged index.json (a copy by digest, which tags nothing) are listed
   * untagged, so the tar's content is reachable and addressable by digest (`oci-archive:out.tar@sha256:...`).
   */
  finish(options?: OpOptions & { roots?: Descriptor[] }): Promise<TarExportResult>;
  abort(): Promise<void>;
}

export async function beginLayoutTarExport(dest: string): Promise<LayoutTarExport> {
  const target = resolvePath(dest);
  const parent = await fs.stat(dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new OciError('NOT_FOUND', `${dest}: the folder ${dirname(target)} does not exist`);
  if ((await fs.stat(target).catch(() => undefined))?.isDirectory()) {
    throw new OciError('INVALID_ARGUMENT', `${dest}: a folder, not a .tar file`);
  }
  await sweepLeftovers(target);
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.staging`);
  await fs.mkdir(staging);
  const remove = () => fs.rm(staging, { recursive: true, force: true });
  let store: OciLayoutStore;
  try {
    store = await OciLayoutStore.open(staging, { create: true });
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    store,
    async finish(options) {
      try {
        await canonicalIndex(staging, options?.roots ?? []);
        return await writeLayoutTar(staging, target, options);
      } finally {
        await remove();
      }
    },
    abort: remove,
  };
}

/**
 * index.json of the staging layout, with the roots listed, in one order whatever order a concurrent copy listed things in: tagged
 * entries by tag, then the rest by digest. Its bytes are then a function of the content alone.
 */
async function canonicalIndex(dir: string, roots: Descriptor[]): Promise<void> {
  const file = join(dir, INDEX_FILE);
  const index = parseIndexJson(await fs.readFile(file), file);
  for (const root of roots) {
    if (!index.manifests.some((d) => d.digest === root.digest)) index.manifests.push({ mediaType: root.mediaType, digest: root.digest, size: root.size });
  }
  const key = (d: Descriptor) => `${d.annotations?.[ANNOTATION_REF_NAME] === undefined ? '1' : '0'}${d.annotations?.[ANNOTATION_REF_NAME] ?? ''}\0${d.digest}`;
  index.manifests = [...index.manifests].sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
  await fs.writeFile(file, encodeIndexJson(index));
}

/**
 * Removes what an export to the same name killed part way left beside it (its hidden staging folder and temp
 * tar), when the process that made it is gone. A live process with that id keeps its files: the rule errs on
 * the side of leaving them.
 */
async function sweepLeftovers(target: string): Promise<void> {
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
