import { isConnectError } from '../connect/errors.ts';
import { rankCandidates } from '../operations/candidates.ts';
import { checkEligibility } from '../operations/eligibility.ts';
import { OperationError } from '../operations/errors.ts';
import {
  DEFAULT_FILL,
  type FillConfig,
  FillEngine,
  type FillPorts,
  FillService,
  fillConfig,
  handleFillReply,
  type PausePoint,
  type ResolvedOccurrence,
} from '../operations/fill/index.ts';
import type { StaffNotice } from '../operations/notify.ts';
import { type Occurrence, resolveOccurrence } from '../operations/occurrence.ts';
import type { OperationsPorts, ShiftFiller } from '../operations/ports.ts';
import type { Store } from '../store/store.ts';
import type { SkybridgeApp } from './app.ts';
import { operationsOf } from './operations.ts';

export interface FillRuntime {
  engine: FillEngine;
  service: FillService;
  config: FillConfig;
  /** For call-outs: starts a campaign when the call-out left the shift open (SKYBRIDGE_AUTO_FILL). */
  filler: ShiftFiller;
  /** Takes answers to offers that closed recently; registered after the watch's handler (see handleFillReply). */
  registerLateReplies(): void;
  /** Runs `advance` every `tickSeconds` until `stop`. */
  start(): void;
  stop(): Promise<void>;
}

/** The client's city from the mirror: an offer names the area, never the client or the street. */
async function areaOf(store: Store, clientId: string): Promise<string | null> {
  const row = await store.db
    .selectFrom('clients')
    .select('raw')
    .where('id', '=', clientId)
    .executeTakeFirst();
  const address = (row?.raw as { address?: { city?: unknown }[] } | undefined)?.address;
  const city = Array.isArray(address) ? address.find((a) => typeof a?.city === 'string')?.city : undefined;
  return typeof city === 'string' && city.trim() ? city.trim() : null;
}

async function resolved(store: Store, o: Occurrence): Promise<ResolvedOccurrence> {
  return {
    appointmentId: o.appointmentId,
    start: o.start,
    end: o.end,
    clientId: o.clientId,
    caregiverId: o.caregiverId,
    isOpen: o.isOpen,
    shift: {
      date: o.view.date,
      startTime: o.view.startTime,
      endTime: o.view.endTime,
      start: o.view.start,
      end: o.view.end,
      area: await areaOf(store, o.clientId),
      durationMinutes: o.view.durationMinutes,
    },
  };
}

/** The fill engine's ports over operations' ports (mirror, WellSky, documentation, notifier) and messaging. */
export function fillPorts(app: SkybridgeApp, ops: OperationsPorts): FillPorts {
  return {
    clock: ops.clock,
    candidates: {
      async rank(o, { exclude, limit }) {
        const occurrence = await occurrenceFor(ops, o);
        const result = await rankCandidates(
          ops,
          { shiftId: o.appointmentId, limit },
          { occurrence, now: ops.clock.now(), excludeCaregiverIds: exclude },
        );
        return result.candidates.map((c) => ({
          caregiverId: c.caregiverId,
          rank: c.rank,
          score: c.score,
          reason: c.reason,
          contactable: c.contactable,
        }));
      },
      async checkEligibility(caregiverId, o) {
        const result = await checkEligibility(ops, caregiverId, o);
        return result.eligible ? result : { eligible: false, reasons: result.reasons.map((r) => r.text) };
      },
    },
    contacts: {
      caregiverContact: (id) => ops.schedule.caregiverContact(id),
      caregiverByPhone: (phone) => ops.schedule.caregiverByPhone(phone),
    },
    occurrences: {
      resolve: async (shiftId, date) => resolved(app.store, await resolveOccurrence(ops, { shiftId, date })),
      byStart: async (shiftId, start) =>
        resolved(app.store, await occurrenceFor(ops, { appointmentId: shiftId, start })),
    },
    messenger: app.messaging,
    scheduling: {
      assign: (o, caregiverId) => setCaregiver(ops, o, caregiverId),
      unassign: (o) => setCaregiver(ops, o, null),
      current: async (o) => (await ops.wellsky.readOccurrence(o))?.caregiverId,
    },
    office: {
      async submit(task) {
        try {
          const item = await ops.documentation.submit(
            {
              kind: 'office-task',
              title: task.title,
              text: task.text,
              priority: task.priority,
              clientId: task.clientId,
              ...(task.caregiverId ? { caregiverId: task.caregiverId } : {}),
              appointmentId: task.appointmentId,
              key: task.key,
              source: 'skybridge-fill',
            },
            { waitMs: 3_000 },
          );
          return { state: item.state, itemId: item.id, reason: item.reason };
        } catch (error) {
          return {
            state: 'not-sent',
            itemId: null,
            reason: `could not be stored: ${(error as Error).message}`,
          };
        }
      },
    },
    notifier: {
      // The operations' staff webhook, with the fill's own event (ids, times and states only).
      notify: (notice) => ops.notifier.notify(notice as unknown as StaffNotice),
    },
  };
}

