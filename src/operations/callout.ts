import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { ItemView } from '../documentation/view.ts';
import { normalizePhone } from '../lib/phone.ts';
import { localDay, localTimes } from '../mirror/time.ts';
import { type CallOutRules, DEFAULT_CALL_OUT_RULES, type Urgency, urgencyOf } from './callout-rules.ts';
import { type CandidatesResult, rankCandidates } from './candidates.ts';
import { OperationError } from './errors.ts';
import { markOpen, type OpenOutcome } from './mark-open.ts';
import type { NotificationOutcome } from './notify.ts';
import { type Occurrence, requireMirror, resolveOccurrence, viewOf } from './occurrence.ts';
import type { OperationsPorts, ShiftView } from './ports.ts';

/** Input of `reportCallOut`, shared by the CLI, HTTP and MCP. */
export const CallOutInput = z
  .object({
    /** The caregiver: a WellSky practitioner id or a phone number in any format. */
    caregiver: z.string().trim().min(1, 'caregiver: give a caregiver id or phone'),
    shiftId: z.string().regex(/^\d+$/, 'a WellSky shift id is a number').optional(),
    /** The shift's agency-local day, `YYYY-MM-DD`. */
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'dates look like 2026-03-08')
      .optional(),
    /** "My next shift": the one in progress, else the next one. */
    next: z.boolean().optional(),
    /** What the caregiver said, kept and sent to WellSky with the call-out; never logged or sent to the staff webhook. */
    reason: z.string().trim().max(1000).optional(),
  })
  .strict()
  .refine((v) => !(v.next && (v.shiftId || v.date)), {
    message: 'give next, or a shift id and/or a date',
    path: ['next'],
  });
export type CallOutInput = z.input<typeof CallOutInput>;

export interface DocumentationOutcome {
  /** `not-sent` when Skybridge did not submit one, with why. */
  state: ItemView['state'] | 'not-sent';
  itemId: string | null;
  reason: string | null;
  route: string | null;
  wellskyId: string | null;
}

export interface CallOutRecorded {
  status: 'recorded';
  callOutId: string;
  /** True when this call-out was reported before: the first result, nothing done again. */
  repeated: boolean;
  caregiverId: string;
  shift: ShiftView;
  reportedAt: string;
  urgency: Urgency;
  minutesToStart: number;
  /** Urgent: a person must act now (the staff webhook says so, the office task is urgent). */
  needsPersonNow: boolean;
  escalated: boolean;
  shiftOpen: OpenOutcome;
  officeTask: DocumentationOutcome;
  careAlert: DocumentationOutcome;
  notification: NotificationOutcome;
  candidates: CandidatesResult | { error: string };
  /** The fill the engine started for a shift left open, when one is wired (its own result shape). */
  fill?: unknown;
  message: string;
}

export interface CallOutAmbiguous {
  status: 'ambiguous';
  caregiverId: string;
  message: string;
  /** The shifts the caregiver may mean; nothing was changed or recorded. */
  shifts: ShiftView[];
}

export type CallOutResult = CallOutRecorded | CallOutAmbiguous;

/**
 * How long a call-out's completion may take before a repeat may take it over: far longer than the
 * steps take (seconds), short enough that a call-out whose process died is completed the same hour.
 */
export const CALL_OUT_LEASE_MS = 5 * 60_000;
/** This process, as the owner of the call-out rows it is completing. */
const LEASE_OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Points in a call-out's completion, for tests that stop a process exactly there. */
export type CallOutPoint = 'recorded' | 'shift-opened' | 'documented';

export interface CallOutOptions {
  /** Called at each point of the completion (tests: pause or kill the process there). */
  checkpoint?: (point: CallOutPoint) => Promise<void> | void;
  now?: Date;
  rules?: CallOutRules;
}

/**
 * A caregiver cannot work a shift. Resolves the exact occurrence (or asks back, changing nothing), records
 * the call-out durably before anything else, marks the shift open in WellSky when allowed, documents it
 * through the documentation pipeline, tells staff, and ranks replacements. Reporting it again returns the
 * first result.
 */
