import { promises as fs } from 'node:fs';
import { posix } from 'node:path';
import { OciError } from '../errors';

/**
 * A read-only index of a tar archive: where each regular file's bytes are, so a blob can later be
 * streamed with createReadStream({start, end}) without reading or holding anything else. Reads
 * ustar, pax (`x` records: path, linkpath, size) and GNU (`L`/`K` long names, base-256 sizes)
 * headers, which covers what `tar -cf`, Go's archive/tar and skopeo write.
 */
export interface TarFile {
  offset: number;
  size: number;
}

export interface TarIndex {
  /** Normalized path (no `./`, no trailing slash) to the file's data. */
  files: Map<string, TarFile>;
  /** Normalized path to the normalized path it links to (symlinks resolved relative to their folder). */
  links: Map<string, string>;
  dirs: Set<string>;
}

const BLOCK = 512;

export async function indexTar(file: string): Promise<TarIndex> {
  const fh = await fs.open(file, 'r');
  try {
    const { size: total } = await fh.stat();
    const index: TarIndex = { files: new Map(), links: new Map(), dirs: new Set() };
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    let pending: { path?: string; linkpath?: string; size?: number } = {};
    while (offset + BLOCK <= total) {
      await readFully(fh, header, offset, file);
      if (offset === 0 && header[0] === 0x1f && header[1] === 0x8b) {
        throw new OciError('UNSUPPORTED', `${file}: a compressed (gzip) tar; decompress it first`);
      }
      if (header.every((b) => b === 0)) break; // end-of-archive marker
      if (!checksumOk(header)) throw new OciError('INVALID_LAYOUT', `${file}: not a tar archive (bad header checksum at byte ${offset})`);
      const type = String.fromCharCode(header[156]!);
      const ustar = header.toString('latin1', 257, 263) === 'ustar\0';
      let name = cstring(header, 0, 100);
      if (ustar) {
        const prefix = cstring(header, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      let linkname = cstring(header, 157, 100);
      let size = parseNumber(header.subarray(124, 136), file, offset);
      const dataOffset = offset + BLOCK;
      const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
        if (size > 1 << 20) throw new OciError('INVALID_LAYOUT', `${file}: oversized ${type} header at byte ${offset}`);
        const body = Buffer.alloc(size);
        await readFully(fh, body, dataOffset, file);
        if (type === 'x') pending = { ...pending, ...parsePax(body, file, offset) };
        else if (type === 'L') pending.path = cstring(body, 0, body.length);
        else if (type === 'K') pending.linkpath = cstring(body, 0, body.length);
        // Global pax headers ('g') carry defaults such as mtime; nothing a layout reader needs.
        offset = next;
        continue;
      }
      if (pending.path !== undefined) name = pending.path;
      if (pending.linkpath !== undefined) linkname = pending.linkpath;
      if (pending.size !== undefined) size = pending.size;
      pending = {};
      const entryNext = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      const path = normalizeEntry(name, file);
      if (type === '0' || type === '\0' || type === '7') {
        if (dataOffset + size > total) throw new OciError('INVALID_LAYOUT', `${file}: entry ${name} is truncated`);
        if (path !== '') index.files.set(path, { offset: dataOffset, size });
        index.links.delete(path);
      } else if (type === '1') {
        // A hard link names another member of the archive, relative to the archive root.
        const target = normalizeLinkTarget(name, linkname, '', file);
        index.links.set(path, target);
        index.files.delete(path);
      } else if (type === '2') {
        if (linkname.startsWith('/') || /^[A-Za-z]:/.test(linkname)) {
          throw new OciError('PATH_ESCAPE', `${file}: entry ${name} is a symlink to the absolute path ${linkname}, outside the layout`);
        }
        const target = normalizeLinkTarget(name, linkname, posix.dirname(path), file);
        index.links.set(path, target);
        index.files.delete(path);
      } else if (type === '5') {
        if (path !== '') index.dirs.add(path);
      }
      // Devices, fifos and vendor types are never part of a layout: their names were checked, that is all.
      offset = entryNext;
    }
    // No end-of-archive blocks is an end (as Go's archive/tar reads it); part of a header is an archive cut short.
    if (offset < total && offset + BLOCK > total) {
      throw new OciError('INVALID_LAYOUT', `${file}: the archive is cut short (it ends inside the header at byte ${offset})`);
    }
    return index;
  } finally {
    await fh.close();
  }
}

/** Follows links (in any folder of the path, up to a bound) to the file holding the data. */
export function lookupTar(index: TarIndex, path: string): TarFile | undefined {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const file = index.files.get(current);
    if (file) return file;
    const parts = current.split('/');
    let replaced = false;
    for (let i = parts.length; i > 0; i--) {
      const prefix = parts.slice(0, i).join('/');
      const target = index.links.get(prefix);
      if (target !== undefined) {
        current = [target, ...parts.slice(i)].filter((p) => p !== '').join('/');
        replaced = true;
        break;
      }
    }
    if (!replaced) return undefined;
  }
  return undefined; // a link cycle
}

function normalizeEntry(name: string, file: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new OciError('PATH_ESCAPE', `${file}: entry ${name} has an absolute path`);
  }
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  // A backslash is a separator to Windows tools: `..\x` must not pass as a plain name.
  if (parts.some((p) => p.split('\\').includes('..'))) {
    throw new OciError('PATH_ESCAPE', `${file}: entry ${name} leaves the layout (contains ..)`);
  }
  return parts.join('/');
}

function normalizeLinkTarget(name: string, linkname: string, base: string, file: string): string {
  if (linkname.startsWith('/') || /^[A-Za-z]:/.test(linkname)) {
    throw new OciError('PATH_ESCAPE', `${file}: entry ${name} links to the absolute path ${linkname}, outside the layout`);
  }
  const joined = posix.normalize(posix.join(base === '.' ? '' : base, linkname));
  if (joined === '..' || joined.startsWith('../') || joined.split('\\').includes('..')) {
    throw new OciError('PATH_ESCAPE', `${file}: entry ${name} links to ${linkname}, outside the layout`);
  }
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

async function readFully(fh: fs.FileHandle, buf: Buffer, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new OciError('INVALID_LAYOUT', `${file}: the archive is cut short (it ends inside a header or record at byte ${position + done})`);
    done += bytesRead;
  }
}

function cstring(buf: Buffer, start: number, length: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

function parseNumber(field: Buffer, file: string, offset: number): number {
  if (field[0]! & 0x80) {
    // GNU base-256: big-endian two's complement, used for sizes over 8 GiB.
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    if (!Number.isSafeInteger(n)) throw new OciError('INVALID_LAYOUT', `${file}: entry size too large at byte ${offset}`);
    return n;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new OciError('INVALID_LAYOUT', `${file}: bad number ${JSON.stringify(text)} in header at byte ${offset}`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = parseInt(header.toString('latin1', 148, 156).replace(/\0.*$/s, '').trim(), 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(body: Buffer, file: string, offset: number): { path?: string; linkpath?: string; size?: number } {
  const out: { path?: string; linkpath?: string; size?: number } = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space === -1) break;
    const len = parseInt(body.toString('latin1', pos, space), 10);
    if (!Number.isSafeInteger(len) || len <= 0 || pos + len > body.length) {
      throw new OciError('INVALID_LAYOUT', `${file}: malformed pax header at byte ${offset}`);
    }
    const record = body.toString('utf8', space + 1, pos + len - 1); // drop the trailing newline
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 0) throw new OciError('INVALID_LAYOUT', `${file}: bad pax size ${value} at byte ${offset}`);
      out.size = n;
    }
    pos += len;
  }
  return out;
}
