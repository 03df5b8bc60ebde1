/**
 * A tiny DER writer: the few ASN.1 types a certificate is made of (makeCertificate.ts), each value encoded as DER
 * asks (minimal lengths and integers), so that what is signed is what any reader re-encodes.
 */
import { contextTag, encodeNode, TAG } from './der';

export const sequence = (...items: Buffer[]): Buffer => encodeNode(TAG.SEQUENCE, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => encodeNode(TAG.SET, Buffer.concat(items));
export const octetString = (bytes: Buffer): Buffer => encodeNode(TAG.OCTET_STRING, bytes);
export const derNull = (): Buffer => encodeNode(TAG.NULL, Buffer.alloc(0));
export const boolean = (value: boolean): Buffer => encodeNode(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0]));
/** `[n] EXPLICIT`: the whole encoding of `inner` wrapped. */
export const explicit = (n: number, inner: Buffer): Buffer => encodeNode(contextTag(n, true), inner);

/** A non-negative INTEGER from its big-endian magnitude: leading zeros dropped, one 0x00 kept before a high bit (else it reads negative). */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let at = 0;
  while (at < magnitude.length - 1 && magnitude[at] === 0) at++;
  const trimmed = magnitude.subarray(at);
  return encodeNode(TAG.INTEGER, trimmed.length === 0 ? Buffer.from([0]) : trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (n: number): Buffer => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a small non-negative integer: ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return unsignedInteger(Buffer.from(bytes));
};

/** An OBJECT IDENTIFIER from its dotted text: the first two arcs in one (40 * a + b), then each arc in base 128. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`not an OID: ${dotted}`);
    return Number(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! >= 40)) throw new RangeError(`not an OID: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const groups = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v % 128) | 0x80);
    bytes.push(...groups);
  }
  return encodeNode(TAG.OID, Buffer.from(bytes));
}

/** A BIT STRING of whole bytes (a key, a signature): no unused bits. */
export const bitString = (bytes: Buffer): Buffer => encodeNode(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]));

/**
 * A named-bit BIT STRING (keyUsage) from the numbers of the bits set (0 is the first, the high bit of the first
 * byte): trailing zero bits dropped, as DER asks of named bits (X.690 11.2.2).
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return encodeNode(TAG.BIT_STRING, Buffer.from([0]));
  const last = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> b % 8;
  return encodeNode(TAG.BIT_STRING, Buffer.concat([Buffer.from([7 - (last % 8)]), bytes]));
}

/** PrintableString's characters (X.680 41.4): a value with any other is written as a UTF8String, as Go's asn1 writes one. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string: PrintableString when it can be, else UTF8String (Go's choice, so names read the same as notation's). */
export const directoryString = (text: string): Buffer => encodeNode(PRINTABLE.test(text) ? TAG.PRINTABLE_STRING : TAG.UTF8_STRING, Buffer.from(text, 'utf8'));

/**
 * A certificate's Time (RFC 5280 4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050, to the second, in UTC.
 * Fractions of a second are dropped (RFC 5280 allows none).
 */
export function time(date: Date): Buffer {
  const y = date.getUTCFullYear();
  if (y < 1950 || y > 9999) throw new RangeError(`a certificate time in ${y}: RFC 5280 writes 1950 to 9999`);
  const two = (n: number) => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return y < 2050 ? encodeNode(TAG.UTC_TIME, Buffer.from(`${two(y % 100)}${rest}`, 'latin1')) : encodeNode(TAG.GENERALIZED_TIME, Buffer.from(`${y}${rest}`, 'latin1'));
}
