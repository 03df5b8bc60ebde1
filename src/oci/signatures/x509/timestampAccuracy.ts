// A TSTInfo's accuracy (RFC 3161 2.4.2) and the range of times a timestamp stands for: genTime ± accuracy. Times
// are counted in nanoseconds (bigint): a token may state micros, finer than a Date holds.
import { childrenOf, contextTag, type DerNode, TAG } from './der';

/** RFC 3161's Accuracy: seconds, millis (1..999), micros (1..999); a part absent is 0. */
export interface Accuracy {
  seconds: number;
  millis: number;
  micros: number;
}

/** RFC 3628's baseline time-stamp policy: a token under it with no accuracy is taken as accurate to 1 s (the Notary Project's trust-store-trust-policy.md, as tspclient-go does). */
export const BASELINE_TIMESTAMP_POLICY = '0.4.0.2023.1.1';

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999) OPTIONAL, micros [1] INTEGER
 * (1..999) OPTIONAL }` (RFC 3161's module is IMPLICIT TAGS), or what is wrong with it, by name. Seconds are a
 * non-negative INTEGER of at most 32 bits (more than a century: no certificate's validity holds such a range).
 */
export function readAccuracy(node: DerNode): Accuracy | { malformed: string } {
  let parts: DerNode[];
  try {
    parts = childrenOf(node);
  } catch (err) {
    return { malformed: `TSTInfo.accuracy: ${(err as Error).message}` };
  }
  const out: Accuracy = { seconds: 0, millis: 0, micros: 0 };
  const fields = [
    { tag: TAG.INTEGER, name: 'seconds', max: 0xffffffff, min: 0 },
    { tag: contextTag(0, false), name: 'millis', max: 999, min: 1 },
    { tag: contextTag(1, false), name: 'micros', max: 999, min: 1 },
  ] as const;
  let next = 0;
  for (const part of parts) {
    const at = fields.findIndex((f, i) => i >= next && f.tag === part.tag);
    if (at < 0) return { malformed: `TSTInfo.accuracy: an element of tag 0x${part.tag.toString(16)} where seconds, millis [0] or micros [1] (in that order, each once) may be` };
    const f = fields[at]!;
    next = at + 1;
    const value = integerOf(part.content);
    if (value === undefined) return { malformed: `TSTInfo.accuracy.${f.name}: not an INTEGER as DER writes one (${part.content.toString('hex') || 'empty'})` };
    if (value < f.min || value > f.max) return { malformed: `TSTInfo.accuracy.${f.name}: ${value}, not within ${f.min}..${f.max}` };
    out[f.name] = value;
  }
  return out;
}

/** A DER INTEGER's value when it is minimally encoded and within 5 bytes; undefined otherwise. */
function integerOf(content: Buffer): number | undefined {
  if (content.length === 0 || content.length > 5) return undefined;
  if (content.length > 1 && ((content[0] === 0 && !(content[1]! & 0x80)) || (content[0] === 0xff && content[1]! & 0x80))) return undefined;
  let v = content[0]! & 0x80 ? -1 : 0;
  for (const b of content) v = v * 256 + b;
  return v;
}

/** The accuracy in nanoseconds. */
export function accuracyNanos(a: Accuracy): bigint {
  return BigInt(a.seconds) * NANOS_PER_SECOND + BigInt(a.millis) * 1_000_000n + BigInt(a.micros) * 1_000n;
}

/** `1s`, `0.5s`, `2.000001s`: the accuracy as a duration in seconds. */
export function accuracyText(a: Accuracy): string {
  const fraction = (a.millis * 1000 + a.micros).toString().padStart(6, '0').replace(/0+$/, '');
  return `${a.seconds}${fraction ? `.${fraction}` : ''}s`;
}

/** A Date in nanoseconds since the epoch. */
export function nanosOf(d: Date): bigint {
  return BigInt(d.getTime()) * 1_000_000n;
}

/** ISO 8601 of nanoseconds since the epoch, as toISOString writes it (milliseconds) unless finer digits are set: `2025-01-01T00:00:00.000001Z`. */
export function isoOfNanos(n: bigint): string {
  const sub = ((n % NANOS_PER_SECOND) + NANOS_PER_SECOND) % NANOS_PER_SECOND;
  const seconds = new Date(Number((n - sub) / 1_000_000n)).toISOString().slice(0, 19);
  let fraction = sub.toString().padStart(9, '0');
  while (fraction.length > 3 && fraction.endsWith('000')) fraction = fraction.slice(0, -3);
  return `${seconds}.${fraction}Z`;
}
