import { DateTime } from 'luxon';
import type { WatchActionRow, WatchConfirmationRow } from '../../store/index.ts';
import { occurrenceKey } from './plan.ts';
import type { WatchShift } from './ports.ts';
import type { BoardShift, DayFigures, OperationsReport } from './report-schema.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A call-out as the report needs it. */
export interface ReportCallOut {
  id: string;
  reportedAt: Date;
  caregiverId: string;
  clientId: string;
  appointmentId: string;
  occurrenceStart: Date;
}

/** A fill campaign as the report needs it. */
export interface ReportCampaign {
  id: string;
  appointmentId: string;
  occurrenceStart: Date;
  state: string;
  wavesSent: number;
  winner: string | null;
  createdAt: Date;
  /** When it was filled (accepted and assigned); null otherwise. */
  filledAt: Date | null;
}

/** What the report reads; the runtime implements it over the mirror and the operations tables. */
export interface ReportSource {
  readonly timezone: string;
  shifts(from: Date, to: Date): Promise<WatchShift[]>;
  actionsFor(shifts: WatchShift[]): Promise<Map<string, WatchActionRow[]>>;
  callOuts(from: Date, to: Date): Promise<ReportCallOut[]>;
  /** Campaigns started in [from, to) or about occurrences starting in it. */
  campaigns(from: Date, to: Date): Promise<ReportCampaign[]>;
  confirmations(fromDay: string, toDay: string): Promise<WatchConfirmationRow[]>;
  caregiverName(id: string): string | null;
  clientName(id: string): string | null;
}

const LIVE = (s: WatchShift) => !['CANCELLED', 'CANCELED'].includes(s.status.toUpperCase());
const round1 = (n: number) => Math.round(n * 10) / 10;
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}

function emptyDay(date: string): DayFigures {
  return {
    date,
    scheduledShifts: 0,
    clockedInOnTime: 0,
    lateClockIns: 0,
    missedClockIns: 0,
    evvCompliance: null,
    callOuts: 0,
    fillsStarted: 0,
    fillsFilled: 0,
    fillRate: null,
    medianMinutesToFill: null,
    confirmationsRequested: 0,
    confirmationsAnswered: 0,
    hoursScheduled: 0,
    hoursWorked: 0,
  };
}

/**
 * The office's figures for the agency-local days `from`…`to` (each day counted only up to now), the board's
 * "now", the call-out history and this week's overtime exposure. Read-only.
 */
