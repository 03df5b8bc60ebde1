// A Notary signature's timestamp as notation takes it (notation-go's verifier, tspclient-go's Timestamp): not an
// instant but the range genTime ± accuracy, over which each certificate of the signing chain must be valid.
import { type Certificate, oneLine } from '../x509/certificates';
import type { TstInfo } from '../x509/timestamp';
import { accuracyNanos, accuracyText, BASELINE_TIMESTAMP_POLICY, isoOfNanos, nanosOf } from '../x509/timestampAccuracy';

export interface StampedRange {
  earliest: bigint;
  latest: bigint;
  /** How it was taken, for messages: `genTime 2025-02-28T23:59:59.000Z ± 1.5s`. */
  text: string;
}

/**
 * The range a TSTInfo's time stands for, as tspclient-go's TSTInfo.Validate takes it: genTime ± its accuracy (the
 * parts it has); with no accuracy (or one of all zeros), genTime alone, unless its policy is RFC 3628's baseline:
 * then ± 1 s (trust-store-trust-policy.md). A malformed accuracy: why, by name.
 */
export function stampedRange(info: TstInfo): StampedRange | { bad: string } {
  if (info.accuracy && 'malformed' in info.accuracy) return { bad: info.accuracy.malformed };
  const given = info.accuracy ? accuracyNanos(info.accuracy) : 0n;
  const baseline = given === 0n && info.policy === BASELINE_TIMESTAMP_POLICY;
  const width = baseline ? 1_000_000_000n : given;
  const how = baseline ? '1s (no accuracy, under the baseline policy)' : info.accuracy ? accuracyText(info.accuracy) : '0s (no accuracy)';
  return { earliest: info.genTimeNanos - width, latest: info.genTimeNanos + width, text: `genTime ${isoOfNanos(info.genTimeNanos)} ± ${how}` };
}

/**
 * Whether each certificate of `chain` is valid over the whole range (notBefore <= earliest, latest <= notAfter, both
 * bounds included, as notation-go's BoundedAfter and BoundedBefore), or which is not and at which bound.
 */
export function validOver(chain: readonly Certificate[], range: StampedRange): string | undefined {
  for (const c of chain) {
    const { notBefore, notAfter } = c.fields;
    const who = `${c.name} (${oneLine(c.x509.subject)})`;
    if (range.earliest < nanosOf(notBefore)) return `${who} is valid from ${notBefore.toISOString()}, after the earliest time its timestamp countersignature stands for, ${isoOfNanos(range.earliest)} (${range.text})`;
    if (range.latest > nanosOf(notAfter)) return `${who} expired at ${notAfter.toISOString()}, before the latest time its timestamp countersignature stands for, ${isoOfNanos(range.latest)} (${range.text})`;
  }
  return undefined;
}
