import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DateTime } from 'luxon';
import type { CapabilityService } from '../capabilities/service.ts';
import type { ConnectClient } from '../connect/client.ts';
import { ConnectError } from '../connect/errors.ts';
import type { DocumentationRepo } from '../store/documentation-repo.ts';
import type { DocumentationItem } from '../store/types.ts';
import { adminTaskBody, referenceLine, taskLogBodies } from './bodies.ts';
import { type DocumentContents, deliverDocument } from './documents.ts';
import { judgeError } from './outcome.ts';
import {
  chooseRoute,
  type DeliveryRoute,
  type HoldCode,
  REPLAYABLE_HOLDS,
  ROUTE_CAPABILITY,
  type RoutingSettings,
} from './routing.ts';
import { matchVisits, noVisitReason } from './visit-match.ts';
import { liveVisitFinder, type VisitFinder } from './visits.ts';

export interface WorkerEvent {
  type: 'delivered' | 'retry' | 'unknown' | 'held' | 'failed' | 'capabilities' | 'replayed' | 'error';
  itemId?: string;
  kind?: string;
  route?: string;
  /** Never note text, names or phones: kinds, states and error kinds only. */
  detail?: string;
}

/**
 * Moments inside one delivery attempt, in order: the attempt is recorded, WellSky is about to be asked
 * to create the note, and WellSky has created one part (`part-created`, more parts follow) or the last
 * one (`created`) while nothing about it is recorded yet.
 */
export type AttemptPoint = 'attempt-begun' | 'before-create' | 'part-created' | 'created';

export interface DeliveryWorkerOptions {
  repo: DocumentationRepo;
  capabilities: CapabilityService;
  client: ConnectClient;
  settings: RoutingSettings;
  workerId?: string;
  leaseMs?: number;
  batchSize?: number;
  concurrency?: number;
  pollMs?: number;
  /**
   * How long a sleeping worker waits after a nudge before it claims (default 5 ms). The nudge comes
   * from the request that stored the item, before that request is answered; claiming at once put the
   * delivery's statements and CPU beside the answer still on its way, the tail of note accept at 10
   * notes a second (issue #11, item 6). Short, because at 50 notes a second the next note comes 20 ms
   * later: a longer wait (20 ms was tried) moved each delivery onto the next note instead.
   */
  nudgeDelayMs?: number;
  /** First retry delay; doubles per attempt up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** After this many attempts a still-failing item is held for a person instead of retried forever. */
  maxAttempts?: number;
  capabilityMaxAgeMs?: number;
  /** How often held items that a new visit could unblock are re-evaluated. */
  replayEveryMs?: number;
  visits?: VisitFinder;
  now?: () => Date;
  random?: () => number;
  onEvent?: (event: WorkerEvent) => void;
  /**
   * Awaited at each `AttemptPoint`. Only the crash tests set it: they pause a worker process exactly
   * there and SIGKILL it, instead of hoping a random delay lands mid-attempt.
   */
  checkpoint?: (point: AttemptPoint, itemId: string) => Promise<void> | void;
  /** Where document items' bytes are read (the intake's store); without it documents are held. */
  documents?: DocumentContents;
}

/**
 * Delivers documentation items to WellSky: claims due items (several workers may share one PostgreSQL),
 * picks the route the capability matrix allows, and records the true outcome of every attempt.
 */
export class DeliveryWorker {
  readonly workerId: string;
  private readonly o: Required<
    Omit<
      DeliveryWorkerOptions,
      'workerId' | 'onEvent' | 'visits' | 'now' | 'random' | 'checkpoint' | 'documents'
    >
  > & { onEvent?: (e: WorkerEvent) => void };
  private readonly visits: VisitFinder;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly checkpoint: NonNullable<DeliveryWorkerOptions['checkpoint']>;
  private readonly documents: DocumentContents | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private nudgeTimer: NodeJS.Timeout | undefined;
  /** Whether the current sleep may be ended by a nudge (not a back-off after a failure). */
  private nudgeable = true;
  private lastReplay = 0;
  private readonly inFlight = new Set<string>();

  constructor(options: DeliveryWorkerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.o = {
      repo: options.repo,
      capabilities: options.capabilities,
      client: options.client,
      settings: options.settings,
      leaseMs: options.leaseMs ?? 120_000,
      batchSize: options.batchSize ?? 10,
      concurrency: options.concurrency ?? 4,
      pollMs: options.pollMs ?? 1_000,
      nudgeDelayMs: options.nudgeDelayMs ?? 5,
      retryBaseMs: options.retryBaseMs ?? 15_000,
      retryMaxMs: options.retryMaxMs ?? 30 * 60_000,
      maxAttempts: options.maxAttempts ?? 40,
      capabilityMaxAgeMs: options.capabilityMaxAgeMs ?? 6 * 3600_000,
      replayEveryMs: options.replayEveryMs ?? 10 * 60_000,
      onEvent: options.onEvent,
    };
    this.visits = options.visits ?? liveVisitFinder(options.client);
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.checkpoint = options.checkpoint ?? (() => undefined);
    this.documents = options.documents;
  }

