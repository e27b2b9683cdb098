import { type Kysely, sql } from 'kysely';
import type { Database } from './types.ts';

/** What one claim got: `granted` requests in `slot`, which starts `startsInMs` from now (negative: begun). */
export interface SlotGrant {
  slot: number;
  granted: number;
  startsInMs: number;
  slotMs: number;
}

export interface BudgetUsage {
  /** Requests granted to all processes in the last whole seconds, newest last. */
  lastSeconds: number[];
  busiestSecond: number;
}

/** Slots per second: short enough that a claim never holds much, long enough that claims stay cheap. */
export const SLOTS_PER_SECOND = 10;
/**
 * Slots of each second that carry the budget; the rest of the second stays empty, so a request that
 * was held up on its way (a busy machine, a slow network: up to 200 ms) still lands in its own second
 * instead of piling onto the next one's.
 */
export const SENDING_SLOTS = 8;
export const SLOT_MS = 1000 / SLOTS_PER_SECOND;

/** What slot `slot` may grant: the sending slots' parts add up to the per-second budget exactly. */
export function slotCapacity(slot: number, perSecond: number, sendingSlots = SENDING_SLOTS): number {
  const i = slot % SLOTS_PER_SECOND;
  if (i >= sendingSlots) return 0;
  return Math.floor(((i + 1) * perSecond) / sendingSlots) - Math.floor((i * perSecond) / sendingSlots);
}

/**
 * A store's rate budget for one WellSky credential: time slots whose capacities add up to the budget per
 * second, claimed by every process that uses the store (see `BudgetRepo`, `LocalSlotBudget`).
 */
export interface StoreRateBudget {
  /** Where it is kept, for `doctor` and `/metrics`. */
  readonly where: string;
  /**
   * `postgres`: in the database, for every process; `embedded`: in this process, which holds the embedded
   * store and lends it (with this budget) to commands beside it; `borrowed`: a command beside the service.
   */
  readonly kind: 'postgres' | 'embedded' | 'borrowed';
  claim(credential: string, perSecond: number, want: number, fromSlot: number): Promise<SlotGrant>;
  usage(credential: string, seconds: number): Promise<BudgetUsage>;
}

/** The budget kept in PostgreSQL, as a store offers it; slots older than 2 min are dropped now and then. */
export function postgresRateBudget(db: Kysely<Database>): StoreRateBudget {
  const repo = new BudgetRepo(db);
  let claims = 0;
  return {
    where: 'PostgreSQL',
    kind: 'postgres',
    claim(credential, perSecond, want, fromSlot) {
      claims += 1;
      // Old slots only serve `usage`; about once a minute at full speed, drop what is older than 2 min.
      if (claims % 2000 === 0) void repo.prune(credential).catch(() => undefined);
      return repo.claim(credential, perSecond, want, fromSlot);
    },
    usage: (credential, seconds) => repo.usage(credential, seconds),
  };
}

/**
 * The shared rate budget in PostgreSQL. Slots are numbered by the database's clock, so processes on
 * different hosts agree on them without trusting their own clocks; each slot's capacity is its part of
 * the per-second budget (`slotCapacity`, the same rule in SQL).
 */
export class BudgetRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Claims up to `want` requests in the earliest slot at or after `fromSlot` (and not before now).
   * A full slot grants 0 and names itself, so the caller asks again from the next one.
   */
  async claim(credential: string, perSecond: number, want: number, fromSlot: number): Promise<SlotGrant> {
    const { rows } = await sql<{ slot: string; granted: number; now_ms: string }>`
      WITH clock AS (SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms),
      target AS (
        SELECT GREATEST(${fromSlot}::bigint, (ms / ${SLOT_MS})::bigint) AS slot, ms FROM clock
      ),
      capacity AS (
        SELECT slot, ms,
          CASE WHEN slot % ${SLOTS_PER_SECOND} >= ${SENDING_SLOTS} THEN 0
          ELSE (floor(((slot % ${SLOTS_PER_SECOND}) + 1) * ${perSecond}::numeric / ${SENDING_SLOTS})
            - floor((slot % ${SLOTS_PER_SECOND}) * ${perSecond}::numeric / ${SENDING_SLOTS}))::int END AS cap
        FROM target
      ),
      upsert AS (
        INSERT INTO rate_budget_slots (credential, slot, used, last_grant)
        SELECT ${credential}, slot, LEAST(${want}::int, cap), LEAST(${want}::int, cap) FROM capacity
        ON CONFLICT (credential, slot) DO UPDATE SET
          last_grant = GREATEST(0, LEAST(${want}::int, (SELECT cap FROM capacity) - rate_budget_slots.used)),
          used = GREATEST(rate_budget_slots.used,
            LEAST((SELECT cap FROM capacity), rate_budget_slots.used + ${want}::int))
        RETURNING slot, last_grant
      )
      SELECT upsert.slot::text AS slot, upsert.last_grant AS granted, (SELECT ms FROM clock)::text AS now_ms
      FROM upsert
    `.execute(this.db);
    const row = rows[0];
    if (!row) throw new Error('rate budget: the claim returned no row');
    const slot = Number(row.slot);
    return { slot, granted: row.granted, startsInMs: slot * SLOT_MS - Number(row.now_ms), slotMs: SLOT_MS };
  }

  /** Drops slots older than `keepSeconds` (they only serve `usage`). */
  async prune(credential: string, keepSeconds = 120): Promise<void> {
    await sql`
      DELETE FROM rate_budget_slots
      WHERE credential = ${credential}
        AND slot < (floor(extract(epoch FROM clock_timestamp()) * ${SLOTS_PER_SECOND}) - ${keepSeconds * SLOTS_PER_SECOND})::bigint
    `.execute(this.db);
  }

  /** What every process together was granted per whole second, over the last `seconds` seconds. */
  async usage(credential: string, seconds = 10): Promise<BudgetUsage> {
    const { rows } = await sql<{ second: string; granted: string }>`
      WITH now AS (SELECT floor(extract(epoch FROM clock_timestamp()))::bigint AS s)
      SELECT (slot / ${SLOTS_PER_SECOND} - now.s)::text AS second, sum(used)::text AS granted
      FROM rate_budget_slots, now
      WHERE credential = ${credential}
        AND slot >= (now.s - ${seconds}) * ${SLOTS_PER_SECOND} AND slot < now.s * ${SLOTS_PER_SECOND}
      GROUP BY 1
    `.execute(this.db);
    // `second` is relative: -1 is the last whole second.
    const bySecond = new Map(rows.map((r) => [Number(r.second), Number(r.granted)]));
    const lastSeconds = Array.from({ length: seconds }, (_, i) => bySecond.get(i - seconds) ?? 0);
    return { lastSeconds, busiestSecond: Math.max(0, ...lastSeconds) };
  }
}
