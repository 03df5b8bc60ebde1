import { basename } from 'node:path';

/** A tar block: headers and content are padded to it. */
export const TAR_BLOCK = 512;
const ZERO = Buffer.alloc(TAR_BLOCK);

/** Zero bytes that pad `size` bytes of content to a whole block. */
export function tarPadding(size: number): Buffer {
  return ZERO.subarray(0, (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK);
}

/** The two zero blocks that end an archive (as Go's archive/tar writes it: no padding to a 10 KiB record). */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * TAR_BLOCK);
}

/**
 * The header block(s) of one entry of a deterministic archive: ustar with a fixed owner (uid/gid 0, no names) and
 * time (mtime 0), preceded by a pax `x` record when the path does not fit ustar's name/prefix split or the size is
 * over 8 GiB. Nothing else varies, so the same names and sizes give the same bytes.
 */
export function tarHeaders(name: string, type: '0' | '5', mode: number, size: number): Buffer[] {
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
    out.push(Buffer.concat([body, tarPadding(body.length)]));
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
  const h = Buffer.alloc(TAR_BLOCK);
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
