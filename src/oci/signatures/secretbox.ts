/**
 * NaCl's secretbox (XSalsa20-Poly1305), which cosign's encrypted private keys are sealed with: Node's crypto has
 * neither Salsa20 nor a Poly1305 of its own, and a key file is small, so this is plain and slow enough (BigInt
 * Poly1305). Output as NaCl's `secretbox` and Go's `secretbox.Seal` write it: the 16-byte tag, then the ciphertext.
 */

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

const rotl = (v: number, n: number) => ((v << n) | (v >>> (32 - n))) >>> 0;

/** Salsa20's 20 rounds over 16 words; `hash`: HSalsa20's output (8 words, no feed-forward) instead of the 64-byte block. */
function salsa(input: Uint32Array, hash: boolean): Uint32Array {
  const x = Uint32Array.from(input);
  const qr = (a: number, b: number, c: number, d: number) => {
    x[b] = x[b]! ^ rotl((x[a]! + x[d]!) >>> 0, 7);
    x[c] = x[c]! ^ rotl((x[b]! + x[a]!) >>> 0, 9);
    x[d] = x[d]! ^ rotl((x[c]! + x[b]!) >>> 0, 13);
    x[a] = x[a]! ^ rotl((x[d]! + x[c]!) >>> 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); // columns
    qr(5, 9, 13, 1);
    qr(10, 14, 2, 6);
    qr(15, 3, 7, 11);
    qr(0, 1, 2, 3); // rows
    qr(5, 6, 7, 4);
    qr(10, 11, 8, 9);
    qr(15, 12, 13, 14);
  }
  if (hash) return Uint32Array.from([x[0]!, x[5]!, x[10]!, x[15]!, x[6]!, x[7]!, x[8]!, x[9]!]);
  for (let i = 0; i < 16; i++) x[i] = (x[i]! + input[i]!) >>> 0;
  return x;
}

const words = (b: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).readUInt32LE(i * 4));

/** The state: constants, 8 key words, 4 words of nonce (and counter). */
function state(key: Uint32Array | number[], nonce4: number[]): Uint32Array {
  const k = Array.from(key);
  return Uint32Array.from([SIGMA[0]!, k[0]!, k[1]!, k[2]!, k[3]!, SIGMA[1]!, nonce4[0]!, nonce4[1]!, nonce4[2]!, nonce4[3]!, SIGMA[2]!, k[4]!, k[5]!, k[6]!, k[7]!, SIGMA[3]!]);
}

/** XSalsa20's key stream of `length` bytes for a 32-byte key and 24-byte nonce. */
function xsalsa20Stream(key: Uint8Array, nonce: Uint8Array, length: number): Buffer {
  const sub = salsa(state(words(key, 8), words(nonce, 4)), true);
  const n = words(nonce.subarray(16), 2);
  const out = Buffer.alloc(Math.ceil(length / 64) * 64);
  for (let block = 0; block * 64 < length; block++) {
    const s = salsa(state(sub, [n[0]!, n[1]!, block >>> 0, Math.floor(block / 2 ** 32)]), false);
    for (let i = 0; i < 16; i++) out.writeUInt32LE(s[i]!, block * 64 + i * 4);
  }
  return out.subarray(0, length);
}

const le = (b: Uint8Array) => BigInt('0x' + (Buffer.from(b).reverse().toString('hex') || '0'));

function poly1305(key: Uint8Array, message: Uint8Array): Buffer {
  const p = (1n << 130n) - 5n;
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const chunk = message.subarray(i, i + 16);
    acc = ((acc + le(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(tag.toString(16).padStart(32, '0'), 'hex').reverse();
}

/** Seals `plain` under a 32-byte key and 24-byte nonce: tag (16 bytes), then ciphertext. */
export function secretboxSeal(plain: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer {
  const stream = xsalsa20Stream(key, nonce, 32 + plain.length);
  const cipher = Buffer.from(plain.map((b, i) => b ^ stream[32 + i]!));
  return Buffer.concat([poly1305(stream.subarray(0, 32), cipher), cipher]);
}

/** Opens what secretboxSeal sealed; undefined when the tag does not match (a wrong key or passphrase, damaged bytes). */
export function secretboxOpen(sealed: Uint8Array, nonce: Uint8Array, key: Uint8Array): Buffer | undefined {
  if (sealed.length < 16) return undefined;
  const cipher = sealed.subarray(16);
  const stream = xsalsa20Stream(key, nonce, 32 + cipher.length);
  const tag = poly1305(stream.subarray(0, 32), cipher);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= tag[i]! ^ sealed[i]!;
  if (diff !== 0) return undefined;
  return Buffer.from(cipher.map((b, i) => b ^ stream[32 + i]!));
}
