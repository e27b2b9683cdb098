import { type ConnectClient, isConnectError } from '../connect/index.ts';
import { searchPage } from '../connect/resources/search.ts';
import { route } from '../connect/routes.ts';
import { type Patient, type Practitioner, RelatedPerson } from '../connect/wire/index.ts';
import type { Store, SyncKind, SyncStatus } from '../store/index.ts';
import { addCounts, type Collection, emptyCounts, type RunCounts } from './counts.ts';
import type { RequestMeter } from './meter.ts';
import {
  caregiverFields,
  clientFields,
  relatedClientId,
  relatedFields,
  shiftFields,
  visitFields,
} from './normalize.ts';
import { readAllPages } from './pages.ts';
import { runPool } from './pool.ts';
import { MirrorRepo, type PersonTableName } from './repo.ts';
import { localWindow, updatedSince } from './window.ts';

/** How far the mirror reaches and how often each part is re-read. Every field has a default. */
export interface SyncSettings {
  /** Shift window of a full sync: days back / ahead of today (agency zone). Default 28 / 56. */
  pastDays: number;
  futureDays: number;
  /** Shift window re-read by every incremental run. Default 1 back / 14 ahead. */
  nearPastDays: number;
  nearFutureDays: number;
  /** An incremental run re-reads the whole shift window when the last whole read is older. Default 24 h. */
  fullShiftWindowEveryHours: number;
  /** Visits re-read by an incremental run: the last N days. Default 2. */
  recentVisitDays: number;
  /** Subtracted from the `updated` high-water mark, for clock skew and slow commits. Default 10 min. */
  updatedMarginMinutes: number;
  /** Requests kept in flight so the shared rate governor is never idle. Default 16. */
  concurrency: number;
  /**
   * Family contacts: `auto` tries the bulk `POST /v1/relatedperson/_search/` (facts §3.12 [D]/[3P],
   * never verified live) and falls back to one `GET /v1/relatedperson/{patientId}/` per client ([V]).
   */
  relatedPersons: 'auto' | 'per-client';
}

export const DEFAULT_SETTINGS: SyncSettings = {
  pastDays: 28,
  futureDays: 56,
  nearPastDays: 1,
  nearFutureDays: 14,
  fullShiftWindowEveryHours: 24,
  recentVisitDays: 2,
  updatedMarginMinutes: 10,
  concurrency: 16,
  relatedPersons: 'auto',
};

export interface SyncProgress {
  phase: Collection;
  done: number;
  total: number;
}

export interface SyncOptions {
  client: ConnectClient;
  store: Store;
  /** Counts HTTP requests and 429s; give the same meter's `onEvent` to the client. */
  meter?: RequestMeter;
  settings?: Partial<SyncSettings>;
  /** The agency zone; default the client's (`WELLSKY_TIMEZONE`). */
  timezone?: string;
  now?: () => Date;
  onProgress?: (progress: SyncProgress) => void;
}

export interface PhaseSummary {
  phase: Collection;
  requests: number | null;
  ms: number;
  detail?: string;
}

export interface SyncSummary {
  runId: number;
  kind: SyncKind;
  status: SyncStatus;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  requests: number | null;
  rateLimited: number | null;
  requestsPerSecond: number | null;
  counts: RunCounts;
  phases: PhaseSummary[];
  errors: string[];
  warnings: string[];
}

export interface WebhookRef {
  resourceType: string;
  id: string;
}

const SHIFT_STATE = 'shifts';
type Owner = { clientId: string } | { caregiverId: string };
const HOUR_MS = 3_600_000;

/** One run's working state: its id, counters and messages. */
class Run {
  readonly counts = emptyCounts();
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly phases: PhaseSummary[] = [];
  readonly details: Partial<Record<Collection, string>> = {};
  failedPhases = 0;
  readonly failed = new Set<Collection>();
  constructor(
    readonly id: number,
    readonly kind: SyncKind,
    readonly startedAt: Date,
  ) {}
}

/**
 * The sync engine: full, incremental and webhook-driven refreshes of the local mirror. It never logs
 * names or phone numbers; errors name the collection and the WellSky id only.
 */
