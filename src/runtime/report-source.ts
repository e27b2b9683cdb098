import { DateTime } from 'luxon';
import { z } from 'zod';
import { MirrorWatchSchedule } from '../mirror/watch-schedule.ts';
import { OperationError } from '../operations/errors.ts';
import { occurrenceKey } from '../operations/watch/plan.ts';
import { WatchRepo } from '../operations/watch/repo.ts';
import { operationsReport, type ReportSource } from '../operations/watch/report.ts';
import type { OperationsReport } from '../operations/watch/report-schema.ts';
import type { SkybridgeApp } from './app.ts';

/** The operations report's reads over this app: the mirror's shifts and people, the operations tables. */
export function reportSource(app: SkybridgeApp): ReportSource {
  const schedule = new MirrorWatchSchedule(app.mirror, app.store);
  const repo = new WatchRepo(app.store.db);
  const db = app.store.db;
  return {
    timezone: app.timezone,
    shifts: (from, to) => schedule.shifts(from, to),
    async actionsFor(shifts) {
      const byShift = await repo.forShifts(
        shifts.map((s) => ({ appointmentId: s.appointmentId, start: s.start })),
      );
      const wanted = new Set(shifts.map(occurrenceKey));
      return new Map([...byShift].filter(([k]) => wanted.has(k)));
    },
    async callOuts(from, to) {
      const rows = await db
        .selectFrom('call_outs')
        .select(['id', 'reported_at', 'caregiver_id', 'client_id', 'appointment_id', 'occurrence_start'])
        .where('reported_at', '>=', from)
        .where('reported_at', '<', to)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        reportedAt: r.reported_at,
        caregiverId: r.caregiver_id,
        clientId: r.client_id,
        appointmentId: r.appointment_id,
        occurrenceStart: r.occurrence_start,
      }));
    },
    async campaigns(from, to) {
      const rows = await db
        .selectFrom('fill_campaigns')
        .select([
          'id',
          'appointment_id',
          'occurrence_start',
          'state',
          'waves_sent',
          'winner_caregiver_id',
          'created_at',
          'accepted_at',
          'closed_at',
        ])
        .where((eb) =>
          eb.or([
            eb.and([eb('created_at', '>=', from), eb('created_at', '<', to)]),
            eb.and([eb('occurrence_start', '>=', from), eb('occurrence_start', '<', to)]),
          ]),
        )
        .execute();
      return rows.map((r) => ({
        id: r.id,
        appointmentId: r.appointment_id,
        occurrenceStart: r.occurrence_start,
        state: r.state,
        wavesSent: r.waves_sent,
        winner: r.winner_caregiver_id,
        createdAt: r.created_at,
        // Time to fill: from the campaign's start to the accepted offer (the assignment follows at once).
        filledAt: r.state === 'filled' ? (r.accepted_at ?? r.closed_at) : null,
      }));
    },
    confirmations: (fromDay, toDay) => repo.confirmationsOn(fromDay, toDay),
    caregiverName: (id) => app.mirror.person('caregiver', id)?.name ?? null,
    clientName: (id) => app.mirror.person('client', id)?.name ?? null,
  };
}

const Day = /^\d{4}-\d{2}-\d{2}$/;

/** Query of the report, shared by HTTP, MCP and the board: agency-local days, default the last 4 weeks. */
export const ReportQuery = z
  .object({
    from: z.string().regex(Day, 'from: dates look like 2026-03-08').optional(),
    to: z.string().regex(Day, 'to: dates look like 2026-03-08').optional(),
  })
  .strict();
export type ReportQuery = z.input<typeof ReportQuery>;

/** The operations report of this app at its clock; a bad range is an `invalid-input` error naming it. */
export async function operationsSummary(app: SkybridgeApp, raw: unknown = {}): Promise<OperationsReport> {
  const parsed = ReportQuery.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OperationError('invalid-input', issue.message, String(issue.path[0] ?? 'query'));
  }
  const now = app.now();
  const zone = app.timezone;
  const to = parsed.data.to ?? DateTime.fromJSDate(now, { zone }).toISODate()!;
  const toDay = DateTime.fromISO(to, { zone });
  const from = parsed.data.from ?? toDay.minus({ days: 27 }).toISODate()!;
  const fromDay = DateTime.fromISO(from, { zone });
  if (!fromDay.isValid || !toDay.isValid)
    throw new OperationError(
      'invalid-input',
      'from/to: not a calendar date',
      fromDay.isValid ? 'to' : 'from',
    );
  if (fromDay > toDay)
    throw new OperationError('invalid-input', `from (${from}) is after to (${to})`, 'from');
  if (toDay.diff(fromDay, 'days').days > 92)
    throw new OperationError('invalid-input', 'the range is longer than 93 days; ask for less', 'from');
  return operationsReport(reportSource(app), {
    from,
    to,
    now,
    clockInGraceMinutes: app.watch.watch.settings.clockInGraceMinutes,
  });
}
