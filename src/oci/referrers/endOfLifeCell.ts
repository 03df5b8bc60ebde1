// What a manifest's end-of-life cell says of its dates: the earliest date its end-of-life referrers carry, judged at a
// time as `manifold check` judges it (src/oci/check/endOfLife.ts: the same keys, the same strict parser), so a
// matrix shows a release past its end of life where a count alone said "1".
import { endOfLifeInstant, endOfLifeTime, endOfLifeValues } from '../check/endOfLife';

/** The built-in kind whose cells carry dates. */
export const END_OF_LIFE_KIND = 'end-of-life';

/**
 * `passed`, `soon` (within 30 days) or `later`: the earliest readable date's standing. `unreadable`: the artifacts
 * carry end-of-life values but none is a date. `none`: they carry no end-of-life annotation at all (a lifecycle
 * artifact told by its type alone).
 */
export type EndOfLifeState = 'passed' | 'soon' | 'later' | 'unreadable' | 'none';

export interface EndOfLifeCell {
  state: EndOfLifeState;
  /** The earliest readable date, as written (`2020-01-31`, `2023-05-12T21:15:10.8343521Z`); absent when none is readable. */
  date?: string;
  /** Values that are no date, as written, in the order found; absent when there are none. */
  unreadable?: string[];
}

/** The end-of-life values (as written) an artifact's annotations carry under the end-of-life kind's keys. */
export function endOfLifeValuesOf(annotations: unknown): string[] {
  return endOfLifeValues(annotations).map((v) => v.value);
}

/** The cell for the end-of-life values of a manifest's end-of-life artifacts, all together, at `now`. */
export function endOfLifeCell(values: readonly string[], now: Date): EndOfLifeCell {
  let earliest: { date: string; at: Date } | undefined;
  const unreadable: string[] = [];
  for (const value of values) {
    const date = value.trim();
    const at = endOfLifeInstant(date);
    if (!at) unreadable.push(value);
    else if (!earliest || at.getTime() < earliest.at.getTime()) earliest = { date, at };
  }
  const state: EndOfLifeState = earliest ? endOfLifeTime(earliest.at, now) : unreadable.length > 0 ? 'unreadable' : 'none';
  return { state, ...(earliest ? { date: earliest.date } : {}), ...(unreadable.length > 0 ? { unreadable } : {}) };
}
