import { HEADER, headerProblem, type NotaryAlgorithm, type Parsed } from './notaryEnvelope';

/**
 * A COSE envelope (signature-envelope-cose.md): a tagged COSE_Sign1 (RFC 9052) `18([protected, unprotected,
 * payload, signature])`; the protected header a CBOR map of `1` (alg), `2` (crit), `3` (content type) and the Notary
 * Project's attributes (times as tag 1, seconds since 1970); the unprotected one `33` (x5chain), the signing agent
 * and the timestamp. What is signed is the Sig_structure `["Signature1", protected, h'', payload]`.
 */
export function parseCose(bytes: Buffer): Parsed {
  let top: Cbor;
  try {
    const r = decode(bytes, 0, 0);
    if (r.next !== bytes.length) return { malformed: `${bytes.length - r.next} bytes after the COSE_Sign1` };
    top = r.value;
  } catch (err) {
    return { malformed: `not CBOR (${(err as Error).message})` };
  }
  if (!(top instanceof Tagged) || top.tag !== 18n || !Array.isArray(top.value) || top.value.length !== 4) return { malformed: 'not a tagged COSE_Sign1 (tag 18, an array of 4)' };
  const [protectedBytes, unprotected, payload, signature] = top.value;
  if (!Buffer.isBuffer(protectedBytes) || !(unprotected instanceof Map) || !Buffer.isBuffer(payload) || !Buffer.isBuffer(signature)) {
    return { malformed: 'COSE_Sign1: expected a protected header (bstr), an unprotected one (map), an attached payload and a signature (bstr)' };
  }
  let h: Cbor;
  try {
    const r = decode(protectedBytes, 0, 0);
    if (r.next !== protectedBytes.length) throw new Error('bytes after the map');
    h = r.value;
  } catch (err) {
    return { malformed: `protected header: not CBOR (${(err as Error).message})` };
  }
  if (!(h instanceof Map)) return { malformed: 'protected header: not a map' };
  const alg = ALGORITHMS.get(h.get(1) as number);
  if (!alg) return { malformed: `protected alg (1): ${shownLabel(h.get(1))} is none of PS256, PS384, PS512, ES256, ES384, ES512 (-37, -38, -39, -7, -35, -36)` };
  const cty = h.get(3);
  if (typeof cty !== 'string') return { malformed: 'protected content type (3): expected a text' };
  const scheme = h.get(HEADER.signingScheme);
  if (typeof scheme !== 'string') return { malformed: `protected ${HEADER.signingScheme}: expected a text` };
  const crit = h.get(2);
  if (crit !== undefined && (!Array.isArray(crit) || !crit.every((c) => typeof c === 'string' || typeof c === 'number'))) return { malformed: 'protected crit (2): expected an array of labels' };
  const times: { signingTime?: Date; authenticSigningTime?: Date; expiry?: Date } = {};
  for (const k of ['signingTime', 'authenticSigningTime', 'expiry'] as const) {
    const v = h.get(HEADER[k]);
    if (v === undefined) continue;
    // notation writes and reads tag 1 only, an integer number of seconds.
    if (!(v instanceof Tagged) || v.tag !== 1n || typeof v.value !== 'number') return { malformed: `protected ${HEADER[k]}: expected a tag 1 time in seconds` };
    times[k] = new Date(v.value * 1000);
  }
  const chain = unprotected.get(33);
  // RFC 9360 lets one certificate stand as a bare byte string, but notation reads only an array ("certificate chain
  // is not present"): what verifies here must verify where the image is deployed, so the bare form is refused too.
  if (Buffer.isBuffer(chain)) return { malformed: 'unprotected x5chain (33): one certificate as a byte string, not an array of them (notation reads only the array)' };
  if (!Array.isArray(chain) || chain.length === 0 || !chain.every((c) => Buffer.isBuffer(c))) return { malformed: 'unprotected x5chain (33): expected a certificate chain' };
  const agent = unprotected.get(HEADER.signingAgent);
  const timestamp = unprotected.get(HEADER.timestampSignature);
  const parsed = {
    envelope: 'cose' as const,
    alg,
    signingInput: Buffer.concat([Buffer.from([0x84, 0x6a]), Buffer.from('Signature1'), bstrHead(protectedBytes.length), protectedBytes, Buffer.from([0x40]), bstrHead(payload.length), payload]),
    signature,
    payload,
    contentType: cty,
    signingScheme: scheme,
    ...times,
    certificates: chain as Buffer[],
    ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
    ...(Buffer.isBuffer(timestamp) && timestamp.length > 0 ? { timestampToken: timestamp } : {}),
  };
  const critical = (crit as Array<string | number> | undefined)?.map(String);
  const problem = headerProblem({ ...parsed, critical }, (name) => h.has(name) || h.has(Number(name)));
  if (problem) return { malformed: `protected header: ${problem}` };
  return { ...parsed, critical: critical! };
}

