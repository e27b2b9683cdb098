import { DateTime } from 'luxon';
import { z } from 'zod';
import type { ConnectClient } from '../connect/index.ts';
import type { Store } from '../store/index.ts';
import type { RequestMeter } from './meter.ts';
import { shiftFields, visitFields } from './normalize.ts';
import { runPool } from './pool.ts';
import { MirrorRepo } from './repo.ts';
import { daysWindow } from './window.ts';

const MINUTE = 60_000;

/** The freshness tier's settings (issue #10 §1). */
export interface NearTermSettings {
  /** The next 48 h of every active client's schedule is re-read before it is this old. Default 10. */
  staleMinutes: number;
  /** Share of the client's rate budget the tier may use; the rest stays for interactive calls and delivery. */
  budgetShare: number;
  /** Caregivers whose shift started within this many hours (and has no visit yet, or an open one). */
  visitLookbackHours: number;
  /** Those caregivers' visits are re-read at most this often, so a clock-in is seen before the checks. */
  visitEveryMinutes: number;
  concurrency: number;
}

export const DEFAULT_NEAR_TERM: NearTermSettings = {
  staleMinutes: 10,
  budgetShare: 0.5,
  visitLookbackHours: 6,
  visitEveryMinutes: 2,
  concurrency: 8,
};

const Env = z.object({
  SKYBRIDGE_NEAR_TERM_STALE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  SKYBRIDGE_NEAR_TERM_BUDGET_SHARE: z.coerce
    .number()
    .gt(0, 'a share above 0, e.g. 0.5 or 50%')
    .max(100)
    .transform((v) => (v > 1 ? v / 100 : v))
    .optional(),
});

/** `SKYBRIDGE_NEAR_TERM_*` → settings: the share may be written 0.5 or 50 (or 50%). */
export function nearTermFromEnv(env: NodeJS.ProcessEnv): NearTermSettings {
  const picked: Record<string, string> = {};
  for (const k of Object.keys(Env.shape)) {
    const v = env[k]?.trim().replace(/%$/, '');
    if (v) picked[k] = v;
  }
  const parsed = Env.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(`${String(issue.path[0])}: ${issue.message}`);
  }
  return {
    ...DEFAULT_NEAR_TERM,
    staleMinutes: parsed.data.SKYBRIDGE_NEAR_TERM_STALE_MINUTES ?? DEFAULT_NEAR_TERM.staleMinutes,
    budgetShare: parsed.data.SKYBRIDGE_NEAR_TERM_BUDGET_SHARE ?? DEFAULT_NEAR_TERM.budgetShare,
  };
}

export interface NearTermReport {
  at: string;
  /** Requests this pass may spend: share × rate × time since the last pass. */
  allowance: number;
  requests: number;
  clientsRead: number;
  caregiversRead: number;
  /** Active clients whose next 48 h is older than the setting after this pass (0 when on time). */
  clientsStale: number;
  /** The oldest near-term read among active clients after this pass, in minutes. */
  oldestMinutes: number;
  errors: number;
}

/**
 * The near-term freshness tier. Shifts have no `updated` filter and no webhook, so the only way to keep
 * the next 48 h fresh is to re-read each client's window; this does it stalest-first, each pass spending
 * at most its share of the rate budget, after first re-reading the visits of shifts that started
 * recently (what the watch checks at +10 min). What was read when is kept in memory: after a restart
 * everything counts as stale from the last whole sync, which costs one catch-up, never a wrong answer.
 */
export class NearTermRefresher {
  readonly settings: NearTermSettings;
  private readonly repo: MirrorRepo;
  private readonly clientRead = new Map<string, number>();
  private readonly caregiverRead = new Map<string, number>();
  private lastPass: number | undefined;
  private running: Promise<NearTermReport> | undefined;

  constructor(
    private readonly o: {
      client: ConnectClient;
      store: Store;
      meter?: RequestMeter | undefined;
      settings?: Partial<NearTermSettings>;
      timezone?: string;
      now?: () => Date;
    },
  ) {
    this.settings = { ...DEFAULT_NEAR_TERM, ...o.settings };
    this.repo = new MirrorRepo(o.store.db);
  }

