/**
 * Seeded damage to binary encodings (DER, CBOR), as jsonMutations.ts does to JSON: bytes flipped, cut off or
 * inserted, and, structurally, a tag or a length field changed where the encoding has one, so the damage reaches
 * the parser's checks and not only the signature's. Take `random` from seededRandom: a seed replays the same damage.
 */

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const at = (random: () => number, length: number) => Math.floor(random() * length);

/** `bytes` with one or two byte-level changes: a bit flipped, an odd byte written, bytes inserted or deleted, the end cut off. */
export function mutateBytes(bytes: Buffer, random: () => number): Buffer {
  let b = Buffer.from(bytes);
  const count = 1 + Math.floor(random() * 2);
  for (let n = 0; n < count && b.length > 0; n++) {
    const i = at(random, b.length);
    const kind = random();
    if (kind < 0.35) b[i]! ^= 1 << Math.floor(random() * 8);
    else if (kind < 0.55) b[i] = pick(random, [0x00, 0xff, 0x80, 0x7f, 0x1f, 0x20, 0x30, 0xa0]);
    else if (kind < 0.7) b = Buffer.concat([b.subarray(0, i), Buffer.from([pick(random, [0x00, 0xff, 0x80, 0x30, 0x9f, 0xbf])]), b.subarray(i)]);
    else if (kind < 0.85) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + Math.floor(random() * 4))]);
    else b = b.subarray(0, i);
  }
  return b;
}

/** Where a DER TLV's identifier and length are, and where its content ends. */
interface DerPlace {
  tag: number;
  length: number;
  lengthBytes: number;
  content: number;
  end: number;
}

/** Every TLV of `bytes`, nested ones too (in OCTET STRINGs that hold DER as well), as far as it parses. */
export function derPlaces(bytes: Buffer, from = 0, to = bytes.length, out: DerPlace[] = []): DerPlace[] {
  for (let i = from; i < to; ) {
    if (i + 2 > to) return out;
    let length = bytes[i + 1]!;
    let lengthBytes = 1;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || i + 2 + count > to) return out;
      length = 0;
      for (let k = 0; k < count; k++) length = length * 256 + bytes[i + 2 + k]!;
      lengthBytes = 1 + count;
    }
    const content = i + 1 + lengthBytes;
    const end = content + length;
    if (end > to) return out;
    out.push({ tag: i, length: i + 1, lengthBytes, content, end });
    if (bytes[i]! & 0x20 || bytes[i] === 0x04) derPlaces(bytes, content, end, out);
    i = end;
  }
  return out;
}

/**
 * `der` damaged in its structure (one change): a length one more or less, zero, indefinite (BER's 0x80), or far too
 * long; a tag changed; a node's content cut short (its length kept: the parent now runs past); or else a byte mutation.
 */
export function mutateDer(der: Buffer, random: () => number): { bytes: Buffer; what: string } {
  const places = derPlaces(der);
  if (places.length === 0) return { bytes: mutateBytes(der, random), what: 'bytes' };
  const p = pick(random, places);
  const kind = random();
  const b = Buffer.from(der);
  if (kind < 0.4) {
    // A length field rewritten; the long forms' own byte count kept where the value fits.
    const value = pick(random, ['+1', '-1', '0', 'indefinite', 'huge', '5 bytes']);
    const old = p.end - p.content;
    let field: Buffer;
    if (value === 'indefinite') field = Buffer.from([0x80]);
    else if (value === 'huge') field = Buffer.from([0x84, 0x7f, 0xff, 0xff, 0xff]);
    else if (value === '5 bytes') field = Buffer.from([0x85, 0, 0, 0, 0, old & 0xff]);
    else {
      const n = Math.max(0, value === '+1' ? old + 1 : value === '-1' ? old - 1 : 0);
      field = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
    }
    return { bytes: Buffer.concat([b.subarray(0, p.length), field, b.subarray(p.content)]), what: `the length of the TLV at byte ${p.tag} (${value})` };
  }
  if (kind < 0.7) {
    const tag = pick(random, [0x02, 0x04, 0x05, 0x06, 0x30, 0x31, 0xa0, 0x80, 0x1f, 0x17, 0x18, b[p.tag]! ^ 0x20]);
    b[p.tag] = tag;
    return { bytes: b, what: `the tag at byte ${p.tag} (0x${tag.toString(16)})` };
  }
  if (kind < 0.85) {
    const cut = p.content + Math.floor(random() * (p.end - p.content));
    return { bytes: Buffer.concat([b.subarray(0, cut), b.subarray(p.end)]), what: `the TLV at byte ${p.tag} cut at ${cut}` };
  }
  return { bytes: mutateBytes(der, random), what: 'bytes' };
}

