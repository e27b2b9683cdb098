import { ConnectClient } from '../connect/client.ts';
import { isConnectError } from '../connect/errors.ts';
import type { KnownSubjects } from '../documentation/subjects.ts';
import type { Messaging } from '../messaging/messaging.ts';
import { Mirror } from '../mirror/mirror.ts';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../simulator/index.ts';
import { lendStore } from '../store/bridge-server.ts';
import { openStore, type Store } from '../store/index.ts';
import { embeddedDataDir } from '../store/store.ts';
import { Sync, type SyncProgress, type SyncSummary } from '../sync/engine.ts';
import { RequestMeter } from '../sync/meter.ts';
import { scheduleSync } from '../sync/schedule.ts';
import { settingsFromEnv } from '../sync/settings.ts';
import { shareRateBudget } from './budget.ts';
import { type DocumentationRuntime, documentationRuntime } from './documentation.ts';
import { type FillRuntime, fillRuntime } from './fill.ts';
import { type IntakeRuntime, intakeRuntime } from './intake.ts';
import { collectGarbage } from './memory.ts';
import { messagingRuntime } from './messaging.ts';
import { type WatchRuntime, watchRuntime } from './watch.ts';

export type AppMode = 'wellsky' | 'simulated';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * `auto` (default): the real WellSky when `WELLSKY_CLIENT_ID`/`SECRET` are set, else the embedded
   * simulator with a demo agency — said plainly, never silently. `always`/`never` force one.
   */
  demo?: 'auto' | 'always' | 'never';
  /**
   * Embedded store: use a running service's store through its socket when one holds the folder (default
   * true, as commands do). The service itself says false: the folder's lock then decides, atomically,
   * which of two services starting at once gets it.
   */
  borrowRunningService?: boolean;
  simulator?: SimulatorOptions;
  store?: Store;
  now?: () => Date;
  /** How often the scheduled sync runs (incremental after the first full one). */
  syncEveryMs?: number;
}

/**
 * Everything the service, the MCP server and the operations need, built once: the store, the WellSky
 * client (or the simulator standing in for it), the documentation pipeline, the sync and the mirror.
 */
export class SkybridgeApp {
  private stopSchedule: (() => void) | undefined;
  lastSync: SyncSummary | undefined;
  ready = false;
  /** Texts to and from caregivers (src/messaging); set by `create`. */
  messaging!: Messaging;
  /** Fill campaigns for open shifts (src/operations/fill); set by `create`. */
  fills!: FillRuntime;
  /** Prospects, applicants and documents from outside systems (src/intake); set by `create`. */
  intake!: IntakeRuntime;
  /** The watch over today's shifts (src/operations/watch); set by `create`, ticks once started. */
  watch!: WatchRuntime;
  private stopWatch: (() => void) | undefined;

  private constructor(
    readonly mode: AppMode,
    readonly simulator: RunningSimulator | undefined,
    readonly store: Store,
    private readonly ownsStore: boolean,
    readonly client: ConnectClient,
    readonly docs: DocumentationRuntime,
    readonly sync: Sync,
    readonly mirror: Mirror,
    readonly meter: RequestMeter,
    readonly env: NodeJS.ProcessEnv,
    private readonly syncEveryMs: number,
    /** The app's clock (a test or demo may set one); operations called through the service use it. */
    readonly now: () => Date = () => new Date(),
  ) {}

  get timezone(): string {
    return this.client.config.timezone;
  }

