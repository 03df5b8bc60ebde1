import { promises as fs } from 'node:fs';
import { OciError } from '../errors';

/** One member of a tar archive, as read from its headers (pax and GNU long names applied). */
export interface TarMember {
  /** The name as written (not cleaned). */
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '5' folder, others as found. */
  type: string;
  linkname: string;
  /** Where the member's data starts in the file, and its length. */
  offset: number;
  size: number;
  /** Permission bits (rwx for owner, group, others) as the header gives them. */
  mode: number;
  /** Modification time in seconds since the epoch (pax `mtime` when given, fractions kept); undefined when unreadable. */
  mtime?: number;
}

const BLOCK = 512;

/**
 * The members of an uncompressed tar file, in order: ustar names with their prefix, pax `x` records (path,
 * linkpath, size) and GNU `L`/`K` long names, octal or base-256 sizes. Reads headers only, never member data.
 */
export async function readTarMembers(file: string, where = file): Promise<TarMember[]> {
  const fh = await fs.open(file, 'r');
  try {
    const { size: total } = await fh.stat();
    const header = Buffer.alloc(BLOCK);
    const members: TarMember[] = [];
    let offset = 0;
    let pending: PaxRecords = {};
    const readAt = async (buf: Buffer, at: number) => {
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead !== buf.length) throw new OciError('INVALID_ARGUMENT', `${where}: a truncated tar archive`);
    };
    while (offset + BLOCK <= total) {
      await readAt(header, offset);
      if (header.every((b) => b === 0)) break;
      if (!checksumOk(header)) throw new OciError('INVALID_ARGUMENT', `${where}: not a tar archive (bad header checksum at byte ${offset})`);
      const type = String.fromCharCode(header[156] ?? 0x30);
      let size = parseSize(header.subarray(124, 136));
      const dataOffset = offset + BLOCK;
      const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L' || type === 'K') {
        if (dataOffset + size > total || size > 1 << 20) throw new OciError('INVALID_ARGUMENT', `${where}: a bad extended header at byte ${offset}`);
        const data = Buffer.alloc(size);
        await readAt(data, dataOffset);
        if (type === 'x') Object.assign(pending, parsePax(data));
        else if (type === 'L') pending.path = cString(data);
        else pending.linkpath = cString(data);
        offset = next;
        continue;
      }
      if (type === 'g') {
        offset = next;
        continue;
      }
      const prefix = header.subarray(257, 263).toString('latin1').startsWith('ustar') ? cString(header.subarray(345, 500)) : '';
      let name = cString(header.subarray(0, 100));
      if (prefix) name = `${prefix}/${name}`;
      let linkname = cString(header.subarray(157, 257));
      if (pending.path !== undefined) name = pending.path;
      if (pending.linkpath !== undefined) linkname = pending.linkpath;
      if (pending.size !== undefined) size = pending.size;
      const mode = parseSize(header.subarray(100, 108)) & 0o777;
      const headerMtime = parseSize(header.subarray(136, 148));
      const mtime = pending.mtime ?? (Number.isFinite(headerMtime) ? headerMtime : undefined);
      pending = {};
      const hasData = type === '0' || type === '\0' || type === '7';
      if (hasData && dataOffset + size > total) throw new OciError('INVALID_ARGUMENT', `${where}: member ${name} is truncated`);
      members.push({ name, type: type === '\0' ? '0' : type, linkname, offset: dataOffset, size: hasData ? size : 0, mode, mtime });
      offset = hasData ? dataOffset + Math.ceil(size / BLOCK) * BLOCK : next;
    }
    return members;
  } finally {
    await fh.close();
  }
}

function cString(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return buf.subarray(0, nul === -1 ? buf.length : nul).toString('utf8');
}

function parseSize(field: Buffer): number {
  if ((field[0]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

interface PaxRecords {
  path?: string;
  linkpath?: string;
  size?: number;
  mtime?: number;
}

function parsePax(data: Buffer): PaxRecords {
  const out: PaxRecords = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const len = parseInt(data.subarray(i, space).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'linkpath') out.linkpath = value;
    else if (key === 'size') out.size = Number(value);
    else if (key === 'mtime' && Number.isFinite(Number(value))) out.mtime = Number(value);
    i += len;
  }
  return out;
}

function checksumOk(header: Buffer): boolean {
  const stored = parseInt(cString(header.subarray(148, 156)).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === stored;
}