  /** Claims what is due (or exactly `ids`) and delivers it; returns how many items were worked on. */
  async runOnce(options: { ids?: string[] } = {}): Promise<number> {
    return this.drain(options);
  }

  /**
   * Claims and delivers batch after batch. A batch smaller than the claim limit means nothing else was
   * due when it was claimed, so the drain ends there instead of asking again: an empty claim per wake-up
   * was a third of the store statements a delivered note cost (issue #11, item 6). What became due since
   * is found by the next wake-up: `nudge()` marks it, the poll catches the rest.
   */
  private async drain(options: { ids?: string[] }): Promise<number> {
    await this.ensureCapabilities();
    let worked = 0;
    for (;;) {
      // Whatever was committed before this claim starts, it sees: an earlier nudge is answered by it.
      if (!options.ids) this.nudged = false;
      const claimed = await this.o.repo.claimDue(this.workerId, {
        limit: this.o.batchSize,
        leaseMs: this.o.leaseMs,
        now: this.now(),
        ids: options.ids,
      });
      if (claimed.length > 0) await this.processAll(claimed);
      worked += claimed.length;
      if (options.ids || claimed.length < this.o.batchSize) return worked;
    }
  }

  /** Runs until `stop()`: delivers, re-measures capabilities when stale, replays unblockable holds. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.maybeReplay();
          await this.drain({});
          if (this.running) await this.sleep(this.o.pollMs);
        } catch (error) {
          this.emit({ type: 'error', detail: error instanceof Error ? error.message : String(error) });
          // A failing store is not hammered because work keeps arriving: back off in full.
          this.nudged = false;
          if (this.running) await this.sleep(this.o.pollMs * 5, { nudgeable: false });
        }
      }
    })();
  }

  /** Stops claiming; lets in-flight deliveries finish (their outcome is recorded), then returns. */
  async stop(): Promise<void> {
    this.running = false;
    // Ending the sleep also ends its nudge timer (a nudge sets one only while the worker sleeps).
    this.wake?.();
    await this.loop;
  }

  /** True while the worker waits between drains (for the poll interval, a nudge or `stop`). */
  get sleeping(): boolean {
    return this.wake !== undefined;
  }