  static async create(options: AppOptions = {}): Promise<SkybridgeApp> {
    const env = options.env ?? process.env;
    const configured = Boolean(env.WELLSKY_CLIENT_ID && env.WELLSKY_CLIENT_SECRET);
    const demo = options.demo ?? 'auto';
    const simulated = demo === 'always' || (demo === 'auto' && !configured);
    const simulator = simulated
      ? await startSimulator({ ...(options.now ? { now: options.now } : {}), ...options.simulator })
      : undefined;
    const meter = new RequestMeter();
    const client = new ConnectClient({
      env: simulator ? {} : env,
      config: simulator
        ? {
            baseUrl: simulator.url,
            clientId: simulator.credentials.clientId,
            clientSecret: simulator.credentials.clientSecret,
            agencyId: simulator.agencyId,
            timezone: simulator.timezone,
          }
        : {},
      onEvent: meter.onEvent,
    });
    // Embedded: a command beside a running service uses the service's store; the service (or whoever
    // holds the folder) lends it to such commands over a socket while it runs.
    const store =
      options.store ??
      (await lendStore(
        await openStore({ env, viaRunningService: options.borrowRunningService ?? true }),
        embeddedDataDir(env),
      ));
    // One rate budget per credential across every process on the same PostgreSQL (issue #11).
    shareRateBudget(client, store, env);
    const now = options.now;
    const mirror = await Mirror.open({ store, timezone: client.config.timezone, ...(now ? { now } : {}) });
    // A note for a client the mirror holds is accepted without a live WellSky GET (issue #11, item 6).
    const known: KnownSubjects = (kind, id) => kind !== 'prospect' && mirror.person(kind, id) !== undefined;
    const docs = documentationRuntime(store, client, env, now ? { now } : {}, known);
    const sync = new Sync({ client, store, meter, settings: settingsFromEnv(env), ...(now ? { now } : {}) });
    const messaging = messagingRuntime(store, env, {
      simulatedWellSky: simulator !== undefined,
      timezone: client.config.timezone,
      now,
    });
    const app = new SkybridgeApp(
      simulator ? 'simulated' : 'wellsky',
      simulator,
      store,
      options.store === undefined,
      client,
      docs,
      sync,
      mirror,
      meter,
      env,
      options.syncEveryMs ?? 15 * 60_000,
      now ?? (() => new Date()),
    );
    app.messaging = messaging;
    app.fills = fillRuntime(app);
    // Order of reply handlers: a YES to a waiting offer is the fill's, then the watch's (confirmations,
    // LATE, CANT), and only then a late answer to an offer that already closed.
    app.watch = watchRuntime(app);
    app.fills.registerLateReplies();
    app.intake = intakeRuntime(store, client, docs, env, now ? { now } : {});
    return app;
  }

  /** Capabilities, first sync, then the delivery worker and the scheduled sync. */
  async start(options: { onProgress?: (p: SyncProgress) => void; onStep?: (step: string) => void } = {}) {
    // WellSky being unreachable at start must not stop the service: it still answers from the mirror as
    // last synced and still accepts documentation durably. Refused credentials, though, stop it here.
    options.onStep?.('measuring what these credentials may do (doctor)');
    try {
      await this.docs.worker?.refreshCapabilities();
    } catch (error) {
      options.onStep?.(`capabilities not measured now (${describeError(error)}); delivery will measure them`);
    }
    options.onStep?.('syncing the local mirror');
    try {
      this.lastSync = await this.runSync(options.onProgress);
    } catch (error) {
      if (isConnectError(error, 'authentication')) throw error;
      options.onStep?.(
        `the first sync failed (${describeError(error)}); serving the mirror as last synced, retrying on schedule`,
      );
    }
    // What the first sync and the mirror's load left behind is released before the service takes work.
    collectGarbage();
    options.onStep?.('starting the delivery worker and the scheduled sync');
    this.docs.worker?.start();
    await this.messaging.start();
    this.fills.start();
    this.stopWatch = this.watch.schedule({
      onError: (error) =>
        process.stderr.write(
          `skybridge watch: a tick failed (${error instanceof Error ? error.name : 'Error'})\n`,
        ),
    });
    this.stopSchedule = scheduleSync(this.sync, {
      everyMs: this.syncEveryMs,
      firstAfterMs: this.syncEveryMs,
      onRun: (summary) => void this.afterSync(summary),
    });
    this.ready = true;
  }

  /** A sync, then what depends on it: the mirror's indexes and notes waiting for a visit. */
  async runSync(onProgress?: (p: SyncProgress) => void, full?: boolean): Promise<SyncSummary> {
    const sync = onProgress
      ? new Sync({
          client: this.client,
          store: this.store,
          meter: this.meter,
          settings: settingsFromEnv(this.env),
          onProgress,
        })
      : this.sync;
    const summary = await sync.run(full === undefined ? {} : { full });
    await this.afterSync(summary);
    return summary;
  }

  private async afterSync(summary: SyncSummary) {
    this.lastSync = summary;
    await this.mirror.reload();
    await this.docs.worker?.replay(['no-visit']);
  }

  /** Stops taking work, lets in-flight deliveries finish (nothing stays claimed), closes everything. */
  async close(): Promise<void> {
    this.ready = false;
    this.stopSchedule?.();
    this.stopWatch?.();
    await this.docs.worker?.stop();
    await this.fills?.stop();
    await this.messaging.stop();
    if (this.ownsStore) await this.store.close();
    await this.simulator?.close();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