export async function operationsReport(
  source: ReportSource,
  options: { from: string; to: string; now: Date; clockInGraceMinutes: number },
): Promise<OperationsReport> {
  const zone = source.timezone;
  const { now } = options;
  const t = now.getTime();
  const fromUtc = DateTime.fromISO(options.from, { zone }).startOf('day');
  const toUtc = DateTime.fromISO(options.to, { zone }).plus({ days: 1 }).startOf('day');
  const local = (d: Date) => DateTime.fromJSDate(d, { zone });
  const dayOf = (d: Date) => local(d).toISODate()!;
  const days = new Map<string, DayFigures & { fillMinutes: number[] }>();
  for (let d = fromUtc; d < toUtc; d = d.plus({ days: 1 }))
    days.set(d.toISODate()!, { ...emptyDay(d.toISODate()!), fillMinutes: [] });

  // Shifts of the range (for the daily figures) and of the next 48 h (for "now").
  const horizon = local(now).plus({ days: 2 }).startOf('day').toJSDate();
  const rangeEnd = new Date(Math.max(toUtc.toMillis(), horizon.getTime()));
  const rangeStart = new Date(Math.min(fromUtc.toMillis(), t - 12 * HOUR));
  const shifts = (await source.shifts(rangeStart, rangeEnd)).filter(LIVE);
  const grace = options.clockInGraceMinutes * MINUTE;
  for (const s of shifts) {
    const day = days.get(dayOf(s.start));
    if (!day || s.start.getTime() > t || !s.caregiverId || s.isOpen) continue;
    day.scheduledShifts += 1;
    day.hoursScheduled += (s.end.getTime() - s.start.getTime()) / HOUR;
    const clockIn = s.visit?.clockIn;
    if (clockIn && clockIn.getTime() <= s.start.getTime() + grace) day.clockedInOnTime += 1;
    else if (clockIn) day.lateClockIns += 1;
    else if (s.end.getTime() <= t || t > s.start.getTime() + grace) day.missedClockIns += 1;
    if (s.visit?.clockIn && s.visit.clockOut)
      day.hoursWorked += (s.visit.clockOut.getTime() - s.visit.clockIn.getTime()) / HOUR;
  }

  const callOuts = await source.callOuts(fromUtc.toJSDate(), toUtc.toJSDate());
  for (const c of callOuts) {
    const day = days.get(dayOf(c.reportedAt));
    if (day) day.callOuts += 1;
  }
  const campaigns = await source.campaigns(rangeStart, rangeEnd);
  for (const c of campaigns) {
    const day = days.get(dayOf(c.createdAt));
    if (!day) continue;
    day.fillsStarted += 1;
    if (c.filledAt) {
      day.fillsFilled += 1;
      day.fillMinutes.push((c.filledAt.getTime() - c.createdAt.getTime()) / MINUTE);
    }
  }
  // A called-out shift is the fill's (or the office's), not a late caregiver's: the board says so once.
  const recentCallOuts = new Set(
    (await source.callOuts(new Date(t - 3 * 24 * HOUR), new Date(t + MINUTE))).map((c) =>
      occurrenceKey({ appointmentId: c.appointmentId, start: c.occurrenceStart }),
    ),
  );
  const tomorrow = local(now).plus({ days: 1 }).toISODate()!;
  const lastDay = [options.to, tomorrow].sort()[1]!;
  const confirmations = await source.confirmations(options.from, lastDay);
  for (const c of confirmations) {
    const day = days.get(dayOf(c.requested_at));
    if (!day) continue;
    day.confirmationsRequested += 1;
    if (c.state === 'confirmed' || c.state === 'declined') day.confirmationsAnswered += 1;
  }

  const dayList: DayFigures[] = [...days.values()].map(({ fillMinutes, ...d }) => ({
    ...d,
    evvCompliance: ratio(d.clockedInOnTime, d.scheduledShifts),
    fillRate: ratio(d.fillsFilled, d.fillsStarted),
    medianMinutesToFill: median(fillMinutes),
    hoursScheduled: round1(d.hoursScheduled),
    hoursWorked: round1(d.hoursWorked),
  }));
  const sum = (k: keyof DayFigures) => dayList.reduce((n, d) => n + (d[k] as number), 0);
  const allFill = [...days.values()].flatMap((d) => d.fillMinutes);
  const totals = {
    scheduledShifts: sum('scheduledShifts'),
    clockedInOnTime: sum('clockedInOnTime'),
    lateClockIns: sum('lateClockIns'),
    missedClockIns: sum('missedClockIns'),
    evvCompliance: ratio(sum('clockedInOnTime'), sum('scheduledShifts')),
    callOuts: sum('callOuts'),
    fillsStarted: sum('fillsStarted'),
    fillsFilled: sum('fillsFilled'),
    fillRate: ratio(sum('fillsFilled'), sum('fillsStarted')),
    medianMinutesToFill: median(allFill),
    confirmationsRequested: sum('confirmationsRequested'),
    confirmationsAnswered: sum('confirmationsAnswered'),
    hoursScheduled: round1(sum('hoursScheduled')),
    hoursWorked: round1(sum('hoursWorked')),
  };

  return {
    timezone: zone,
    from: options.from,
    to: options.to,
    generatedAt: local(now).toISO()!,
    clockInGraceMinutes: options.clockInGraceMinutes,
    days: dayList,
    totals,
    overtime: await overtime(source, now),
    now: await board(source, shifts, campaigns, confirmations, now, grace, recentCallOuts),
    callOuts: callOuts
      .sort((a, b) => b.reportedAt.getTime() - a.reportedAt.getTime())
      .slice(0, 50)
      .map((c) => {
        const fill = campaigns.find(
          (f) =>
            f.appointmentId === c.appointmentId &&
            f.occurrenceStart.getTime() === c.occurrenceStart.getTime(),
        );
        return {
          id: c.id,
          reportedAt: local(c.reportedAt).toISO()!,
          caregiver: { id: c.caregiverId, name: source.caregiverName(c.caregiverId) },
          client: { id: c.clientId, name: source.clientName(c.clientId) },
          shiftStart: local(c.occurrenceStart).toISO()!,
          fill: fill?.state ?? null,
          minutesToFill: fill?.filledAt
            ? Math.round((fill.filledAt.getTime() - fill.createdAt.getTime()) / MINUTE)
            : null,
        };
      }),
  };
}

