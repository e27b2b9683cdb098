import { DateTime } from 'luxon';
import type { WatchActionRow, WatchRule } from '../../store/index.ts';
import type { WatchShift } from './ports.ts';
import type { WatchSettings } from './settings.ts';

const MINUTE = 60_000;

/** The occurrence's key, as everywhere in Skybridge: `appointmentId@startISO`. */
export const occurrenceKey = (s: { appointmentId: string; start: Date }): string =>
  `${s.appointmentId}@${s.start.toISOString()}`;

export const actionKey = (rule: WatchRule, subject: string): string => `watch:${rule}:${subject}`;

/** One thing the watch decided to do at one instant; carried out (or only reported, dry-run) by the runner. */
export type PlannedAction =
  | { rule: 'clock-in-text'; key: string; shift: WatchShift; reason: string }
  | { rule: 'clock-in-escalation'; key: string; shift: WatchShift; reason: string; minutesLate: number }
  | { rule: 'clock-out-reminder'; key: string; shift: WatchShift; reason: string }
  | { rule: 'late-note'; key: string; shift: WatchShift; reason: string; report: WatchActionRow }
  | {
      rule: 'confirmation-request';
      key: string;
      caregiverId: string;
      day: string;
      shifts: WatchShift[];
      reason: string;
    };

export interface PlanInput {
  now: Date;
  zone: string;
  settings: WatchSettings;
  shifts: WatchShift[];
  /** Existing actions by dedup key. */
  actions: Map<string, WatchActionRow>;
  /** Occurrence keys with a recorded call-out. */
  calledOut: Set<string>;
}

const LIVE = (s: WatchShift) => !['CANCELLED', 'CANCELED'].includes(s.status.toUpperCase());
/** Not yet done: no row, or a row a crash left 'intended' (the runner finishes it; the key keeps it single). */
const pending = (actions: Map<string, WatchActionRow>, key: string) => {
  const row = actions.get(key);
  return row === undefined || row.state === 'intended';
};

/** Minutes the caregiver said they would be late for this occurrence (0 when they said nothing). */
export function lateMinutes(actions: Map<string, WatchActionRow>, s: WatchShift): number {
  const row = actions.get(actionKey('running-late', occurrenceKey(s)));
  const minutes = row?.detail?.minutes;
  return typeof minutes === 'number' ? minutes : 0;
}

/** Every rule, evaluated at one instant: pure, so a test or `--dry-run` sees exactly what would happen. */
export function plan(input: PlanInput): PlannedAction[] {
  const { now, settings: s, actions } = input;
  const t = now.getTime();
  const out: PlannedAction[] = [];
  for (const shift of input.shifts) {
    if (!shift.caregiverId || shift.isOpen || !LIVE(shift)) continue;
    const occ = occurrenceKey(shift);
    if (input.calledOut.has(occ)) continue;
    const start = shift.start.getTime();
    const end = shift.end.getTime();
    const late = lateMinutes(actions, shift) * MINUTE;
    const inLookback = start >= t - s.lookbackHours * 60 * MINUTE;

    // Missed clock-in: measured from when the caregiver said they would arrive, if they said.
    if (!shift.visit && inLookback && t < end) {
      const due = start + late;
      if (t >= due + s.clockInGraceMinutes * MINUTE) {
        const key = actionKey('clock-in-text', occ);
        if (pending(actions, key))
          out.push({
            rule: 'clock-in-text',
            key,
            shift,
            reason: `no clock-in ${Math.floor((t - start) / MINUTE)} min after the shift's start${late ? ` (caregiver said ${late / MINUTE} min late)` : ''}`,
          });
      }
      if (t >= due + s.clockInEscalateMinutes * MINUTE) {
        const key = actionKey('clock-in-escalation', occ);
        const minutesLate = Math.floor((t - start) / MINUTE);
        if (pending(actions, key))
          out.push({
            rule: 'clock-in-escalation',
            key,
            shift,
            minutesLate,
            reason: `still no clock-in ${minutesLate} min after the shift's start`,
          });
      }
    }

    // Missed clock-out: one reminder, only for visits Skybridge can see are still open.
    if (
      shift.visit?.clockIn &&
      !shift.visit.clockOut &&
      t >= end + s.clockOutGraceMinutes * MINUTE &&
      end >= t - s.lookbackHours * 60 * MINUTE
    ) {
      const key = actionKey('clock-out-reminder', occ);
      if (pending(actions, key))
        out.push({
          rule: 'clock-out-reminder',
          key,
          shift,
          reason: `still clocked in ${Math.floor((t - end) / MINUTE)} min after the shift's end`,
        });
    }

    // The late report becomes a note on the visit once there is one (or, with none by the end, a held note).
    const report = actions.get(actionKey('running-late', occ));
    if (report && (shift.visit?.clockIn || t >= end)) {
      const key = actionKey('late-note', occ);
      if (pending(actions, key))
        out.push({
          rule: 'late-note',
          key,
          shift,
          report,
          reason: shift.visit ? 'the late caregiver clocked in' : 'the shift ended without a visit',
        });
    }
  }
  out.push(...planConfirmations(input));
  return out;
}

/** Between SKYBRIDGE_CONFIRM_AT and the deadline: one request per caregiver with shifts tomorrow. */
function planConfirmations(input: PlanInput): PlannedAction[] {
  const local = DateTime.fromJSDate(input.now, { zone: input.zone });
  const hhmm = local.toFormat('HH:mm');
  if (hhmm < input.settings.confirmAt || hhmm >= input.settings.confirmDeadline) return [];
  const tomorrow = local.plus({ days: 1 }).toISODate()!;
  const byCaregiver = new Map<string, WatchShift[]>();
  for (const s of input.shifts) {
    if (!s.caregiverId || s.isOpen || !LIVE(s)) continue;
    if (input.calledOut.has(occurrenceKey(s))) continue;
    if (DateTime.fromJSDate(s.start, { zone: input.zone }).toISODate() !== tomorrow) continue;
    byCaregiver.set(s.caregiverId, [...(byCaregiver.get(s.caregiverId) ?? []), s]);
  }
  const out: PlannedAction[] = [];
  for (const [caregiverId, shifts] of byCaregiver) {
    const key = actionKey('confirmation-request', `${caregiverId}:${tomorrow}`);
    if (!pending(input.actions, key)) continue;
    shifts.sort((a, b) => a.start.getTime() - b.start.getTime());
    out.push({
      rule: 'confirmation-request',
      key,
      caregiverId,
      day: tomorrow,
      shifts,
      reason: `${shifts.length} shift${shifts.length > 1 ? 's' : ''} tomorrow (${tomorrow})`,
    });
  }
  return out;
}

/** Keys plan() may look up for these shifts, so the runner loads exactly those rows. */
export function candidateKeys(shifts: WatchShift[], zone: string, now: Date): string[] {
  const keys: string[] = [];
  const tomorrow = DateTime.fromJSDate(now, { zone }).plus({ days: 1 }).toISODate()!;
  for (const s of shifts) {
    const occ = occurrenceKey(s);
    for (const rule of [
      'clock-in-text',
      'clock-in-escalation',
      'clock-out-reminder',
      'running-late',
      'late-note',
    ] as const)
      keys.push(actionKey(rule, occ));
    if (s.caregiverId) keys.push(actionKey('confirmation-request', `${s.caregiverId}:${tomorrow}`));
  }
  return [...new Set(keys)];
}