  /** Work is waiting (a new item): skip the rest of the poll interval, or claim again after this batch. */
  nudge(): void {
    this.nudged = true;
    if (this.nudgeTimer || !this.wake || !this.nudgeable) return;
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = undefined;
      this.wake?.();
    }, this.o.nudgeDelayMs);
    this.nudgeTimer.unref();
  }

  /** Re-evaluate held items: those a capability or a new visit may unblock, or all replayable ones. */
  async replay(codes: readonly HoldCode[] = REPLAYABLE_HOLDS): Promise<number> {
    const requeued = await this.o.repo.requeueHeld({ filter: { codes: [...codes] }, actor: this.workerId });
    if (requeued.length > 0)
      this.emit({ type: 'replayed', detail: `${requeued.length} held items requeued` });
    return requeued.length;
  }

  /** Measure capabilities again; when any changed, held items waiting for a capability are replayed. */
  async refreshCapabilities(): Promise<void> {
    const { report, changes } = await this.o.capabilities.refresh(this.now());
    this.emit({
      type: 'capabilities',
      detail: report.authentication.ok ? `${changes.length} changed` : 'authentication failed',
    });
    if (changes.length > 0) await this.replay(['capability', 'configuration']);
  }

  private async ensureCapabilities() {
    try {
      if (await this.o.capabilities.isStale(this.o.capabilityMaxAgeMs, this.now()))
        await this.refreshCapabilities();
    } catch (error) {
      // WellSky unreachable: deliver with what is known; attempts will say what fails.
      this.emit({ type: 'error', detail: `capability refresh failed: ${(error as Error).message}` });
    }
  }

  private async maybeReplay() {
    const now = this.now().getTime();
    if (now - this.lastReplay < this.o.replayEveryMs) return;
    this.lastReplay = now;
    await this.replay(['no-visit', 'visit-refused']);
    // A vendor-side upload failure ends without any capability changing, so held documents are retried
    // on the same schedule (each try reads the profile back before uploading again).
    const documents = await this.o.repo.requeueHeld({
      filter: { kind: 'document', codes: ['capability'] },
      actor: this.workerId,
    });
    if (documents.length > 0)
      this.emit({ type: 'replayed', detail: `${documents.length} held documents requeued` });
  }

  private async processAll(items: DocumentationItem[]) {
    const queue = [...items];
    const lanes = Array.from({ length: Math.min(this.o.concurrency, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        this.inFlight.add(item.id);
        try {
          await this.deliver(item);
        } catch (error) {
          // A bug or a store failure: leave the claim to expire so another attempt happens later.
          this.emit({ type: 'error', itemId: item.id, detail: (error as Error).message });
        } finally {
          this.inFlight.delete(item.id);
        }
      }
    });
    await Promise.all(lanes);
  }

  private async deliver(item: DocumentationItem) {
    const decision = chooseRoute(item.kind, await this.o.capabilities.statuses(), this.o.settings);
    if ('hold' in decision) {
      await this.hold(item, decision.hold, decision.reason);
      return;
    }
    const verify = item.needs_verification;
    await this.o.repo.beginAttempt(item.id, this.workerId, { route: decision.route, now: this.now() });
    await this.checkpoint('attempt-begun', item.id);
    try {
      if (decision.route === 'task-log') await this.deliverTaskLog(item, verify);
      else if (decision.route === 'document-reference') await this.deliverDocumentItem(item, verify);
      else await this.deliverAdminTask(item, verify);
    } catch (error) {
      await this.recordError(item, decision.route, error);
    }
  }

  private async deliverTaskLog(item: DocumentationItem, verify: boolean) {
    const at = DateTime.fromJSDate(item.occurred_at);
    const request = {
      clientId: item.client_id!,
      caregiverId: item.caregiver_id,
      at,
      now: DateTime.fromJSDate(this.now()),
    };
    const visits = matchVisits(await this.visits(request.clientId, at), request);
    if (visits.length === 0) {
      await this.hold(item, 'no-visit', noVisitReason(request, this.o.client.config.timezone));
      return;
    }
    const bodies = taskLogBodies(item);
    const refusals: string[] = [];
    for (const visit of visits) {
      // After a lost answer or a crash, what is already on the visit is not sent again (exactly once).
      const existing =
        verify || bodies.length > 1 ? await this.o.client.encounters.taskLogs(visit.encounterId) : [];
      const ids: string[] = [];
      let refused: ConnectError | undefined;
      for (const [index, body] of bodies.entries()) {
        const line = referenceLine(item.marker, { index: index + 1, count: bodies.length });
        const found = existing.find((log) => log.description?.trimEnd().endsWith(line));
        if (found) {
          ids.push(found.id);
          continue;
        }
        try {
          await this.checkpoint('before-create', item.id);
          const created = await this.o.client.encounters.addTaskLog(visit.encounterId, body);
          ids.push(created.taskLogId ?? (await this.findTaskLog(visit.encounterId, line)));
          await this.checkpoint(index + 1 < bodies.length ? 'part-created' : 'created', item.id);
        } catch (error) {
          if (error instanceof ConnectError && error.kind === 'action-failed' && ids.length === 0) {
            refused = error;
            break;
          }
          throw error;
        }
      }
      if (refused) {
        refusals.push(`visit ${visit.encounterId}: ${refused.serverMessage ?? 'success: false'}`);
        continue;
      }
      await this.o.repo.markDelivered(item.id, this.workerId, {
        route: 'task-log',
        wellskyId: ids.join(','),
        targetId: visit.encounterId,
        now: this.now(),
      });
      this.emit({ type: 'delivered', itemId: item.id, kind: item.kind, route: 'task-log' });
      return;
    }
    await this.hold(
      item,
      'visit-refused',
      `WellSky refused the note on every matching visit (${refusals.join('; ')}); a person can attach it by hand`,
    );
  }

  /** WellSky said success without an id: the marker finds the log it created. */
  private async findTaskLog(encounterId: string, line: string): Promise<string> {
    const logs = await this.o.client.encounters.taskLogs(encounterId);
    const found = logs.find((log) => log.description?.trimEnd().endsWith(line));
    if (!found)
      throw new ConnectError(
        'invalid-response',
        'WellSky reported success but the note is not on the visit',
        { method: 'POST', route: '/v1/encounter/{encounterId}/tasklog/' },
      );
    return found.id;
  }

  private async deliverDocumentItem(item: DocumentationItem, verify: boolean) {
    const contents = this.documents ?? (async () => undefined);
    const outcome = await deliverDocument(this.o.client, item, contents, this.o.settings.agencyId!, verify);
    if ('hold' in outcome) {
      await this.hold(item, outcome.hold, outcome.reason, outcome.httpStatus, outcome.errorKind);
      return;
    }
    await this.o.repo.markDelivered(item.id, this.workerId, {
      route: 'document-reference',
      wellskyId: outcome.delivered,
      now: this.now(),
    });
    this.emit({ type: 'delivered', itemId: item.id, kind: item.kind, route: 'document-reference' });
  }

  private async deliverAdminTask(item: DocumentationItem, verify: boolean) {
    if (verify) {
      // No search over admin tasks exists, so a lost answer cannot be checked: a person decides.
      await this.hold(
        item,
        'outcome-unknown',
        'an earlier attempt may have created this office task in WellSky (its answer was lost); check the Tasks panel for the reference, then resolve it or retry it',
      );
      return;
    }
    const agencyId = this.o.settings.agencyId!;
    await this.checkpoint('before-create', item.id);
    const created = await this.o.client.adminTasks.create(
      adminTaskBody(item, agencyId, this.o.client.config.timezone),
    );
    await this.checkpoint('created', item.id);
    await this.o.repo.markDelivered(item.id, this.workerId, {
      route: 'admin-task',
      wellskyId: created.id,
      now: this.now(),
    });
    this.emit({ type: 'delivered', itemId: item.id, kind: item.kind, route: 'admin-task' });
  }

  private async recordError(item: DocumentationItem, route: DeliveryRoute, error: unknown) {
    const verdict = judgeError(error, route);
    const now = this.now();
    const base = { itemId: item.id, kind: item.kind, route, detail: verdict.error.kind };
    switch (verdict.action) {
      case 'retry':
        if (item.attempt_count + 1 >= this.o.maxAttempts) {
          await this.hold(
            item,
            'gave-up',
            `still failing after ${item.attempt_count + 1} attempts (${verdict.error.message}); retry it when WellSky works again`,
            verdict.error.httpStatus,
            verdict.error.kind,
          );
          return;
        }
        await this.o.repo.markRetry(item.id, this.workerId, {
          nextAttemptAt: this.backoff(item),
          error: verdict.error,
          now,
        });
        this.emit({ ...base, type: 'retry' });
        return;
      case 'unknown':
        await this.o.repo.markOutcomeUnknown(item.id, this.workerId, {
          nextAttemptAt: this.backoff(item),
          error: verdict.error,
          now,
        });
        this.emit({ ...base, type: 'unknown' });
        return;
      case 'hold':
        if (verdict.learn)
          await this.o.capabilities.learn(ROUTE_CAPABILITY[route], verdict.learn, verdict.reason, now);
        await this.hold(item, verdict.code, verdict.reason, verdict.error.httpStatus, verdict.error.kind);
        return;
      case 'fail':
        await this.o.repo.markFailed(item.id, this.workerId, { ...verdict.error, now });
        this.emit({ ...base, type: 'failed' });
        return;
    }
  }

  private async hold(
    item: DocumentationItem,
    code: HoldCode,
    reason: string,
    httpStatus?: number,
    errorKind?: string,
  ) {
    await this.o.repo.markHeld(item.id, this.workerId, reason, {
      code,
      ...(httpStatus === undefined ? {} : { httpStatus }),
      ...(errorKind === undefined ? {} : { errorKind }),
      now: this.now(),
    });
    this.emit({ type: 'held', itemId: item.id, kind: item.kind, detail: code });
  }

  /** Exponential backoff with jitter, so a recovering WellSky is not hit by every item at once. */
  private backoff(item: DocumentationItem): Date {
    const attempt = Math.max(1, item.attempt_count + 1);
    const delay = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** (attempt - 1));
    const jittered = delay * (0.8 + 0.4 * this.random());
    return new Date(this.now().getTime() + jittered);
  }

  /**
   * Waits `ms`, or not at all when a nudge came while the last drain ran. A back-off after a failure is
   * not nudgeable: only `stop` ends it early, and the nudges it ignored are answered by the drain after it.
   */
  private sleep(ms: number, { nudgeable = true } = {}) {
    if (nudgeable && this.nudged && this.running) return Promise.resolve();
    this.nudgeable = nudgeable;
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // A nudge timer set during this sleep must not cut the next one short: `nudged` stays set, so the
        // drain that follows covers it.
        clearTimeout(this.nudgeTimer);
        this.nudgeTimer = undefined;
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private emit(event: WorkerEvent) {
    this.o.onEvent?.(event);
  }
}