/** Caregivers scheduled above 40 h in this agency-local workweek (Monday to Sunday). */
async function overtime(source: ReportSource, now: Date): Promise<OperationsReport['overtime']> {
  const week = DateTime.fromJSDate(now, { zone: source.timezone }).startOf('week');
  const shifts = (await source.shifts(week.toJSDate(), week.plus({ weeks: 1 }).toJSDate())).filter(
    (s) => LIVE(s) && s.caregiverId && !s.isOpen && s.start >= week.toJSDate(),
  );
  const hours = new Map<string, number>();
  for (const s of shifts)
    hours.set(
      s.caregiverId!,
      (hours.get(s.caregiverId!) ?? 0) + (s.end.getTime() - s.start.getTime()) / HOUR,
    );
  return {
    weekStart: week.toISODate()!,
    thresholdHours: 40,
    caregivers: [...hours]
      .filter(([, h]) => h > 40)
      .sort((a, b) => b[1] - a[1])
      .map(([id, h]) => ({ id, name: source.caregiverName(id), scheduledHours: round1(h) })),
  };
}

async function board(
  source: ReportSource,
  shifts: WatchShift[],
  campaigns: ReportCampaign[],
  confirmations: WatchConfirmationRow[],
  now: Date,
  grace: number,
  calledOut: Set<string>,
): Promise<OperationsReport['now']> {
  const zone = source.timezone;
  const t = now.getTime();
  const local = (d: Date) => DateTime.fromJSDate(d, { zone });
  const tomorrow = local(now).plus({ days: 1 }).toISODate()!;
  const relevant = shifts.filter((s) => s.end.getTime() > t - 6 * HOUR && s.start.getTime() < t + 48 * HOUR);
  const actions = await source.actionsFor(relevant);
  const view = (s: WatchShift): BoardShift => {
    const steps = actions.get(occurrenceKey(s)) ?? [];
    const late = steps.find((a) => a.rule === 'running-late');
    const minutes = typeof late?.detail?.minutes === 'number' ? late.detail.minutes : null;
    const fill = campaigns.find(
      (f) => f.appointmentId === s.appointmentId && f.occurrenceStart.getTime() === s.start.getTime(),
    );
    const confirmation = confirmations.find(
      (c) => c.appointment_id === s.appointmentId && c.occurrence_start.getTime() === s.start.getTime(),
    );
    return {
      shiftId: s.appointmentId,
      date: local(s.start).toISODate()!,
      start: local(s.start).toISO()!,
      end: local(s.end).toISO()!,
      startTime: local(s.start).toFormat('HH:mm'),
      endTime: local(s.end).toFormat('HH:mm'),
      status: s.status,
      client: { id: s.clientId, name: source.clientName(s.clientId) },
      caregiver: s.caregiverId ? { id: s.caregiverId, name: source.caregiverName(s.caregiverId) } : null,
      clockIn: s.visit?.clockIn ? local(s.visit.clockIn).toISO()! : null,
      clockOut: s.visit?.clockOut ? local(s.visit.clockOut).toISO()! : null,
      late:
        minutes === null
          ? null
          : { minutes, expected: local(new Date(s.start.getTime() + minutes * MINUTE)).toISO()! },
      watch: steps.map((a) => ({
        rule: a.rule,
        state: a.state,
        outcome: a.outcome,
        at: local(a.acted_at).toISO()!,
      })),
      fill: fill
        ? { campaignId: fill.id, state: fill.state, wavesSent: fill.wavesSent, winner: fill.winner }
        : null,
      confirmation: confirmation?.state ?? null,
    };
  };
  const assigned = relevant.filter((s) => s.caregiverId && !s.isOpen);
  const started = (s: WatchShift) => s.start.getTime() <= t && s.end.getTime() > t;
  return {
    inProgress: assigned.filter((s) => started(s) && s.visit?.clockIn).map(view),
    startingSoon: assigned
      .filter((s) => s.start.getTime() > t && s.start.getTime() <= t + 2 * HOUR)
      .map(view),
    lateOrMissing: relevant
      .filter(
        (s) =>
          s.caregiverId &&
          !s.isOpen &&
          !s.visit?.clockIn &&
          !calledOut.has(occurrenceKey(s)) &&
          s.end.getTime() > t &&
          (s.start.getTime() + grace <= t ||
            (actions.get(occurrenceKey(s)) ?? []).some((a) => a.rule === 'running-late')),
      )
      .map(view),
    open: relevant.filter((s) => (s.isOpen || !s.caregiverId) && s.end.getTime() > t).map(view),
    unconfirmedTomorrow: assigned
      .filter((s) => local(s.start).toISODate() === tomorrow)
      .filter((s) =>
        confirmations.some(
          (c) =>
            c.appointment_id === s.appointmentId &&
            c.occurrence_start.getTime() === s.start.getTime() &&
            (c.state === 'unanswered' || c.state === 'pending'),
        ),
      )
      .map(view),
  };
}