export async function reportCallOut(
  ports: OperationsPorts,
  raw: unknown,
  options: CallOutOptions = {},
): Promise<CallOutResult> {
  const parsed = CallOutInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'input';
    throw new OperationError('invalid-input', `${field}: ${issue.message}`, field);
  }
  const input = parsed.data;
  const now = options.now ?? ports.clock.now();
  const rules = options.rules ?? DEFAULT_CALL_OUT_RULES;
  const { schedule, repo } = ports;
  await requireMirror(schedule);
  const caregiverId = resolveCaregiver(ports, input.caregiver);
  const found = await findOccurrence(ports, caregiverId, input, now);
  if ('ambiguous' in found)
    return { status: 'ambiguous', caregiverId, message: found.ambiguous, shifts: found.shifts };
  const o = found.occurrence;
  if (o.end.getTime() <= now.getTime()) {
    throw new OperationError(
      'shift-over',
      `shift ${o.appointmentId} on ${o.view.date} has already ended; there is nothing to call out of`,
    );
  }

  // Durable first: the row (unique per caregiver + occurrence) exists before anything is sent anywhere,
  // leased to this process; a repeat after the lease ran out takes over a completion that died.
  const key = `call-out:${caregiverId}:${o.appointmentId}:${o.start.toISOString()}`;
  const leaseUntil = new Date(now.getTime() + CALL_OUT_LEASE_MS);
  const first = urgencyOf(o.start, now, rules);
  let record = { id: `co_${randomUUID()}`, reportedAt: now, reason: input.reason ?? null, ...first };
  const inserted = await repo.insertCallOut({
    id: record.id,
    key,
    caregiverId,
    appointmentId: o.appointmentId,
    start: o.start,
    end: o.end,
    clientId: o.clientId,
    reason: record.reason,
    reportedAt: now,
    urgency: record.urgency,
    leaseOwner: LEASE_OWNER,
    leaseUntil,
  });
  if (!inserted) {
    const taken = await repo.takeOverCallOut(key, LEASE_OWNER, now, leaseUntil);
    if (!taken) return repeatOf(ports, key, now);
    // Completed as first reported: its time, reason and urgency, not the repeat's.
    const then = urgencyOf(o.start, taken.reported_at, rules);
    record = { id: taken.id, reportedAt: taken.reported_at, reason: taken.reason, ...then };
  }
  await options.checkpoint?.('recorded');
  const { id, urgency, minutesToStart } = record;

  const shiftOpen = await markOpen(ports, o);
  await options.checkpoint?.('shift-opened');
  const when = `${o.view.date} ${o.view.startTime}–${o.view.endTime} (${schedule.timezone})`;
  const escalated = urgency !== 'recorded';
  const text = [
    `Caregiver ${caregiverId} called out of shift ${o.appointmentId} for client ${o.clientId}, ${when}.`,
    `Urgency: ${urgency}${urgency === 'urgent' ? ` — starts in ${minutesToStart} min, a person must find cover now` : ''}.`,
    `Shift in WellSky: ${shiftOpen.state} — ${shiftOpen.detail}.`,
    record.reason ? `Reason given: ${record.reason}` : 'No reason given.',
  ].join('\n');
  const officeTask = await documentItem(ports, rules, {
    kind: 'call-out',
    caregiverId,
    clientId: o.clientId,
    appointmentId: o.appointmentId,
    title: `Call-out: shift ${o.appointmentId} ${o.view.date} ${o.view.startTime} — ${shiftOpen.state === 'opened' ? 'coverage needed' : 'unassign and cover'}`,
    text,
    priority: urgency === 'urgent' ? 'urgent' : urgency === 'normal' ? 'high' : 'normal',
    key: `${key}:office`,
    source: 'skybridge-call-out',
  });
  const careAlert = await careAlertFor(ports, rules, o, now, text, `${key}:care-alert`);
  await options.checkpoint?.('documented');
  const notification: NotificationOutcome = escalated
    ? await ports.notifier.notify({
        event: 'call-out',
        callOutId: id,
        caregiverId,
        clientId: o.clientId,
        shiftId: o.appointmentId,
        shiftStart: o.start.toISOString(),
        shiftStartLocal: o.view.start,
        urgency,
        minutesToStart,
        shiftOpen: shiftOpen.state,
        officeTask: officeTask.state,
      })
    : { state: 'not-escalated', at: ports.clock.now().toISOString() };
  let candidates: CallOutRecorded['candidates'];
  try {
    candidates = await rankCandidates(
      ports,
      { shiftId: o.appointmentId, excludeCaregiverId: caregiverId, limit: rules.candidates },
      { now, occurrence: o },
    );
  } catch (error) {
    candidates = { error: (error as Error).message };
  }
  const result: CallOutRecorded = {
    status: 'recorded',
    callOutId: id,
    repeated: false,
    caregiverId,
    shift: o.view,
    reportedAt: record.reportedAt.toISOString(),
    urgency,
    minutesToStart,
    needsPersonNow:
      urgency === 'urgent' || shiftOpen.state === 'needs-person' || shiftOpen.state === 'failed',
    escalated,
    shiftOpen,
    officeTask,
    careAlert,
    notification,
    candidates,
    message: summary(o, urgency, minutesToStart, shiftOpen, officeTask),
  };
  if (ports.filler && (shiftOpen.state === 'opened' || shiftOpen.state === 'already-open')) {
    result.fill = await startFill(ports.filler, o, caregiverId);
  }
  await repo.finishCallOut(id, {
    openState: shiftOpen.state,
    officeItemId: officeTask.itemId,
    careAlertItemId: careAlert.itemId,
    notification,
    result,
    at: ports.clock.now(),
  });
  return result;
}

