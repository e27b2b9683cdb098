import { DateTime } from 'luxon';

/**
 * Local calendar days are plain integers (days since 1970-01-01) so series expansion is arithmetic; only
 * the local-time ↔ UTC step goes through luxon, cached, because DST moves the UTC hour (facts §2.5: the
 * API returns UTC, local shift times are an agency-zone concept).
 */
const DAY_MS = 86_400_000;

export function dayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

export function ymd(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `YYYY-MM-DD`. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** `YYYYMMDD` or `YYYY-MM-DD` → day, or undefined when not a real date. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = dayOf(year, month, date);
  const back = ymd(day);
  return back.year === year && back.month === month && back.day === date ? day : undefined;
}

/** `2026-02-05T15:00:00+00:00`, the form the API returns (facts §2.5 [V]). */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** ISO datetime; no offset means UTC (facts §2.5 [D]). */
export function parseInstant(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(
    text,
  );
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`;
  const ms = DateTime.fromISO(iso, { setZone: true }).toMillis();
  return Number.isFinite(ms) ? ms : undefined;
}

export class AgencyZone {
  private readonly cache = new Map<number, number>();

  constructor(readonly name: string) {
    if (!DateTime.local().setZone(name).isValid) throw new Error(`unknown time zone ${name}`);
  }

  /** The UTC instant of a local wall-clock time (minutes after local midnight). */
  toUtc(day: number, minute: number): number {
    const key = day * 1440 + minute;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const { year, month, day: date } = ymd(day);
    const ms = DateTime.fromObject(
      { year, month, day: date, hour: Math.floor(minute / 60), minute: minute % 60 },
      { zone: this.name },
    ).toMillis();
    this.cache.set(key, ms);
    return ms;
  }

  /** The local calendar day containing this instant. */
  dayOf(ms: number): number {
    const dt = DateTime.fromMillis(ms, { zone: this.name });
    return dayOf(dt.year, dt.month, dt.day);
  }

  /** Monday of the ISO week `YYYYWW`. */
  isoWeekMonday(weekYear: number, weekNumber: number): number | undefined {
    const dt = DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: this.name });
    if (!dt.isValid || dt.weekNumber !== weekNumber) return undefined;
    return dayOf(dt.year, dt.month, dt.day);
  }
}
