/**
 * A tiny DER reader: just enough ASN.1 to read the parts of an X.509 certificate Node's X509Certificate does not
 * give (Fulcio's OIDC issuer extensions, the SAN's names as written, the EKU and basic constraints as extensions, the
 * validity to the second). DER only: definite lengths, one-byte tags (X.509 needs no others). Anything else is a
 * DerError, never a guess: what is read here comes from a signature's annotations, untrusted until verified.
 */

export class DerError extends Error {}

/** One TLV: its identifier byte (class, constructed bit and tag number together), its content and its whole encoding. */
export interface DerNode {
  tag: number;
  content: Buffer;
  /** Identifier, length and content: what a signature covers (a TBSCertificate's bytes). */
  raw: Buffer;
}

/** The identifier bytes X.509 uses. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** A context-specific tag `[n]`, constructed (EXPLICIT, or IMPLICIT over a SEQUENCE) or primitive (IMPLICIT over a string). */
export const contextTag = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** The TLV at `offset` of `bytes` and where the next one starts. */
export function readNode(bytes: Buffer, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > bytes.length) throw new DerError(`truncated at byte ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`a multi-byte tag at byte ${offset}`);
  let length = bytes[offset + 1]!;
  let at = offset + 2;
  if (length & 0x80) {
    // Long form: the low bits say how many length bytes follow (0 is BER's indefinite length, not DER).
    const count = length & 0x7f;
    if (count === 0) throw new DerError(`an indefinite length (BER's, not DER) at byte ${offset}`);
    if (count > 4) throw new DerError(`a length field of ${count} bytes at byte ${offset}, more than the 4 read`);
    if (at + count > bytes.length) throw new DerError(`truncated length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at + i]!;
    at += count;
  }
  if (at + length > bytes.length) throw new DerError(`content of ${length} bytes at byte ${offset} runs past the end`);
  return { node: { tag, content: bytes.subarray(at, at + length), raw: bytes.subarray(offset, at + length) }, next: at + length };
}

/** The one TLV `bytes` holds, nothing after it. */
export function readOnly(bytes: Buffer, what: string): DerNode {
  const { node, next } = readNode(bytes);
  if (next !== bytes.length) throw new DerError(`${what}: ${bytes.length - next} bytes after it`);
  return node;
}

/** The TLVs a constructed node holds, in order. */
export function childrenOf(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  for (let at = 0; at < node.content.length; ) {
    const r = readNode(node.content, at);
    out.push(r.node);
    at = r.next;
  }
  return out;
}

/** `node`, checked to carry `tag`. */
export function expect(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`${what}: missing`);
  if (node.tag !== tag) throw new DerError(`${what}: tag 0x${node.tag.toString(16)}, not 0x${tag.toString(16)}`);
  return node;
}

/** An OBJECT IDENTIFIER's dotted text: the first byte holds the first two arcs (40 * a + b), then base-128 arcs. */
export function oidText(content: Buffer): string {
  if (content.length === 0) throw new DerError('an empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new DerError('an OID arc too large');
    if (b & 0x80) continue;
    if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    else arcs.push(value);
    value = 0;
  }
  if (content[content.length - 1]! & 0x80) throw new DerError('an OID ends inside an arc');
  return arcs.join('.');
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950-2049 as RFC 5280 reads them) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 writes them. */
export function timeOf(node: DerNode): Date {
  const text = node.content.toString('latin1');
  const m = node.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : node.tag === TAG.GENERALIZED_TIME ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!m) throw new DerError(`not an RFC 5280 time: ${JSON.stringify(text)}`);
  let year = Number(m[1]);
  if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** A TLV's encoding: `tag`, the DER length of `content` (short form below 128, else the fewest bytes), `content`. */
export function encodeNode(tag: number, content: Buffer): Buffer {
  if (content.length < 0x80) return Buffer.concat([Buffer.from([tag, content.length]), content]);
  const length: number[] = [];
  for (let n = content.length; n > 0; n = Math.floor(n / 256)) length.unshift(n % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), content]);
}
