import { DateTime } from 'luxon';
import { parseAgencyTime } from '../documentation/time.ts';
import { OperationError } from './errors.ts';

/**
 * The caller's time for an operation: now when absent; an agency-zone wall time (`2026-03-02T08:04`) or
 * an ISO time with an offset. Returned as an instant; WellSky is sent UTC (the original sent naive local
 * times that the API read as UTC, D-6).
 */
export function callerTime(input: string | undefined, zone: string, now: Date, field = 'at'): DateTime {
  if (input === undefined) return DateTime.fromJSDate(now, { zone });
  const parsed = parseAgencyTime(input, zone);
  if (!DateTime.isDateTime(parsed))
    throw new OperationError('invalid-input', `${field}: ${parsed.error}`, field);
  if (parsed.toMillis() > now.getTime() + 10 * 60_000) {
    throw new OperationError(
      'invalid-input',
      `${field}: the time is in the future; give when it happened`,
      field,
    );
  }
  return parsed.setZone(zone);
}

/** `2026-03-02T15:04:00Z`: the UTC form WellSky stores (facts §2.5). */
export function utcIso(t: DateTime): string {
  return t.toUTC().toISO({ suppressMilliseconds: true })!;
}