const ALGORITHMS = new Map<number, NotaryAlgorithm>([
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-7, 'ES256'],
  [-35, 'ES384'],
  [-36, 'ES512'],
]);

/** A CBOR value, as far as COSE needs: integers (bigint past 2^53), byte and text strings, arrays, maps of integer or text keys, tags, simple values. */
type Cbor = number | bigint | Buffer | string | Cbor[] | Map<number | string, Cbor> | Tagged | boolean | null | undefined;

class Tagged {
  constructor(
    readonly tag: bigint,
    readonly value: Cbor,
  ) {}
}

/** Nesting deeper than any COSE header: an envelope is untrusted input, and recursion has a bound. */
const MAX_DEPTH = 16;

/** The data item at `at` (definite lengths only, as COSE's deterministic encoding writes them) and where the next starts. */
function decode(b: Buffer, at: number, depth: number): { value: Cbor; next: number } {
  if (depth > MAX_DEPTH) throw new Error('nested too deep');
  if (at >= b.length) throw new Error(`truncated at byte ${at}`);
  const major = b[at]! >> 5;
  const info = b[at]! & 0x1f;
  let next = at + 1;
  let arg: bigint;
  if (info < 24) arg = BigInt(info);
  else if (info <= 27) {
    const n = 1 << (info - 24);
    if (next + n > b.length) throw new Error(`truncated at byte ${at}`);
    arg = 0n;
    for (let i = 0; i < n; i++) arg = (arg << 8n) | BigInt(b[next + i]!);
    next += n;
  } else throw new Error(`an indefinite length or reserved value at byte ${at}`);
  const small = (): number => {
    if (arg > BigInt(b.length)) throw new Error(`a length of ${arg} at byte ${at} runs past the end`);
    return Number(arg);
  };
  switch (major) {
    case 0:
      return { value: arg <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(arg) : arg, next };
    case 1: {
      const v = -1n - arg;
      return { value: v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v, next };
    }
    case 2:
    case 3: {
      const n = small();
      if (next + n > b.length) throw new Error(`a string of ${n} bytes at byte ${at} runs past the end`);
      const s = b.subarray(next, next + n);
      return { value: major === 2 ? s : s.toString('utf8'), next: next + n };
    }
    case 4: {
      const items: Cbor[] = [];
      for (let i = 0, n = small(); i < n; i++) {
        const r = decode(b, next, depth + 1);
        items.push(r.value);
        next = r.next;
      }
      return { value: items, next };
    }
    case 5: {
      const map = new Map<number | string, Cbor>();
      for (let i = 0, n = small(); i < n; i++) {
        const k = decode(b, next, depth + 1);
        if (typeof k.value !== 'number' && typeof k.value !== 'string') throw new Error(`a map key that is neither an integer nor a text at byte ${next}`);
        if (map.has(k.value)) throw new Error(`map key ${JSON.stringify(k.value)} twice`);
        const v = decode(b, k.next, depth + 1);
        map.set(k.value, v.value);
        next = v.next;
      }
      return { value: map, next };
    }
    case 6: {
      const r = decode(b, next, depth + 1);
      return { value: new Tagged(arg, r.value), next: r.next };
    }
    default:
      if (info === 20 || info === 21) return { value: info === 21, next };
      if (info === 22) return { value: null, next };
      if (info === 23) return { value: undefined, next };
      throw new Error(`a float or simple value at byte ${at}`);
  }
}

/** A header value as a message shows it: a number or a text as such, else what kind of item it is (never "undefined"). */
function shownLabel(v: Cbor): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  return Buffer.isBuffer(v) ? 'a byte string' : Array.isArray(v) ? 'an array' : v instanceof Map ? 'a map' : 'a tagged item';
}

/** A byte string's head for a length (the shortest form, as deterministic CBOR writes it). */
function bstrHead(n: number): Buffer {
  if (n < 24) return Buffer.from([0x40 | n]);
  if (n < 0x100) return Buffer.from([0x58, n]);
  if (n < 0x10000) return Buffer.from([0x59, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x5a;
  b.writeUInt32BE(n, 1);
  return b;
}
