// End-of-life dates a release's manifests carry: ACR's lifecycle artifacts (`oras attach --artifact-type
// application/vnd.microsoft.artifact.lifecycle --annotation vnd.microsoft.artifact.lifecycle.end-of-life.date=...`),
// which Azure's scanners and .NET's image tooling read, and any key the end-of-life kind names. A release whose
// date has passed still checks clean byte for byte, so the check says so: a warning (`--strict` fails on it).
import { isJsonObject } from '../jsonObject';
import { formatPath } from '../validate';
import { shownValue } from '../validate/shownValue';
import { globMatches } from '../glob';
import { BUILTIN_KINDS } from '../referrers/kinds';

/** How far ahead an end-of-life date is worth a note. */
export const END_OF_LIFE_SOON_DAYS = 30;

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time (ACR writes 7 fractional digits: 2023-05-12T21:15:10.8343521Z).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

const END_OF_LIFE_KEYS = BUILTIN_KINDS.find((k) => k.id === 'end-of-life')?.annotationKeys ?? [];

export interface EndOfLifeFinding {
  severity: 'warning' | 'info';
  code: 'end-of-life-passed' | 'end-of-life-soon' | 'end-of-life-date-unreadable';
  path: string;
  message: string;
}

/** The instant an end-of-life value stands for (a date alone: that day's start, UTC), or undefined if it is none. */
export function endOfLifeInstant(value: string): Date | undefined {
  const d = DATE_ONLY.exec(value);
  const t = d ? undefined : DATE_TIME.exec(value);
  const m = d ?? t;
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = t ? [Number(t[4]), Number(t[5]), Number(t[6])] : [0, 0, 0];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  at.setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999
  // Date.UTC rolls 2027-02-30 over to March: a date that does not read back as written is none.
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = t?.[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (zh > 23 || zm > 59) return undefined;
    at.setTime(at.getTime() - (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000);
  }
  if (t?.[7]) at.setTime(at.getTime() + Number(`0.${t[7]}`) * 1000);
  return at;
}

/** The values of a manifest's end-of-life annotations (the end-of-life kind's keys), as written, in annotation order. */
export function endOfLifeValues(annotations: unknown): Array<{ key: string; value: string }> {
  if (!isJsonObject(annotations)) return [];
  const out: Array<{ key: string; value: string }> = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'string' && END_OF_LIFE_KEYS.some((p) => globMatches(p, key))) out.push({ key, value });
  }
  return out;
}

/** Where an end-of-life instant stands at `now`: passed (at or before it), soon (within 30 days), or later. */
export function endOfLifeTime(at: Date, now: Date): 'passed' | 'soon' | 'later' {
  if (at.getTime() <= now.getTime()) return 'passed';
  return at.getTime() - now.getTime() <= END_OF_LIFE_SOON_DAYS * DAY_MS ? 'soon' : 'later';
}

/**
 * What a manifest's end-of-life annotations say at `now`: passed (a warning), within 30 days (a note), unreadable (a
 * warning). `attached`: the manifest is an artifact with a subject, whose date is its subject's.
 */
export function endOfLifeFindings(annotations: unknown, now: Date, attached: boolean): EndOfLifeFinding[] {
  const found: EndOfLifeFinding[] = [];
  for (const { key, value } of endOfLifeValues(annotations)) {
    const path = formatPath(['annotations', key]);
    const at = endOfLifeInstant(value.trim());
    if (!at) {
      found.push({ severity: 'warning', code: 'end-of-life-date-unreadable', path, message: `${shownValue(value)} is no date: an end-of-life date is YYYY-MM-DD or an RFC 3339 time (2027-01-01T00:00:00Z)` });
      continue;
    }
    const days = Math.floor(Math.abs(at.getTime() - now.getTime()) / DAY_MS);
    const time = endOfLifeTime(at, now);
    if (time === 'passed') {
      found.push({ severity: 'warning', code: 'end-of-life-passed', path, message: `end of life ${value} has passed (${days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`}): ${attached ? 'the manifest it is attached to is' : 'this is'} past its end of life` });
    } else if (time === 'soon') {
      found.push({ severity: 'info', code: 'end-of-life-soon', path, message: `end of life ${value} is ${days === 0 ? 'within a day' : days === 1 ? 'in 1 day' : `in ${days} days`}` });
    }
  }
  return found;
}
