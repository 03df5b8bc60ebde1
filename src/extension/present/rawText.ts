// A document's bytes as text a person can read, whatever they are: what a registry or a layout holds under a
// digest whose content is damaged (not its digest, not UTF-8, a byte order mark, a gzip stream). No `vscode` here.
import { isUtf8 } from 'node:buffer';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const X = 0x78;

/**
 * The bytes as UTF-8 text, with every byte that is not text written `\xNN`: bytes that are not UTF-8, control
 * characters (but tab and line breaks), a byte order mark (which an editor would hide), C1 controls. A backslash
 * before an `x` is written `\x5c`, so each `\x` shown is an escape (JSON itself never has `\x`). Plain text comes
 * back as it is.
 */
export function rawText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf) && !buf.some((b, i) => escapedAscii(b, buf[i + 1])) && !/[\u0080-\u009f\ufeff]/.test(buf.toString('utf8'))) return buf.toString('utf8');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      out += escapedAscii(b, buf[i + 1]) ? hex(b) : String.fromCharCode(b);
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    const seq = n > 0 && i + n <= buf.length ? buf.subarray(i, i + n) : undefined;
    if (!seq || !isUtf8(seq)) {
      out += hex(b);
      i++;
      continue;
    }
    const ch = seq.toString('utf8');
    out += /^[\u0080-\u009f\ufeff]$/.test(ch) ? [...seq].map(hex).join('') : ch;
    i += n;
  }
  return out;
}

function escapedAscii(b: number, next: number | undefined): boolean {
  return (b < 0x20 && b !== TAB && b !== LF && b !== CR) || b === 0x7f || (b === BACKSLASH && next === X);
}

function hex(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}