  private get zone(): string {
    return this.o.timezone ?? this.o.client.config.timezone;
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** One pass; passes never overlap (a slow one is joined, not doubled). */
  refresh(): Promise<NearTermReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<NearTermReport> {
    const now = this.now();
    const t = now.getTime();
    const s = this.settings;
    const rate = this.o.client.governor.ratePerSecond;
    // The first pass may spend one staleness period's worth: that is the catch-up after a start.
    const elapsed = this.lastPass === undefined ? s.staleMinutes * MINUTE : Math.max(0, t - this.lastPass);
    this.lastPass = t;
    const allowance = Math.floor((s.budgetShare * rate * elapsed) / 1000);
    const before = this.o.meter?.requests;
    let spent = 0;
    let errors = 0;
    const runId = (await this.repo.lastRun(['full', 'incremental']))?.id ?? 0;
    const baseline = (await this.repo.getState('shifts'))?.cursor?.getTime() ?? 0;

    // 1. Visits of shifts that started recently without a visit (or with an open one): the watch's checks.
    const caregivers = (await this.recentCaregivers(now)).filter(
      (id) => t - (this.caregiverRead.get(id) ?? 0) >= s.visitEveryMinutes * MINUTE,
    );
    const visitBatch = caregivers.slice(0, Math.max(0, Math.floor(allowance / 2)));
    const today = DateTime.fromJSDate(now, { zone: this.zone });
    const visitDays = daysWindow(
      today.minus({ hours: s.visitLookbackHours }).toISODate()!,
      today.toISODate()!,
      this.zone,
    );
    await runPool(visitBatch, s.concurrency, async (caregiverId) => {
      spent += 1;
      try {
        const rows = [];
        for await (const e of this.o.client.encounters.search({
          caregiverId,
          from: visitDays.from,
          to: visitDays.to,
        }))
          rows.push(visitFields(e));
        await this.repo.saveVisitWindow(
          { caregiverId },
          visitDays.fromUtc,
          visitDays.toUtc,
          rows,
          runId,
          this.now(),
        );
        this.caregiverRead.set(caregiverId, t);
      } catch {
        errors += 1;
      }
    });

    // 2. The next 48 h of the stalest clients, within what is left of the allowance. A window of three
    // local days covers 48 h from any hour; it is one request unless it crosses a month.
    const clients = await this.repo.personIds('clients', { kind: 'client', active: true });
    const due = clients
      .map((id) => ({ id, at: this.clientRead.get(id) ?? baseline }))
      .filter((c) => t - c.at >= (s.staleMinutes - 1) * MINUTE)
      .sort((a, b) => a.at - b.at);
    const window = daysWindow(today.toISODate()!, today.plus({ days: 2 }).toISODate()!, this.zone);
    const perClient = window.from.slice(0, 7) === window.to.slice(0, 7) ? 1 : 2;
    const batch = due.slice(0, Math.max(0, Math.floor((allowance - spent) / perClient)));
    await runPool(batch, s.concurrency, async ({ id: clientId }) => {
      spent += perClient;
      try {
        const rows = [];
        for await (const a of this.o.client.appointments.list({ clientId, from: window.from, to: window.to }))
          rows.push(shiftFields(a));
        await this.repo.saveShiftWindow({ clientId }, window.fromUtc, window.toUtc, rows, runId, this.now());
        this.clientRead.set(clientId, t);
      } catch {
        errors += 1;
      }
    });

    let oldest = 0;
    let stale = 0;
    for (const id of clients) {
      const age = t - (this.clientRead.get(id) ?? baseline);
      oldest = Math.max(oldest, age);
      if (age > s.staleMinutes * MINUTE) stale += 1;
    }
    const requests = before === undefined || !this.o.meter ? spent : this.o.meter.requests - before;
    return {
      at: now.toISOString(),
      allowance,
      requests,
      clientsRead: batch.length,
      caregiversRead: visitBatch.length,
      clientsStale: stale,
      oldestMinutes: Math.round(oldest / MINUTE),
      errors,
    };
  }

  /** Caregivers of shifts started in the lookback that have no visit yet or an open one. */
  private async recentCaregivers(now: Date): Promise<string[]> {
    const db = this.o.store.db;
    const from = new Date(now.getTime() - this.settings.visitLookbackHours * 60 * MINUTE);
    const shifts = await db
      .selectFrom('shifts')
      .select(['appointment_id', 'start_at', 'end_at', 'caregiver_id'])
      .where('removed_at', 'is', null)
      .where('caregiver_id', 'is not', null)
      .where('start_at', '>=', from)
      .where('start_at', '<=', now)
      .execute();
    if (shifts.length === 0) return [];
    const visits = await db
      .selectFrom('visits')
      .select(['appointment_id', 'clock_in_at', 'clock_out_at'])
      .where('removed_at', 'is', null)
      .where('clock_in_at', '>=', new Date(from.getTime() - 3 * 60 * MINUTE))
      .execute();
    const done = new Set(visits.filter((v) => v.clock_out_at !== null).map((v) => `${v.appointment_id}`));
    const ids = new Set<string>();
    for (const s of shifts) {
      // A shift whose visit is closed needs nothing more; one that ended long ago is the office's now.
      if (done.has(s.appointment_id)) continue;
      ids.add(s.caregiver_id!);
    }
    return [...ids].sort();
  }
}
