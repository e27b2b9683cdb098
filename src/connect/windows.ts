import { DateTime } from 'luxon';

/** One legal appointment search window (facts §2.5, §3.5). */
export type AppointmentWindow = { startDate: string; additionalDays?: number } | { monthNo: string };

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The fewest legal queries covering the agency-local days `from`…`to` (inclusive). A search may span at
 * most 7 days (`startDate` + `additionalDays` ≤ 6) or one calendar month (`monthNo`); each calendar month
 * the range touches costs one query: the whole month when more than 7 of its days are wanted (the extra
 * days are filtered out locally), otherwise one short window.
 */
export function planAppointmentWindows(from: string, to: string): AppointmentWindow[] {
  if (!ISO_DAY.test(from) || !ISO_DAY.test(to)) throw new RangeError('dates must look like 2026-03-02');
  const start = DateTime.fromISO(from, { zone: 'utc' });
  const end = DateTime.fromISO(to, { zone: 'utc' });
  if (!start.isValid || !end.isValid) throw new RangeError(`not a calendar date: ${from} or ${to}`);
  if (end < start) throw new RangeError(`the range ends (${to}) before it starts (${from})`);
  const windows: AppointmentWindow[] = [];
  let cursor = start;
  while (cursor <= end) {
    const monthEnd = cursor.endOf('month').startOf('day');
    const last = DateTime.min(monthEnd, end);
    const days = Math.round(last.diff(cursor, 'days').days) + 1;
    if (days > 7) {
      windows.push({ monthNo: cursor.toFormat('yyyyLL') });
    } else {
      const window: AppointmentWindow = { startDate: cursor.toFormat('yyyyLLdd') };
      if (days > 1) window.additionalDays = days - 1;
      windows.push(window);
    }
    cursor = last.plus({ days: 1 });
  }
  return windows;
}
