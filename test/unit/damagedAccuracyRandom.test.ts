// RFC 3161 accuracies damaged at random, the same way every run (seeded): TSTInfo Accuracy SEQUENCEs as TSAs write
// them (seconds, millis [0], micros [1], each present or not, openssl's `secs:1,millisecs:500` among them) with their
// DER damaged (a length, a tag, a node cut, bytes), read as readTstInfo reads one (when it still parses as DER) and
// taken to the range a Notary timestamp stands for, at genTimes from year 1 to 9999. Each reads as an accuracy within
// RFC 3161's bounds or as a reason naming TSTInfo.accuracy; the range's text holds no crash text; nothing throws.
// SWEEP_SEEDS=a-b sweeps more seeds.
import { strict as assert } from 'node:assert';
import { stampedRange } from '../../src/oci/signatures/notary/notaryTimestamp';
import { readNode } from '../../src/oci/signatures/x509/der';
import { readAccuracy } from '../../src/oci/signatures/x509/timestampAccuracy';
import { mutateDer } from '../helpers/byteMutations';
import { CRASH_TEXT, seededRandom } from '../helpers/jsonMutations';

const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] IMPLICIT INTEGER OPTIONAL, micros [1] IMPLICIT INTEGER OPTIONAL }, hex. */
const ACCURACIES = [
  '3007020101800201f4', // openssl's secs:1, millisecs:500
  '3003020102', // 2 s
  '3006020101810101', // 1 s, 1 µs
  '3004800203e7', // 999 ms (at the bound)
  '3009020400ffffff810103', // 2^24-1 s, 3 µs
  '300e020500ffffffff80010181020100', // seconds at 2^32-1 (5 bytes), 1 ms, 256 µs
  '3004800203e8', // 1000 ms: over RFC 3161's bound, a reason
  '3000', // empty: genTime alone
];
/** genTimes in nanoseconds: the epoch's first day, today, GeneralizedTime's last second and first year. */
const GEN_TIMES = [0n, BigInt(Date.parse('2025-02-28T23:59:59Z')) * 1_000_000n + 123_456n, BigInt(Date.parse('9999-12-31T23:59:59Z')) * 1_000_000n, BigInt(Date.parse('0001-01-01T00:00:00Z')) * 1_000_000n];

describe('RFC 3161 accuracies damaged at random (seeded): an accuracy within bounds or a reason naming TSTInfo.accuracy', () => {
  it('undamaged: each reads (the 1000 ms one, over its bounds, as its reason)', () => {
    const read = ACCURACIES.map((hex) => readAccuracy(readNode(Buffer.from(hex, 'hex')).node));
    assert.deepEqual(read.slice(0, 5), [{ seconds: 1, millis: 500, micros: 0 }, { seconds: 2, millis: 0, micros: 0 }, { seconds: 1, millis: 0, micros: 1 }, { seconds: 0, millis: 999, micros: 0 }, { seconds: 0xffffff, millis: 0, micros: 3 }]);
    assert.deepEqual(read.slice(5), [{ seconds: 0xffffffff, millis: 1, micros: 256 }, { malformed: 'TSTInfo.accuracy.millis: 1000, not within 1..999' }, { seconds: 0, millis: 0, micros: 0 }]);
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, () => {
      const random = seededRandom(seed);
      const m = mutateDer(Buffer.from(pick(random, ACCURACIES), 'hex'), random);
      let node;
      try {
        node = readNode(m.bytes).node;
      } catch {
        return; // no longer DER: the TSTInfo around it does not read (readTstInfo's DerError), the accuracy is never reached
      }
      if (node.tag !== 0x30) return; // readTstInfo reads an accuracy from a SEQUENCE only
      const a = readAccuracy(node);
      const said = 'malformed' in a ? a.malformed : JSON.stringify(a);
      if (process.env.SWEEP_LOG) console.log(`${seed} ${m.what} ${m.bytes.toString('hex')}: ${said}`);
      if ('malformed' in a) assert.match(a.malformed, /^TSTInfo\.accuracy[.:]/, said);
      else {
        assert.ok(Number.isSafeInteger(a.seconds) && a.seconds >= 0 && a.seconds <= 0xffffffff, said);
        for (const part of [a.millis, a.micros]) assert.ok(Number.isSafeInteger(part) && part >= 0 && part <= 999, said);
      }
      for (const genTimeNanos of GEN_TIMES) {
        const range = stampedRange({ policy: '1.2.3.4.1', imprintAlgorithm: '', imprint: Buffer.alloc(0), genTime: new Date(Number(genTimeNanos / 1_000_000n)), genTimeNanos, accuracy: a });
        const text = 'bad' in range ? range.bad : range.text;
        assert.ok(!CRASH_TEXT.test(text), text);
        if (!('bad' in range)) assert.ok(range.earliest <= genTimeNanos && genTimeNanos <= range.latest, text);
      }
    });
  }
});
