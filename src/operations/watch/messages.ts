import { DateTime } from 'luxon';
import type { WatchShift } from './ports.ts';

// The texts people receive. Short (one SMS segment where possible), the client's first name only, local
// times, and always what to reply.

export function localTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('h:mm a');
}

export function localDayName(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('ccc LLL d');
}

const who = (s: WatchShift) => s.clientFirstName ?? 'your client';

export function clockInReminder(s: WatchShift, zone: string): string {
  return `You were due at ${localTime(s.start, zone)} for ${who(s)} and we have no clock-in yet. Reply LATE and the minutes (e.g. LATE 15), CANT if you cannot make it, or clock in now.`;
}

export function clockOutReminder(s: WatchShift, zone: string): string {
  return `Your shift with ${who(s)} ended at ${localTime(s.end, zone)} and you are still clocked in. Please clock out now (or call the office if you are staying).`;
}

export function confirmationRequest(shifts: WatchShift[], zone: string): string {
  const day = localDayName(shifts[0]!.start, zone);
  const lines = shifts.map(
    (s, i) =>
      `${shifts.length > 1 ? `${i + 1}) ` : ''}${localTime(s.start, zone)}–${localTime(s.end, zone)} ${who(s)}`,
  );
  const no = shifts.length > 1 ? 'NO and the number (e.g. NO 2)' : 'NO';
  return `Tomorrow (${day}) you work: ${lines.join('; ')}. Reply YES to confirm or ${no} if you cannot.`;
}

export function lateClientNotice(s: WatchShift, minutes: number, zone: string): string {
  const expected = new Date(s.start.getTime() + minutes * 60_000);
  return `Your caregiver is running about ${minutes} minutes late today and expects to arrive around ${localTime(expected, zone)}. Sorry for the wait.`;
}

export function lateNote(s: WatchShift, minutes: number, reportedAt: Date, zone: string): string {
  const expected = new Date(s.start.getTime() + minutes * 60_000);
  return `Caregiver texted at ${localTime(reportedAt, zone)} that they were running about ${minutes} minutes late for the ${localTime(s.start, zone)} shift (expected around ${localTime(expected, zone)}).`;
}

export function escalationTask(
  s: WatchShift,
  zone: string,
  minutes: number,
  textState: string,
): {
  title: string;
  text: string;
} {
  return {
    title: `No clock-in ${minutes} min after the ${localTime(s.start, zone)} shift (${who(s)})`,
    text: `Shift ${s.appointmentId} for client ${s.clientId} started at ${localTime(s.start, zone)} with caregiver ${s.caregiverId}; no clock-in after ${minutes} minutes. Reminder text to the caregiver: ${textState}. Reach the caregiver, and the client if nobody is coming; call it out if needed.`,
  };
}
