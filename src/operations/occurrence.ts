import { DateTime } from 'luxon';
import { isConnectError } from '../connect/errors.ts';
import { SHIFT_COLUMNS } from '../mirror/shifts.ts';
import { checkDay, localDay } from '../mirror/time.ts';
import type { ShiftView } from '../mirror/types.ts';
import type { SkybridgeApp } from '../runtime/app.ts';
import { OperationError } from './errors.ts';

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

type Row = { appointment_id: string; start_at: Date; end_at: Date };

/** Refuses to work on an empty mirror, with the one step that fixes it. */
export async function requireMirror(app: SkybridgeApp): Promise<void> {
  const run = await app.store.db
    .selectFrom('sync_runs')
    .select('id')
    .where('status', 'in', ['ok', 'partial'])
    .limit(1)
    .executeTakeFirst();
  if (!run) throw new OperationError('mirror-empty', 'the local mirror is empty: run `skybridge sync` first');
}

/** The mirror's view of one occurrence (names, visit), from the client's shifts on its day. */
export async function viewOf(
  app: SkybridgeApp,
  row: { appointment_id: string; start_at: Date; client_id: string },
) {
  const day = localDay(row.start_at, app.timezone);
  const { shifts } = await app.mirror.shifts({ clientId: row.client_id, date: day });
  const view = shifts.find(
    (s) => s.appointmentId === row.appointment_id && s.startUtc === row.start_at.toISOString(),
  );
  if (!view)
    throw new OperationError('no-such-shift', `shift ${row.appointment_id} is no longer in the local mirror`);
  return view;
}

/**
 * The occurrence of shift `shiftId` a caller means: the one on `date` (agency-local day) when given,
 * else the one whose time window holds `near` (from 3 h before start to its end), else the only one.
 * Anything else is a question back to the caller, never a guess.
 */
export async function resolveOccurrence(
  app: SkybridgeApp,
  input: {
    shiftId: string;
    date?: string | undefined;
    near?: Date | undefined;
    /** Without a date and nothing around `near`: the next occurrence not yet over (for planning). */
    orNext?: boolean;
  },
): Promise<Occurrence> {
  await requireMirror(app);
  const rows = await app.store.db
    .selectFrom('shifts')
    .select(SHIFT_COLUMNS)
    .where('appointment_id', '=', input.shiftId)
    .where('removed_at', 'is', null)
    .orderBy('start_at')
    .execute();
  if (rows.length === 0) throw await missingShift(app, input.shiftId);
  const zone = app.timezone;
  let chosen: (typeof rows)[number] | undefined;
  if (input.date !== undefined) {
    let day: string;
    try {
      day = checkDay(input.date);
    } catch (error) {
      throw new OperationError('invalid-input', (error as Error).message, 'date');
    }
    chosen = rows.find((r) => localDay(r.start_at, zone) === day);
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
      rows.find((r) => t >= r.start_at.getTime() - EARLY_MS && t < r.end_at.getTime()) ??
      rows.find((r) => localDay(r.start_at, zone) === localDay(input.near!, zone));
    if (!chosen && input.orNext) chosen = rows.find((r) => r.end_at.getTime() > input.near!.getTime());
  }
  if (!chosen) {
    throw new OperationError(
      'invalid-input',
      `shift ${input.shiftId} recurs; say which day with date (it occurs on ${daysOf(rows, zone)})`,
      'date',
    );
  }
  return {
    appointmentId: chosen.appointment_id,
    start: chosen.start_at,
    end: chosen.end_at,
    clientId: chosen.client_id,
    caregiverId: chosen.caregiver_id,
    status: chosen.status,
    isOpen: chosen.is_open,
    view: await viewOf(app, chosen),
  };
}

function daysOf(rows: Row[], zone: string): string {
  const days = [...new Set(rows.map((r) => localDay(r.start_at, zone)))];
  return days.length <= 6
    ? days.join(', ')
    : `${days.slice(0, 3).join(', ')} … ${days.slice(-2).join(', ')} (${days.length} days)`;
}

/** Not in the mirror: WellSky is asked, so "no such shift" is never said of a shift synced late. */
async function missingShift(app: SkybridgeApp, shiftId: string): Promise<OperationError> {
  try {
    const live = await app.client.appointments.get(shiftId);
    const day = DateTime.fromISO(live.start, { setZone: true }).setZone(app.timezone).toISODate();
    return new OperationError(
      'no-such-shift',
      `shift ${shiftId} exists in WellSky (on ${day}) but is not in the local mirror yet: run \`skybridge sync\` and try again`,
      'shiftId',
    );
  } catch (error) {
    if (isConnectError(error, 'not-found')) {
      return new OperationError(
        'no-such-shift',
        `there is no shift ${shiftId}, neither in the mirror nor in WellSky`,
        'shiftId',
      );
    }
    return new OperationError(
      'no-such-shift',
      `shift ${shiftId} is not in the local mirror (and WellSky could not be asked)`,
      'shiftId',
    );
  }
}
