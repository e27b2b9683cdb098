import { DateTime } from 'luxon';

/**
 * When something happened, as people and programs write it: an ISO instant with an offset or `Z`
 * (`2026-03-02T15:04:00-07:00`), or an agency-local wall time without one (`2026-03-02 08:04`,
 * `2026-03-02T08:04`), which is read in the agency's zone — never as UTC (defect D-16).
 */
export function parseAgencyTime(input: string, timezone: string): DateTime | { error: string } {
  const text = input.trim();
  if (text === '') return { error: 'the time is empty' };
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const normalized = text.replace(' ', 'T');
  const parsed = hasZone
    ? DateTime.fromISO(normalized, { setZone: true })
    : DateTime.fromISO(normalized, { zone: timezone });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(normalized)) {
    return {
      error: `"${input}" is not a time; write it like 2026-03-02T08:04 (agency time, ${timezone}) or 2026-03-02T15:04:00Z`,
    };
  }
  if (!hasZone) {
    // A wall time that does not exist (the hour skipped by DST) must not silently move.
    const roundTrip = parsed.toFormat("yyyy-LL-dd'T'HH:mm");
    if (roundTrip !== normalized.slice(0, 16)) {
      return {
        error: `${normalized.slice(0, 16)} does not exist in ${timezone} (daylight saving time change)`,
      };
    }
  }
  return parsed;
}
