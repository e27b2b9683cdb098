import { DateTime } from 'luxon';

/** Local clock times in minutes after midnight; `start > end` wraps past midnight (21:00–07:00). */
export interface QuietHours {
  start: number;
  end: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `21:00-07:00` → QuietHours; `off` → null; anything else throws naming the variable. */
export function parseQuietHours(
  value: string | undefined,
  variable = 'SKYBRIDGE_QUIET_HOURS',
): QuietHours | null {
  const text = (value ?? '21:00-07:00').trim();
  if (text.toLowerCase() === 'off') return null;
  const [from, to, extra] = text.split('-').map((s) => s.trim());
  const a = from ? HHMM.exec(from) : null;
  const b = to ? HHMM.exec(to) : null;
  if (!a || !b || extra !== undefined) {
    throw new Error(
      `${variable} must be HH:MM-HH:MM in agency time (e.g. 21:00-07:00) or "off", got "${text}"`,
    );
  }
  const start = Number(a[1]) * 60 + Number(a[2]);
  const end = Number(b[1]) * 60 + Number(b[2]);
  if (start === end)
    throw new Error(`${variable}: the start and end are the same ("${text}"); use "off" instead`);
  return { start, end };
}

/** When a non-urgent message may go out: `now` itself, or the end of the quiet window it falls in. */
export function quietUntil(now: Date, hours: QuietHours | null, timezone: string): Date | null {
  if (!hours) return null;
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const inside =
    hours.start < hours.end
      ? minute >= hours.start && minute < hours.end
      : minute >= hours.start || minute < hours.end;
  if (!inside) return null;
  let end = local.startOf('day').plus({ minutes: hours.end });
  if (end <= local) end = end.plus({ days: 1 });
  return end.toJSDate();
}

export function formatLocalTime(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toFormat('HH:mm');
}
