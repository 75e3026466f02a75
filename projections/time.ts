import { isDateTime } from '../src/domain/values.ts';

const YEAR = /^(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The earliest instant a time-value bound can mean: `2024` is 2024-01-01T00:00Z, `2024-10` is
 * 2024-10-01T00:00Z, a date is its midnight UTC, a date-time is itself. The timeline sorts and filters
 * on this, so a year-precision incident sorts before everything else in that year (ascending) and
 * `from=2024-03-01` excludes it: it is only known to start somewhere in the year.
 */
export function earliestInstant(s: string): number {
  let m = YEAR.exec(s);
  if (m) return Date.UTC(Number(m[1]), 0, 1);
  m = MONTH.exec(s);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  m = DAY.exec(s);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Date.parse(s);
}

/** A query bound: a date or an RFC 3339 date-time; a date-only upper bound includes its whole day. */
export function boundInstant(s: string, bound: 'from' | 'to'): number | undefined {
  if (isDateTime(s)) return Date.parse(s);
  const m = DAY.exec(s);
  if (!m) return undefined;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const probe = new Date(start);
  if (probe.getUTCDate() !== Number(m[3]) || probe.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  return bound === 'from' ? start : start + 86_400_000 - 1;
}

/** An instant written in one canonical way, so `14:00Z` and `16:00+02:00` compare equal. */
export function canonicalInstant(s: string): string {
  return isDateTime(s) ? new Date(Date.parse(s)).toISOString() : s;
}
