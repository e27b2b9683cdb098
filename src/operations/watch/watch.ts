import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { WatchActionRow } from '../../store/index.ts';
import {
  clockInReminder,
  clockOutReminder,
  confirmationRequest,
  escalationTask,
  lateNote,
} from './messages.ts';
import { candidateKeys, occurrenceKey, type PlannedAction, plan } from './plan.ts';
import type { OutgoingText, SendResult, WatchPorts, WatchShift } from './ports.ts';
import type { ActionOutcome, WatchRepo } from './repo.ts';
import type { WatchSettings } from './settings.ts';

const MINUTE = 60_000;

/** What one action came to, as `watch run-once` prints it and the board lists it. */
export interface ActionReport {
  rule: PlannedAction['rule'];
  key: string;
  reason: string;
  appointmentId: string | null;
  shiftStart: string | null;
  caregiverId: string | null;
  clientId: string | null;
  /** `would` in a dry run; else the stored state. */
  state: string;
  outcome: string;
}

export interface TickReport {
  at: string;
  dryRun: boolean;
  /** False when another worker holds the lease: this one did nothing. */
  ran: boolean;
  shiftsChecked: number;
  actions: ActionReport[];
  unconfirmedMarked: number;
}

export interface WatchOptions {
  /** This worker's name in the lease (default a random id). */
  holder?: string;
  /** How long a lease lasts without renewal; a tick renews it. Default 3 minutes. */
  leaseMs?: number;
}

/**
 * The watch: every rule, evaluated at the clock's instant, carried out through the ports. Each action is
 * claimed (UNIQUE key, intent first) before anything leaves, so repeats, restarts and a second worker do
 * nothing twice; only the lease holder runs at all.
 */
export class Watch {
  readonly holder: string;
  private readonly leaseMs: number;

