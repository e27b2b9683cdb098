import { DateTime } from 'luxon';

/** A span of agency-local days and the UTC instants that bound it ([fromUtc, toUtc)). */
export interface LocalWindow {
  /** First local day, `YYYY-MM-DD`. */
  from: string;
  /** Last local day (inclusive). */
  to: string;
  fromUtc: Date;
  toUtc: Date;
}

/**
 * The days `pastDays` before … `futureDays` after today in the agency's zone. WellSky's date selectors
 * are agency-local days while it stores UTC (facts §2.5), so both forms are kept together.
 */
export function localWindow(now: Date, zone: string, pastDays: number, futureDays: number): LocalWindow {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  return daysWindow(
    today.minus({ days: pastDays }).toISODate()!,
    today.plus({ days: futureDays }).toISODate()!,
    zone,
  );
}

export function daysWindow(from: string, to: string, zone: string): LocalWindow {
  const start = DateTime.fromISO(from, { zone }).startOf('day');
  const end = DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day');
  if (!start.isValid || !end.isValid) throw new RangeError(`not a calendar date: ${from} or ${to}`);
  if (end <= start) throw new RangeError(`the range ends (${to}) before it starts (${from})`);
  return { from, to, fromUtc: start.toJSDate(), toUtc: end.toJSDate() };
}

/** `updated` comparator value: ISO datetime without offset, which WellSky reads as UTC (facts §2.2, §2.5). */
export function updatedSince(instant: Date): string {
  return `ge${instant.toISOString().slice(0, 19)}`;
}