export class Sync {
  readonly settings: SyncSettings;
  readonly repo: MirrorRepo;
  readonly timezone: string;
  private readonly client: ConnectClient;
  private readonly meter: RequestMeter | undefined;
  private readonly now: () => Date;
  private readonly onProgress: (p: SyncProgress) => void;
  private running: Promise<SyncSummary> | undefined;

  constructor(options: SyncOptions) {
    this.client = options.client;
    this.meter = options.meter;
    this.repo = new MirrorRepo(options.store.db);
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.timezone = options.timezone ?? options.client.config.timezone;
    this.now = options.now ?? (() => new Date());
    this.onProgress = options.onProgress ?? (() => undefined);
  }

  /** Incremental when a previous run completed, full otherwise (or when `full`). One run at a time. */
  run(options: { full?: boolean } = {}): Promise<SyncSummary> {
    this.running ??= this.choose(options.full ?? false).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async choose(full: boolean): Promise<SyncSummary> {
    const previous = full ? undefined : await this.repo.lastRun(['full']);
    return previous ? this.execute('incremental') : this.execute('full');
  }

  /** Refresh the records webhooks named (facts §3.11: thin `{resourceType, id}` notifications). */
  async refresh(refs: WebhookRef[]): Promise<SyncSummary> {
    return this.record('webhook', async (run) => {
      for (const ref of refs) {
        try {
          await this.refreshOne(run, ref);
        } catch (error) {
          run.errors.push(`${ref.resourceType} ${ref.id}: ${describe(error)}`);
        }
      }
    });
  }

  // Runs ----------------------------------------------------------------------------------------------

  private execute(kind: 'full' | 'incremental'): Promise<SyncSummary> {
    return this.record(kind, async (run) => {
      const full = kind === 'full';
      await this.phase(run, 'caregivers', () => this.people(run, 'caregivers', full));
      // Incremental: the contacts of changed clients are re-read (contacts have no webhook of their own).
      const changed = await this.phase(run, 'clients', () => this.people(run, 'clients', full));
      await this.phase(run, 'profileTags', () => this.profileTags(run, full));
      await this.phase(run, 'relatedPersons', () =>
        full ? this.allRelated(run) : this.relatedOf(run, changed ?? []),
      );
      await this.phase(run, 'shifts', () => this.shifts(run, full));
      await this.phase(run, 'visits', () => this.visits(run, full));
    });
  }

  private async record(kind: SyncKind, body: (run: Run) => Promise<void>): Promise<SyncSummary> {
    const startedAt = this.now();
    const wallStart = performance.now();
    const before = this.meter?.snapshot();
    const run = new Run(await this.repo.startRun(kind, startedAt), kind, startedAt);
    let status: SyncStatus = 'ok';
    try {
      await body(run);
      if (run.failedPhases > 0 || run.errors.length > 0)
        // Without caregivers and clients nothing downstream means anything: that run failed, it is not
        // "partial" (never report more than happened).
        status = run.failed.has('caregivers') && run.failed.has('clients') ? 'failed' : 'partial';
    } catch (error) {
      run.errors.push(describe(error));
      status = 'failed';
    }
    const durationMs = performance.now() - wallStart;
    const after = this.meter?.snapshot();
    const requests = before && after ? after.requests - before.requests : null;
    const rateLimited = before && after ? after.rateLimited - before.rateLimited : null;
    const finishedAt = new Date(startedAt.getTime() + durationMs);
    await this.repo.finishRun(run.id, {
      status,
      finishedAt,
      requests,
      rateLimited,
      counts: run.counts,
      errors: run.errors,
      warnings: run.warnings,
    });
    return {
      runId: run.id,
      kind,
      status,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.round(durationMs),
      requests,
      rateLimited,
      requestsPerSecond:
        requests === null ? null : Math.round((requests / Math.max(durationMs, 1)) * 10_000) / 10,
      counts: run.counts,
      phases: run.phases,
      errors: run.errors,
      warnings: run.warnings,
    };
  }

  /** A phase that fails is recorded and the run goes on: stale shifts beat no shifts. */
  private async phase<T>(run: Run, phase: Collection, body: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    const before = this.meter?.requests;
    try {
      return await body();
    } catch (error) {
      run.failedPhases++;
      run.failed.add(phase);
      run.errors.push(`${phase}: ${describe(error)}`);
      return undefined;
    } finally {
      const requests = before === undefined || !this.meter ? null : this.meter.requests - before;
      const detail = run.details[phase];
      run.phases.push({
        phase,
        requests,
        ms: Math.round(performance.now() - started),
        ...(detail ? { detail } : {}),
      });
    }
  }

  // People ----------------------------------------------------------------------------------------

  /**
   * Caregivers/applicants or clients/prospects. Full: every page, then soft-delete whoever the listing
   * did not return (only if it added up). Incremental: `updated=ge<high-water mark − margin>` (facts §2.2
   * [D]; the simulator honours it). Returns the ids that were added or changed.
   */
  private async people(run: Run, table: PersonTableName, full: boolean): Promise<string[]> {
    const state = full ? undefined : await this.repo.getState(table);
    const since = state?.cursor
      ? new Date(state.cursor.getTime() - this.settings.updatedMarginMinutes * 60_000)
      : undefined;
    const filters = since ? { updated: updatedSince(since) } : {};
    const resource = table === 'caregivers' ? this.client.practitioners : this.client.patients;
    const fetchPage = (page: number, count: number) => resource.searchPage(filters, page, count, 'created');
    this.onProgress({ phase: table, done: 0, total: 1 });
    const listing = await readAllPages<Patient | Practitioner>(
      fetchPage,
      (p) => p.id,
      this.settings.concurrency,
    );
    const rows = listing.items.map((p) =>
      table === 'caregivers' ? caregiverFields(p as Practitioner) : clientFields(p as Patient),
    );
    const now = this.now();
    const counts = await this.repo.savePeople(table, rows, run.id, now);
    let removed = 0;
    if (full) {
      if (listing.consistent) removed = await this.repo.markUnseenRemoved(table, run.id, now);
      else
        run.warnings.push(
          `${table}: the listing announced ${listing.total} records but returned ${listing.items.length} distinct ones; nothing was marked removed this run`,
        );
    }
    addCounts(run.counts[table === 'caregivers' ? 'caregivers' : 'clients'], {
      seen: rows.length,
      ...counts,
      removed,
    });
    // The cursor is the run's start: anything changed after it is picked up next time (minus the margin).
    await this.repo.setState(table, run.startedAt, { full }, now);
    this.onProgress({ phase: table, done: 1, total: 1 });
    return rows.map((r) => r.id);
  }

  // Profile tags ----------------------------------------------------------------------------------

  /** No tag listing is verified (facts §3.1 PT2: GET on the collection is doubtful): read the ids in use. */
  private async profileTags(run: Run, full: boolean): Promise<void> {
    const { used, known } = await this.repo.tagIdsInUse();
    const wanted = full ? used : used.filter((id) => !known.includes(id));
    let done = 0;
    const tags: { id: string; name: string; type: string | null; raw: Record<string, unknown> }[] = [];
    await runPool(wanted, this.settings.concurrency, async (id) => {
      try {
        const tag = await this.client.profileTags.get(id);
        tags.push({
          id: tag.id,
          name: tag.name,
          type: tag.type ?? null,
          raw: tag as Record<string, unknown>,
        });
      } catch (error) {
        run.errors.push(`profileTags ${id}: ${describe(error)}`);
      }
      this.onProgress({ phase: 'profileTags', done: ++done, total: wanted.length });
    });
    await this.repo.saveProfileTags(tags, this.now());
    const newOnes = tags.filter((t) => !known.includes(t.id)).length;
    addCounts(run.counts.profileTags, { seen: tags.length, added: newOnes, changed: tags.length - newOnes });
  }

  // Family contacts ---------------------------------------------------------------------------------

  private async allRelated(run: Run): Promise<void> {
    if (this.settings.relatedPersons === 'auto') {
      const bulk = await this.bulkRelated(run);
      if (bulk) return;
    }
    const clients = await this.repo.personIds('clients');
    await this.relatedOf(run, clients);
  }

  /**
   * One search over every contact. Unverified (facts §3.12 [D]/[3P]), so it is trusted only if the
   * listing adds up and every entry names its client; otherwise the caller falls back to per-client reads.
   */
  private async bulkRelated(run: Run): Promise<boolean> {
    const transport = this.client.transport;
    let listing: Awaited<ReturnType<typeof readAllPages<RelatedPerson>>>;
    try {
      listing = await readAllPages(
        (page, count) =>
          searchPage(transport, route('relatedPersonsSearch'), RelatedPerson, { page, count, body: {} }),
        (r) => r.id,
        this.settings.concurrency,
      );
    } catch (error) {
      if (
        isConnectError(error) &&
        ['unknown-route', 'permission-refused', 'validation', 'not-found'].includes(error.kind)
      ) {
        run.warnings.push(
          `relatedPersons: bulk search unavailable (${error.kind}); reading each client's contacts`,
        );
        return false;
      }
      throw error;
    }
    const rows = [];
    for (const r of listing.items) {
      const clientId = relatedClientId(r);
      if (!clientId) {
        run.warnings.push(
          'relatedPersons: bulk search entries do not name their client; reading each client instead',
        );
        return false;
      }
      rows.push(relatedFields(r, clientId));
    }
    if (!listing.consistent) {
      run.warnings.push('relatedPersons: bulk search did not add up; reading each client instead');
      return false;
    }
    const now = this.now();
    const counts = await this.repo.saveRelated(rows, run.id, now);
    const removed = await this.repo.markUnseenRemoved('related_persons', run.id, now);
    addCounts(run.counts.relatedPersons, { seen: rows.length, ...counts, removed });
    this.onProgress({ phase: 'relatedPersons', done: 1, total: 1 });
    return true;
  }

  /** `GET /v1/relatedperson/{patientId}/` for each client (facts §3.12 [V]): one call per client. */
  private async relatedOf(run: Run, clientIds: string[]): Promise<void> {
    let done = 0;
    await runPool(clientIds, this.settings.concurrency, async (clientId) => {
      try {
        const contacts = await this.client.relatedPersons.ofPatient(clientId);
        const rows = contacts.map((r) => relatedFields(r, clientId));
        const counts = await this.repo.saveRelated(rows, run.id, this.now(), [clientId]);
        addCounts(run.counts.relatedPersons, { seen: rows.length, ...counts });
      } catch (error) {
        run.errors.push(`relatedPersons of client ${clientId}: ${describe(error)}`);
      }
      this.onProgress({ phase: 'relatedPersons', done: ++done, total: clientIds.length });
    });
  }

  // Shifts ----------------------------------------------------------------------------------------

  /**
   * Per active client: open shifts have no caregiver, so only a per-client search finds them (facts
   * §3.5). The client plans the fewest legal windows (one per calendar month touched) and reads every
   * page (D-13: page 0 alone dropped shifts of clients with >100 a month). Shifts carry no `updated`
   * filter and no webhook, so an incremental run re-reads the near window, and the whole window when the
   * last whole read is older than `fullShiftWindowEveryHours`.
   */
  private async shifts(run: Run, full: boolean): Promise<void> {
    const now = this.now();
    const state = await this.repo.getState(SHIFT_STATE);
    const lastWhole = state?.cursor?.getTime();
    const whole =
      full ||
      lastWhole === undefined ||
      now.getTime() - lastWhole >= this.settings.fullShiftWindowEveryHours * HOUR_MS;
    const s = this.settings;
    const window = whole
      ? localWindow(now, this.timezone, s.pastDays, s.futureDays)
      : localWindow(now, this.timezone, s.nearPastDays, s.nearFutureDays);
    const clients = await this.repo.personIds('clients', { kind: 'client', active: true });
    let done = 0;
    let failures = 0;
    await runPool(clients, s.concurrency, async (clientId) => {
      try {
        const rows = [];
        for await (const a of this.client.appointments.list({ clientId, from: window.from, to: window.to })) {
          rows.push(shiftFields(a));
        }
        const counts = await this.repo.saveShiftWindow(
          { clientId },
          window.fromUtc,
          window.toUtc,
          rows,
          run.id,
          this.now(),
        );
        addCounts(run.counts.shifts, { seen: rows.length, ...counts });
      } catch (error) {
        failures++;
        run.errors.push(`shifts of client ${clientId}: ${describe(error)}`);
      }
      this.onProgress({ phase: 'shifts', done: ++done, total: clients.length });
    });
    // A discharged (or deleted) client's future shifts will not happen; nobody re-reads them any more.
    addCounts(run.counts.shifts, {
      removed: await this.repo.removeShiftsOfInactiveClients(now, this.now()),
    });
    run.details.shifts = `${whole ? 'whole' : 'near'} window ${window.from}…${window.to}, ${clients.length} clients`;
    if (whole && failures === 0)
      await this.repo.setState(SHIFT_STATE, now, { from: window.from, to: window.to }, this.now());
  }

  // Visits ----------------------------------------------------------------------------------------

  /**
   * Encounter search needs a client or a caregiver (facts §3.6 [V]). Every visit has both, so the
   * smaller set of owners is searched: hired caregivers (leavers included, for the past window) or
   * active clients. Full: the past window; incremental: the last `recentVisitDays` days.
   */
  private async visits(run: Run, full: boolean): Promise<void> {
    const now = this.now();
    const s = this.settings;
    const window = localWindow(now, this.timezone, full ? s.pastDays : s.recentVisitDays, 0);
    const clients = await this.repo.personIds('clients', { kind: 'client', active: true });
    const caregivers = await this.repo.personIds('caregivers', { kind: 'caregiver' });
    const byCaregiver = caregivers.length < clients.length;
    const owners: Owner[] = byCaregiver
      ? caregivers.map((caregiverId) => ({ caregiverId }))
      : clients.map((clientId) => ({ clientId }));
    run.details.visits = `${window.from}…${window.to}, by ${byCaregiver ? 'caregiver' : 'client'} (${owners.length})`;
    let done = 0;
    await runPool(owners, s.concurrency, async (owner) => {
      try {
        const rows = [];
        const range =
          'clientId' in owner
            ? { clientId: owner.clientId, from: window.from, to: window.to }
            : { caregiverId: owner.caregiverId, from: window.from, to: window.to };
        for await (const e of this.client.encounters.search(range)) rows.push(visitFields(e));
        const counts = await this.repo.saveVisitWindow(
          owner,
          window.fromUtc,
          window.toUtc,
          rows,
          run.id,
          this.now(),
        );
        addCounts(run.counts.visits, { seen: rows.length, ...counts });
      } catch (error) {
        const who = 'clientId' in owner ? `client ${owner.clientId}` : `caregiver ${owner.caregiverId}`;
        run.errors.push(`visits of ${who}: ${describe(error)}`);
      }
      this.onProgress({ phase: 'visits', done: ++done, total: owners.length });
    });
  }

  // Webhook refreshes -------------------------------------------------------------------------------

  private async refreshOne(run: Run, ref: WebhookRef): Promise<void> {
    const now = this.now();
    switch (ref.resourceType) {
      case 'Patient':
      case 'Practitioner': {
        const table: PersonTableName = ref.resourceType === 'Patient' ? 'clients' : 'caregivers';
        const collection = table === 'clients' ? run.counts.clients : run.counts.caregivers;
        try {
          const person =
            table === 'clients'
              ? await this.client.patients.get(ref.id)
              : await this.client.practitioners.get(ref.id);
          const row =
            table === 'clients' ? clientFields(person as Patient) : caregiverFields(person as Practitioner);
          addCounts(collection, { seen: 1, ...(await this.repo.savePeople(table, [row], run.id, now)) });
        } catch (error) {
          // Deleted in WellSky: reflect it rather than keep a stale record.
          if (isConnectError(error) && error.kind === 'not-found') {
            addCounts(collection, { removed: await this.repo.markRemoved(table, ref.id, now) });
            return;
          }
          throw error;
        }
        if (table === 'clients') await this.relatedOf(run, [ref.id]);
        return;
      }
      case 'Encounter': {
        const visit = await this.client.encounters.get(ref.id);
        addCounts(run.counts.visits, {
          seen: 1,
          ...(await this.repo.saveVisit(visitFields(visit), run.id, now)),
        });
        return;
      }
      default:
        run.warnings.push(
          `ignored a ${ref.resourceType} notification: the mirror does not keep that resource`,
        );
    }
  }
}

function describe(error: unknown): string {
  if (isConnectError(error))
    return `${error.kind}${error.status ? ` (${error.status})` : ''}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
