import { DateTime } from 'luxon';
import { MirrorWatchSchedule } from '../mirror/watch-schedule.ts';
import { reportCallOut } from '../operations/callout.ts';
import { staffWebhookUrl } from '../operations/notify.ts';
import { watchInboundHandler } from '../operations/watch/inbound.ts';
import { occurrenceKey } from '../operations/watch/plan.ts';
import type {
  CallOutPort,
  DocumentationPort,
  InboundHandler,
  Messenger,
  StaffAlertPort,
  WatchPorts,
} from '../operations/watch/ports.ts';
import { WatchRepo } from '../operations/watch/repo.ts';
import { type WatchSettings, watchSettingsFromEnv } from '../operations/watch/settings.ts';
import { Watch, type WatchOptions } from '../operations/watch/watch.ts';
import { NearTermRefresher, nearTermFromEnv } from '../sync/near-term.ts';
import type { SkybridgeApp } from './app.ts';
import { operationsOf } from './operations.ts';

export interface WatchRuntime {
  watch: Watch;
  ports: WatchPorts;
  handler: InboundHandler;
  /** The freshness tier the watch reads through: refreshed before every scheduled tick. */
  nearTerm: NearTermRefresher;
  /** Runs the watch every `everyMs` (default a minute), never two ticks at once. Returns a stop function. */
  schedule(options?: { everyMs?: number; onError?: (error: unknown) => void }): () => void;
}

/** The call-out path as the watch sees it: the operations' `reportCallOut`, idempotent per occurrence. */
function callOutPort(app: SkybridgeApp): CallOutPort {
  return {
    async report(request) {
      const date = DateTime.fromJSDate(request.occurrenceStart, { zone: app.timezone }).toISODate()!;
      const result = await reportCallOut(operationsOf(app), {
        caregiver: request.caregiverId,
        shiftId: request.appointmentId,
        date,
        reason: request.reason,
      });
      if (result.status !== 'recorded')
        throw new Error(`the call-out could not name one shift: ${result.message}`);
      return { callOutId: result.callOutId, summary: result.message };
    },
    async calledOut(from, to) {
      const rows = await app.store.db
        .selectFrom('call_outs')
        .select(['appointment_id', 'occurrence_start'])
        .where('occurrence_start', '>=', from)
        .where('occurrence_start', '<=', to)
        .execute();
      return new Set(
        rows.map((r) => occurrenceKey({ appointmentId: r.appointment_id, start: r.occurrence_start })),
      );
    },
  };
}

function documentationPort(app: SkybridgeApp): DocumentationPort {
  return {
    async submit(request) {
      const { item } = await app.docs.service.submit({ ...request, source: 'watch' }, { waitMs: 0 });
      return { itemId: item.id, state: item.state, reason: item.reason };
    },
  };
}

/** The staff webhook (`SKYBRIDGE_STAFF_WEBHOOK_URL`): one POST with a timeout; the outcome is recorded. */
function staffPort(env: NodeJS.ProcessEnv): StaffAlertPort {
  return {
    async notify(notice) {
      const url = staffWebhookUrl(env);
      if (!url) return { state: 'not-configured' };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'skybridge' },
          body: JSON.stringify(notice),
          signal: AbortSignal.timeout(5_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        return response.ok
          ? { state: 'sent' }
          : { state: 'failed', error: `the staff webhook answered ${response.status}` };
      } catch (error) {
        return {
          state: 'failed',
          error: `the staff webhook could not be reached (${(error as Error).name})`,
        };
      }
    },
  };
}

/** The watch's ports over this app. The messenger is the app's messaging unless one is given. */
export function watchPorts(app: SkybridgeApp, messenger?: Messenger): WatchPorts {
  return {
    clock: { now: app.now },
    schedule: new MirrorWatchSchedule(app.mirror, app.store),
    messenger: messenger ?? app.messaging,
    callOuts: callOutPort(app),
    documentation: documentationPort(app),
    staff: staffPort(app.env),
  };
}

/** Builds the watch over an app and registers its inbound handler with messaging. */
export function watchRuntime(
  app: SkybridgeApp,
  options: WatchOptions & { settings?: WatchSettings; messenger?: Messenger; register?: boolean } = {},
): WatchRuntime {
  const ports = watchPorts(app, options.messenger);
  const settings = options.settings ?? watchSettingsFromEnv(app.env);
  const watch = new Watch(ports, new WatchRepo(app.store.db), settings, options);
  const handler = watchInboundHandler(watch, ports);
  const nearTerm = new NearTermRefresher({
    client: app.client,
    store: app.store,
    meter: app.meter,
    settings: nearTermFromEnv(app.env),
    now: app.now,
  });
  if (options.register ?? true) app.messaging.registerInboundHandler(handler);
  return {
    watch,
    ports,
    handler,
    nearTerm,
    schedule({ everyMs = 60_000, onError } = {}) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const tick = async () => {
        try {
          // Fresh shifts and clock-ins first: the rules are only as right as what they read.
          await nearTerm.refresh().catch((error) => onError?.(error));
          await watch.tick();
        } catch (error) {
          onError?.(error);
        }
        if (!stopped) timer = setTimeout(tick, everyMs);
      };
      timer = setTimeout(tick, everyMs);
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        void watch.repo.release(watch.holder).catch(() => undefined);
      };
    },
  };
}