/** The fill engine's answer, or what went wrong starting it: the call-out itself stands either way. */
async function startFill(
  filler: NonNullable<OperationsPorts['filler']>,
  o: Occurrence,
  caregiverId: string,
): Promise<unknown> {
  try {
    return await filler.startForCallOut({
      appointmentId: o.appointmentId,
      date: o.view.date,
      occurrenceStart: o.start,
      excludeCaregiverIds: [caregiverId],
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function summary(
  o: Occurrence,
  urgency: Urgency,
  minutes: number,
  open: OpenOutcome,
  office: DocumentationOutcome,
): string {
  const head =
    urgency === 'urgent'
      ? `URGENT: shift ${o.appointmentId} starts in ${minutes} min — a person must find cover now.`
      : urgency === 'recorded'
        ? `Recorded (more than the escalation horizon ahead, not escalated): shift ${o.appointmentId} on ${o.view.date}.`
        : `Call-out recorded for shift ${o.appointmentId} on ${o.view.date} ${o.view.startTime}.`;
  return `${head} Shift in WellSky: ${open.state}. Office task: ${office.state}${office.reason ? ` (${office.reason})` : ''}.`;
}

/** An id the mirror knows as a caregiver, else a phone that identifies exactly one caregiver. */
function resolveCaregiver(ports: OperationsPorts, value: string): string {
  if (/^\d+$/.test(value) && ports.schedule.caregiver(value)) return value;
  if (!normalizePhone(value)) {
    throw new OperationError(
      'no-such-caregiver',
      `no caregiver ${value} in the local mirror (give a caregiver id or phone)`,
      'caregiver',
    );
  }
  const ids = ports.schedule.caregiversByPhone(value);
  if (ids.length === 0)
    throw new OperationError(
      'no-such-caregiver',
      'no active caregiver has this phone number in the local mirror',
      'caregiver',
    );
  if (ids.length > 1) {
    throw new OperationError(
      'invalid-input',
      `this phone number belongs to several caregivers (${ids.join(', ')}): give the caregiver id`,
      'caregiver',
    );
  }
  return ids[0]!;
}

const LIVE = (s: ShiftView) => !['CANCELLED', 'CANCELED'].includes(s.status.toUpperCase());

/** The occurrence meant, or the shifts it could be. Never a guess (original D-8 took "the next one"). */
async function findOccurrence(
  ports: OperationsPorts,
  caregiverId: string,
  input: z.output<typeof CallOutInput>,
  now: Date,
): Promise<{ occurrence: Occurrence } | { ambiguous: string; shifts: ShiftView[] }> {
  const { schedule } = ports;
  const zone = schedule.timezone;
  if (input.shiftId) {
    const o = await resolveOccurrence(ports, {
      shiftId: input.shiftId,
      date: input.date,
      near: now,
      orNext: true,
    });
    if (o.caregiverId !== caregiverId) {
      throw new OperationError(
        'not-assigned',
        `caregiver ${caregiverId} is not assigned to shift ${o.appointmentId} on ${o.view.date}`,
        'shiftId',
      );
    }
    return { occurrence: o };
  }
  if (input.next) {
    const current = await schedule.currentOrNextShift(caregiverId, now);
    if (!current)
      throw new OperationError(
        'no-such-shift',
        `caregiver ${caregiverId} has no current or upcoming shift in the mirror`,
      );
    return { occurrence: await asOccurrence(ports, current.shift) };
  }
  const day = input.date ?? localDay(now, zone);
  const { shifts } = await schedule.shifts({ caregiverId, date: day });
  const open = shifts.filter((s) => LIVE(s) && Date.parse(s.endUtc) > now.getTime());
  if (open.length === 1) return { occurrence: await asOccurrence(ports, open[0]!) };
  if (open.length > 1) {
    return {
      ambiguous: `caregiver ${caregiverId} has ${open.length} shifts on ${day}: say which one (shift id)`,
      shifts: open,
    };
  }
  if (input.date)
    throw new OperationError(
      'no-such-shift',
      `caregiver ${caregiverId} has no shift left on ${day} (${zone})`,
      'date',
    );
  // Nothing today and nothing said: offer the next shifts rather than pick one.
  const to = localDay(new Date(now.getTime() + 7 * 86_400_000), zone);
  const upcoming = (await schedule.shifts({ caregiverId, from: day, to })).shifts
    .filter((s) => LIVE(s) && Date.parse(s.endUtc) > now.getTime())
    .slice(0, 5);
  if (upcoming.length === 0)
    throw new OperationError('no-such-shift', `caregiver ${caregiverId} has no shift in the next 7 days`);
  return {
    ambiguous: `caregiver ${caregiverId} has no shift left today: say which shift (id or date)`,
    shifts: upcoming,
  };
}

async function asOccurrence(ports: OperationsPorts, s: ShiftView): Promise<Occurrence> {
  const start = new Date(s.startUtc);
  return {
    appointmentId: s.appointmentId,
    start,
    end: new Date(s.endUtc),
    clientId: s.client.id,
    caregiverId: s.caregiver?.id ?? null,
    status: s.status,
    isOpen: s.isOpen,
    view:
      s.visit === undefined
        ? await viewOf(ports.schedule, { appointmentId: s.appointmentId, start, clientId: s.client.id })
        : s,
  };
}

function outcomeOf(item: ItemView): DocumentationOutcome {
  return {
    state: item.state,
    itemId: item.id,
    reason: item.reason,
    route: item.route,
    wellskyId: item.wellskyId,
  };
}

async function documentItem(
  ports: OperationsPorts,
  rules: CallOutRules,
  request: Record<string, unknown>,
): Promise<DocumentationOutcome> {
  try {
    const item = await ports.documentation.submit(request, { waitMs: rules.documentationWaitMs });
    return outcomeOf(item);
  } catch (error) {
    return {
      state: 'not-sent',
      itemId: null,
      reason: `could not be stored: ${(error as Error).message}`,
      route: null,
      wellskyId: null,
    };
  }
}

/**
 * A care alert goes on the client's record only through a visit of that client around now (the one
 * reliable note route). A call-out is usually for a future shift, when no such visit exists: then none
 * is sent, and the result says so rather than holding a note that can never attach.
 */
async function careAlertFor(
  ports: OperationsPorts,
  rules: CallOutRules,
  o: Occurrence,
  now: Date,
  text: string,
  key: string,
): Promise<DocumentationOutcome> {
  const visit = await ports.schedule.clientVisitNear(o.clientId, now);
  if (!visit) {
    return {
      state: 'not-sent',
      itemId: null,
      reason: `no visit of client ${o.clientId} around now to attach a care alert to (notes attach to visits); the office task carries the call-out`,
      route: null,
      wellskyId: null,
    };
  }
  return documentItem(ports, rules, {
    kind: 'client-note',
    clientId: o.clientId,
    text: `Care alert — ${text}`,
    key,
    source: 'skybridge-call-out',
  });
}

/** The first report's result, with the documentation items' states as they are now. */
async function repeatOf(ports: OperationsPorts, key: string, now: Date): Promise<CallOutRecorded> {
  const row = await ports.repo.callOutByKey(key);
  if (!row.result) {
    const seconds = row.lease_until
      ? Math.max(1, Math.ceil((row.lease_until.getTime() - now.getTime()) / 1000))
      : 1;
    throw new OperationError(
      'unavailable',
      `this call-out (${row.id}) is being recorded right now; ask again in a moment (if that process ` +
        `stopped, a repeat completes it in at most ${seconds} s)`,
    );
  }
  const first = row.result as unknown as CallOutRecorded;
  const refresh = async (o: DocumentationOutcome) => {
    if (!o.itemId) return o;
    const item = await ports.documentation.get(o.itemId);
    return item ? outcomeOf(item) : o;
  };
  return {
    ...first,
    repeated: true,
    officeTask: await refresh(first.officeTask),
    careAlert: await refresh(first.careAlert),
  };
}

export interface CallOutSummary {
  callOutId: string;
  caregiverId: string;
  clientId: string;
  shiftId: string;
  shiftStart: string;
  shiftStartLocal: string;
  reportedAt: string;
  urgency: string;
  status: string;
  shiftOpen: string | null;
  officeItemId: string | null;
  notification: string | null;
}

/** Recent call-outs, newest first (for `GET /api/v1/callouts` and the dashboard). Ids and states only. */
export async function listCallOuts(
  ports: Pick<OperationsPorts, 'repo' | 'schedule'>,
  options: { limit?: number } = {},
): Promise<CallOutSummary[]> {
  const rows = await ports.repo.recentCallOuts(Math.min(Math.max(options.limit ?? 50, 1), 500));
  return rows.map((r) => ({
    callOutId: r.id,
    caregiverId: r.caregiver_id,
    clientId: r.client_id,
    shiftId: r.appointment_id,
    shiftStart: r.occurrence_start.toISOString(),
    shiftStartLocal: localTimes(r.occurrence_start, ports.schedule.timezone).iso,
    reportedAt: r.reported_at.toISOString(),
    urgency: r.urgency,
    status: r.status,
    shiftOpen: r.open_state,
    officeItemId: r.office_item_id,
    notification: (r.notification?.state as string | undefined) ?? null,
  }));
}