  constructor(
    private readonly ports: WatchPorts,
    readonly repo: WatchRepo,
    readonly settings: WatchSettings,
    options: WatchOptions = {},
  ) {
    this.holder = options.holder ?? `watch_${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 3 * MINUTE;
  }

  get timezone(): string {
    return this.ports.schedule.timezone;
  }

  async tick(options: { dryRun?: boolean } = {}): Promise<TickReport> {
    const now = this.ports.clock.now();
    const dryRun = options.dryRun ?? false;
    const report: TickReport = {
      at: now.toISOString(),
      dryRun,
      ran: false,
      shiftsChecked: 0,
      actions: [],
      unconfirmedMarked: 0,
    };
    if (!dryRun && !(await this.repo.lease(this.holder, now, this.leaseMs))) return report;
    report.ran = true;
    const zone = this.timezone;
    const endOfTomorrow = DateTime.fromJSDate(now, { zone }).plus({ days: 2 }).startOf('day').toJSDate();
    const from = new Date(now.getTime() - this.settings.lookbackHours * 60 * MINUTE);
    const shifts = await this.ports.schedule.shifts(from, endOfTomorrow);
    report.shiftsChecked = shifts.length;
    const actions = await this.repo.byKeys(candidateKeys(shifts, zone, now));
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const s of shifts) {
      first = Math.min(first, s.start.getTime());
      last = Math.max(last, s.start.getTime());
    }
    const calledOut =
      shifts.length === 0
        ? new Set<string>()
        : await this.ports.callOuts.calledOut(new Date(first), new Date(last));
    const planned = plan({ now, zone, settings: this.settings, shifts, actions, calledOut });
    for (const action of planned) {
      if (dryRun) {
        report.actions.push(describe(action, 'would', wouldDo(action)));
        continue;
      }
      const done = await this.carryOut(action, now);
      if (done) report.actions.push(done);
    }
    const local = DateTime.fromJSDate(now, { zone });
    if (!dryRun && local.toFormat('HH:mm') >= this.settings.confirmDeadline)
      report.unconfirmedMarked = await this.repo.markUnanswered(local.plus({ days: 1 }).toISODate()!, now);
    return report;
  }

  private async carryOut(action: PlannedAction, now: Date): Promise<ActionReport | undefined> {
    const shift = 'shift' in action ? action.shift : undefined;
    const { row, created } = await this.repo.claim(
      {
        key: action.key,
        rule: action.rule,
        reason: action.reason,
        appointmentId: shift?.appointmentId ?? null,
        occurrenceStart: shift?.start ?? null,
        caregiverId: shift?.caregiverId ?? ('caregiverId' in action ? action.caregiverId : null),
        clientId: shift?.clientId ?? null,
        detail:
          action.rule === 'confirmation-request'
            ? { day: action.day, shifts: action.shifts.map((s) => occurrenceKey(s)) }
            : {},
      },
      now,
    );
    // Someone (an earlier tick, another worker) already finished it: nothing to do, nothing to report.
    if (!created && row.state !== 'intended') return undefined;
    let result: ActionOutcome;
    try {
      result = await this.perform(action, now);
    } catch (error) {
      result = { state: 'failed', outcome: `failed: ${(error as Error).message}` };
    }
    const finished = await this.repo.finish(row.id, result, now);
    return describe(action, finished?.state ?? result.state, result.outcome);
  }

  private async perform(action: PlannedAction, now: Date): Promise<ActionOutcome> {
    const zone = this.timezone;
    switch (action.rule) {
      case 'clock-in-text':
        return this.text(action.shift, action.key, 'clock-in-reminder', clockInReminder(action.shift, zone));
      case 'clock-out-reminder':
        return this.text(
          action.shift,
          action.key,
          'clock-out-reminder',
          clockOutReminder(action.shift, zone),
        );
      case 'clock-in-escalation':
        return this.escalate(action.shift, action.key, action.minutesLate);
      case 'late-note':
        return this.lateNote(action.shift, action.key, action.report, now);
      case 'confirmation-request': {
        const first = action.shifts[0]!;
        await this.repo.addConfirmations(
          action.shifts.map((s, i) => ({
            appointmentId: s.appointmentId,
            start: s.start,
            caregiverId: action.caregiverId,
            clientId: s.clientId,
            day: action.day,
            position: i + 1,
          })),
          now,
        );
        return this.text(first, action.key, 'confirmation-request', confirmationRequest(action.shifts, zone));
      }
    }
  }

  /** A text to the shift's caregiver; the outcome says plainly whether it left and, if not, why. */
  private async text(shift: WatchShift, key: string, purpose: string, body: string): Promise<ActionOutcome> {
    if (!shift.caregiverPhone)
      return { state: 'not-sent', outcome: 'not sent: WellSky has no phone for the caregiver' };
    return this.send({
      key,
      to: shift.caregiverPhone,
      body,
      urgent: false,
      purpose,
      refs: {
        caregiverId: shift.caregiverId ?? '',
        clientId: shift.clientId,
        shiftId: shift.appointmentId,
        shiftStart: shift.start.toISOString(),
      },
    });
  }

  async send(text: OutgoingText): Promise<ActionOutcome> {
    const m = this.ports.messenger;
    if (!m.canContact) return { state: 'not-sent', outcome: 'not sent: no messaging channel is configured' };
    const result: SendResult = await m.send(text);
    const base = { messageId: result.messageId };
    switch (result.state) {
      case 'sent':
      case 'delivered':
        return { ...base, state: 'sent', outcome: result.repeated ? 'sent (earlier attempt)' : 'sent' };
      case 'queued':
        // Deferred by messaging (quiet hours): said as such, never as sent.
        return { ...base, state: 'queued', outcome: `queued${result.reason ? `: ${result.reason}` : ''}` };
      case 'not-sent':
        return {
          ...base,
          state: 'not-sent',
          outcome: `not sent: ${result.reason ?? 'the messenger did not say why'}`,
        };
      case 'failed':
        return { ...base, state: 'failed', outcome: `failed: ${result.reason ?? 'the channel refused it'}` };
    }
  }

  /** The urgent office task and the staff webhook; never subject to quiet hours (staff, not caregivers). */
  private async escalate(shift: WatchShift, key: string, minutesLate: number): Promise<ActionOutcome> {
    const zone = this.timezone;
    const textRow = await this.repo.byKey(key.replace('clock-in-escalation', 'clock-in-text'));
    const textState = textRow ? `${textRow.state}${textRow.outcome ? ` (${textRow.outcome})` : ''}` : 'none';
    const task = escalationTask(shift, zone, minutesLate, textState);
    let taskState: string;
    let itemId: string | null = null;
    try {
      const item = await this.ports.documentation.submit({
        kind: 'office-task',
        key,
        title: task.title,
        text: task.text,
        priority: 'urgent',
        clientId: shift.clientId,
        ...(shift.caregiverId ? { caregiverId: shift.caregiverId } : {}),
      });
      itemId = item.itemId;
      taskState = item.state;
    } catch (error) {
      taskState = `not created (${(error as Error).message})`;
    }
    const notice = await this.ports.staff.notify({
      event: 'missed-clock-in',
      caregiverId: shift.caregiverId ?? '',
      clientId: shift.clientId,
      shiftId: shift.appointmentId,
      shiftStart: shift.start.toISOString(),
      shiftStartLocal: DateTime.fromJSDate(shift.start, { zone }).toISO()!,
      minutesLate,
      caregiverText: textRow?.state ?? 'none',
      officeTask: taskState,
    });
    const reached = itemId !== null || notice.state === 'sent';
    return {
      state: reached ? 'escalated' : 'failed',
      outcome: `urgent office task ${taskState}; staff webhook ${notice.state}${notice.error ? ` (${notice.error})` : ''}`,
      itemId,
    };
  }

  /** The caregiver's late report as a client note: on the visit when there is one, else held by the pipeline. */
  private async lateNote(
    shift: WatchShift,
    key: string,
    report: WatchActionRow,
    now: Date,
  ): Promise<ActionOutcome> {
    const minutes = Number(report.detail?.minutes ?? 0);
    const reportedAt = report.created_at;
    // Dated at the clock-in so the pipeline attaches it to that visit; without a visit, at the report.
    const at = shift.visit?.clockIn ?? reportedAt;
    const item = await this.ports.documentation.submit({
      kind: 'client-note',
      key,
      text: lateNote(shift, minutes, reportedAt, this.timezone),
      clientId: shift.clientId,
      ...(shift.caregiverId ? { caregiverId: shift.caregiverId } : {}),
      appointmentId: shift.appointmentId,
      at: (at.getTime() > now.getTime() ? now : at).toISOString(),
    });
    await this.repo.update(report.id, { itemId: item.itemId }, now);
    return {
      state: 'recorded',
      outcome: `client note ${item.state}${item.reason ? `: ${item.reason}` : ''}`,
      itemId: item.itemId,
    };
  }
}

function wouldDo(action: PlannedAction): string {
  switch (action.rule) {
    case 'clock-in-text':
      return 'text the caregiver a clock-in reminder';
    case 'clock-in-escalation':
      return 'create an urgent office task and call the staff webhook';
    case 'clock-out-reminder':
      return 'text the caregiver a clock-out reminder';
    case 'late-note':
      return 'write the late report as a client note';
    case 'confirmation-request':
      return `text the caregiver ${action.shifts.length} shift(s) to confirm`;
  }
}

function describe(action: PlannedAction, state: string, outcome: string): ActionReport {
  const shift = 'shift' in action ? action.shift : action.shifts[0];
  return {
    rule: action.rule,
    key: action.key,
    reason: action.reason,
    appointmentId: shift?.appointmentId ?? null,
    shiftStart: shift?.start.toISOString() ?? null,
    caregiverId: shift?.caregiverId ?? null,
    clientId: shift?.clientId ?? null,
    state,
    outcome,
  };
}