async function occurrenceFor(
  ops: OperationsPorts,
  o: { appointmentId: string; start: Date },
): Promise<Occurrence> {
  const rows = await ops.schedule.occurrences(o.appointmentId);
  const row = rows.find((r) => r.start.getTime() === o.start.getTime());
  if (!row)
    throw new OperationError(
      'no-such-shift',
      `shift ${o.appointmentId} at ${o.start.toISOString()} is no longer in the local mirror`,
    );
  const view = await ops.schedule.occurrenceView(row);
  if (!view)
    throw new OperationError('no-such-shift', `shift ${o.appointmentId} is no longer in the local mirror`);
  return { ...row, view };
}

/**
 * Puts a caregiver on (or takes them off) one occurrence in WellSky, then reads it back: `assigned`
 * only when WellSky shows exactly that. Not attempted when the measured matrix says these credentials
 * may not change shifts.
 */
async function setCaregiver(
  ops: OperationsPorts,
  o: { appointmentId: string; start: Date; end: Date; clientId: string },
  caregiverId: string | null,
) {
  const what = caregiverId ? `assign caregiver ${caregiverId}` : 'unassign the caregiver';
  const status = await ops.capabilities.status('shifts.write').catch(() => undefined);
  if (status !== undefined && status !== 'available') {
    return {
      state: 'refused' as const,
      detail: `these WellSky credentials may not change shifts (shifts.write: ${status}); could not ${what}`,
    };
  }
  let error: unknown;
  try {
    await ops.wellsky.setCaregiver(o, caregiverId);
  } catch (e) {
    if (isConnectError(e, 'permission-refused') || isConnectError(e, 'unknown-route'))
      return { state: 'refused' as const, detail: `WellSky refused to ${what} (${e.kind})` };
    if (!isConnectError(e)) throw e;
    error = e;
  }
  // Read back even after an error: a change whose answer was lost may still have been made.
  const after = await ops.wellsky.readOccurrence(o).catch(() => undefined);
  if (after && after.caregiverId === caregiverId) {
    return {
      state: 'assigned' as const,
      detail: caregiverId
        ? `caregiver ${caregiverId} is assigned in WellSky (read back after the change)`
        : 'the shift is open in WellSky (read back after the change)',
    };
  }
  const seen = after
    ? `WellSky shows ${after.caregiverId ? `caregiver ${after.caregiverId}` : 'no caregiver'}`
    : 'the shift could not be read back';
  return {
    state: 'failed' as const,
    detail: error
      ? `WellSky did not take the change (${(error as { kind?: string }).kind ?? 'error'}); ${seen}`
      : `WellSky accepted the change but ${seen}`,
  };
}

/** Test-only pause points (SKYBRIDGE_FILL_TEST_PAUSE=after-assign): say so on stdout, then wait to be killed. */
function pauseFrom(env: NodeJS.ProcessEnv): ((point: PausePoint) => Promise<void>) | undefined {
  const at = env.SKYBRIDGE_FILL_TEST_PAUSE;
  if (!at) return undefined;
  return async (point) => {
    if (point !== at) return;
    process.stdout.write(`FILL-PAUSED ${point}\n`);
    // The interval keeps the process alive until the test's SIGKILL.
    await new Promise(() => setInterval(() => undefined, 60_000));
  };
}

/** Builds the fill engine for this app, registers its reply handler with messaging, and its scheduler. */
export function fillRuntime(app: SkybridgeApp, options: { config?: FillConfig } = {}): FillRuntime {
  const config = options.config ?? fillConfig(app.env, DEFAULT_FILL);
  const ops = operationsOf(app);
  const engine = new FillEngine(fillPorts(app, ops), config, app.store.db, { pause: pauseFrom(app.env) });
  const service = new FillService(engine);
  app.messaging.registerInboundHandler((text) => handleFillReply(engine, text));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const filler: ShiftFiller = {
    async startForCallOut(request) {
      if (!config.autoFill)
        return { started: false, reason: 'automatic filling is off (SKYBRIDGE_AUTO_FILL=false)' };
      try {
        const occurrence = await resolved(
          app.store,
          await occurrenceFor(ops, { appointmentId: request.appointmentId, start: request.occurrenceStart }),
        );
        const { campaignId, created } = await engine.start(
          { ...occurrence, isOpen: true, caregiverId: null },
          { origin: 'call-out', exclude: request.excludeCaregiverIds },
        );
        const view = await service.get(campaignId);
        return { started: created, campaignId, state: view?.state, offers: view?.counts.offers ?? 0 };
      } catch (error) {
        return { started: false, reason: (error as Error).message };
      }
    },
  };
  // Call-outs that leave a shift open start a campaign through operations' optional port.
  ops.filler = filler;
  return {
    engine,
    service,
    registerLateReplies() {
      app.messaging.registerInboundHandler((text) => handleFillReply(engine, text, 'late'));
    },
    config,
    filler,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = engine
          .advance()
          .catch((error) =>
            process.stderr.write(`skybridge fill: advance failed (${(error as Error).name})\n`),
          )
          .finally(() => {
            running = undefined;
          });
      }, config.tickSeconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