/** Where each CBOR data item's head is (its initial byte and how many argument bytes follow), as far as it parses. */
export function cborHeads(bytes: Buffer): Array<{ at: number; argBytes: number }> {
  const out: Array<{ at: number; argBytes: number }> = [];
  const item = (i: number): number => {
    if (i >= bytes.length) throw new Error('end');
    const ib = bytes[i]!;
    const major = ib >> 5;
    const info = ib & 0x1f;
    const argBytes = info < 24 ? 0 : info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : -1;
    if (argBytes < 0) throw new Error('info');
    let n = info < 24 ? info : 0;
    for (let k = 0; k < argBytes; k++) n = n * 256 + bytes[i + 1 + k]!;
    out.push({ at: i, argBytes });
    let next = i + 1 + argBytes;
    if (major === 2 || major === 3) return next + n;
    if (major === 4) for (let k = 0; k < n; k++) next = item(next);
    if (major === 5) for (let k = 0; k < 2 * n; k++) next = item(next);
    if (major === 6) next = item(next);
    return next;
  };
  try {
    item(0);
  } catch {
    // Damaged already: the heads found so far.
  }
  return out;
}

/**
 * `bytes` (CBOR) damaged in a head (one change): its length or count one more or less, zero, indefinite (info 31),
 * a 64-bit argument far past the end, a reserved info (28), another major type; or else a byte mutation.
 */
export function mutateCbor(bytes: Buffer, random: () => number): { bytes: Buffer; what: string } {
  const heads = cborHeads(bytes);
  if (heads.length === 0 || random() < 0.3) return { bytes: mutateBytes(bytes, random), what: 'bytes' };
  const h = pick(random, heads);
  const b = Buffer.from(bytes);
  const ib = b[h.at]!;
  const change = pick(random, ['+1', '-1', 'zero', 'indefinite', 'huge', 'reserved', 'major']);
  let head: Buffer;
  const major = ib & 0xe0;
  let n = (ib & 0x1f) < 24 ? ib & 0x1f : 0;
  for (let k = 0; k < h.argBytes; k++) n = n * 256 + b[h.at + 1 + k]!;
  if (change === 'indefinite') head = Buffer.from([major | 31]);
  else if (change === 'reserved') head = Buffer.from([major | 28]);
  else if (change === 'huge') head = Buffer.from([major | 27, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  else if (change === 'major') head = Buffer.concat([Buffer.from([(ib + 0x20 * (1 + Math.floor(random() * 7))) & 0xff]), b.subarray(h.at + 1, h.at + 1 + h.argBytes)]);
  else {
    const v = Math.max(0, change === '+1' ? n + 1 : change === '-1' ? n - 1 : 0);
    head = v < 24 ? Buffer.from([major | v]) : v < 0x100 ? Buffer.from([major | 24, v]) : Buffer.from([major | 25, v >> 8, v & 0xff]);
  }
  return { bytes: Buffer.concat([b.subarray(0, h.at), head, b.subarray(h.at + 1 + h.argBytes)]), what: `the CBOR head at byte ${h.at} (${change})` };
}
