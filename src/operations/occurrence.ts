import { DateTime } from 'luxon';
import { checkDay, dayBounds, localDay } from '../mirror/time.ts';
import { OperationError } from './errors.ts';
import type { OccurrenceRow, OperationsPorts, Schedule, ShiftView } from './ports.ts';

/** A clock-in this long before the scheduled start still belongs to the shift (as the mirror matches). */
export const EARLY_MS = 3 * 3_600_000;

/** One occurrence of a shift: a recurring shift reuses its id, so the id plus the start names it. */
export interface Occurrence {
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
  caregiverId: string | null;
  status: string;
  isOpen: boolean;
  /** As the mirror shows it: local times, names, the visit. */
  view: ShiftView;
}

/** Refuses to work on an empty mirror, with the one step that fixes it. */
export async function requireMirror(schedule: Schedule): Promise<void> {
  if (!(await schedule.lastSyncedAt()))
    throw new OperationError('mirror-empty', 'the local mirror is empty: run `skybridge sync` first');
}

/** The mirror's view of one occurrence (names, visit). */
export async function viewOf(
  schedule: Schedule,
  o: { appointmentId: string; start: Date; clientId: string },
): Promise<ShiftView> {
  const view = await schedule.occurrenceView(o);
  if (!view)
    throw new OperationError('no-such-shift', `shift ${o.appointmentId} is no longer in the local mirror`);
  return view;
}

/**
 * The occurrence of shift `shiftId` a caller means: the one on `date` (agency-local day) when given,
 * else the one whose time window holds `near` (from 3 h before start to its end), else the only one.
 * Anything else is a question back to the caller, never a guess.
 */
export async function resolveOccurrence(
  ports: Pick<OperationsPorts, 'schedule' | 'wellsky'>,
  input: {
    shiftId: string;
    date?: string | undefined;
    near?: Date | undefined;
    /** Without a date and nothing around `near`: the next occurrence not yet over (for planning). */
    orNext?: boolean;
  },
): Promise<Occurrence> {
  const { schedule } = ports;
  await requireMirror(schedule);
  const rows = await schedule.occurrences(input.shiftId);
  if (rows.length === 0) throw await missingShift(ports, input.shiftId);
  const zone = schedule.timezone;
  let chosen: OccurrenceRow | undefined;
  if (input.date !== undefined) {
    let day: string;
    try {
      day = checkDay(input.date);
    } catch (error) {
      throw new OperationError('invalid-input', (error as Error).message, 'date');
    }
    chosen = rows.find(onDay(day, zone));
    if (!chosen) {
      throw new OperationError(
        'no-such-shift',
        `shift ${input.shiftId} has no occurrence on ${day} (${zone}); it occurs on ${daysOf(rows, zone)}`,
        'date',
      );
    }
  } else if (rows.length === 1) {
    chosen = rows[0];
  } else if (input.near) {
    const t = input.near.getTime();
    chosen =
      rows.find((r) => t >= r.start.getTime() - EARLY_MS && t < r.end.getTime()) ??
      rows.find(onDay(localDay(input.near, zone), zone));
    if (!chosen && input.orNext) chosen = rows.find((r) => r.end.getTime() > input.near!.getTime());
  }
  if (!chosen) {
    throw new OperationError(
      'invalid-input',
      `shift ${input.shiftId} recurs; say which day with date (it occurs on ${daysOf(rows, zone)})`,
      'date',
    );
  }
  return { ...chosen, view: await viewOf(schedule, chosen) };
}

/** Starts on this agency-local day: one zone conversion for the day, not one per occurrence. */
function onDay(day: string, zone: string): (r: OccurrenceRow) => boolean {
  const { lo, hi } = dayBounds(day, day, zone);
  return (r) => r.start >= lo && r.start < hi;
}

function daysOf(rows: OccurrenceRow[], zone: string): string {
  const days = [...new Set(rows.map((r) => localDay(r.start, zone)))];
  return days.length <= 6
    ? days.join(', ')
    : `${days.slice(0, 3).join(', ')} … ${days.slice(-2).join(', ')} (${days.length} days)`;
}

/** Not in the mirror: WellSky is asked, so "no such shift" is never said of a shift synced late. */
async function missingShift(
  ports: Pick<OperationsPorts, 'schedule' | 'wellsky'>,
  shiftId: string,
): Promise<OperationError> {
  try {
    const live = await ports.wellsky.findAppointment(shiftId);
    if (!live) {
      return new OperationError(
        'no-such-shift',
        `there is no shift ${shiftId}, neither in the mirror nor in WellSky`,
        'shiftId',
      );
    }
    const day = DateTime.fromJSDate(live.start, { zone: ports.schedule.timezone }).toISODate();
    return new OperationError(
      'no-such-shift',
      `shift ${shiftId} exists in WellSky (on ${day}) but is not in the local mirror yet: run \`skybridge sync\` and try again`,
      'shiftId',
    );
  } catch {
    return new OperationError(
      'no-such-shift',
      `shift ${shiftId} is not in the local mirror (and WellSky could not be asked)`,
      'shiftId',
    );
  }
}
