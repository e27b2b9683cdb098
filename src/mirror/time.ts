import { DateTime } from 'luxon';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` that is a real calendar date, or a RangeError naming the input. */
export function checkDay(day: string, label = 'date'): string {
  if (!ISO_DAY.test(day) || !DateTime.fromISO(day, { zone: 'utc' }).isValid) {
    throw new RangeError(`${label} must be a date like 2026-03-08, got ${JSON.stringify(day)}`);
  }
  return day;
}

/** The agency-local day of an instant. */
export function localDay(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/** [start of `from`, start of the day after `to`) in the agency zone, as UTC instants; DST-aware. */
export function dayBounds(from: string, to: string, zone: string): { lo: Date; hi: Date } {
  const lo = DateTime.fromISO(checkDay(from, 'from'), { zone }).startOf('day');
  const hi = DateTime.fromISO(checkDay(to, 'to'), { zone }).plus({ days: 1 }).startOf('day');
  if (hi <= lo) throw new RangeError(`the range ends (${to}) before it starts (${from})`);
  return { lo: lo.toJSDate(), hi: hi.toJSDate() };
}

/**
 * An instant as people in the agency read it (D-16: the original showed UTC to people). The offset is
 * kept in the ISO string so a reader, or a program, never has to guess the zone.
 */
export function localTimes(instant: Date, zone: string): { iso: string; day: string; time: string } {
  const t = DateTime.fromJSDate(instant, { zone });
  return { iso: t.toISO()!, day: t.toISODate()!, time: t.toFormat('HH:mm') };
}
