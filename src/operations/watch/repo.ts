import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  ConfirmationState,
  Database,
  WatchActionRow,
  WatchActionState,
  WatchConfirmationRow,
  WatchRule,
} from '../../store/index.ts';

export interface NewWatchAction {
  key: string;
  rule: WatchRule;
  reason: string;
  appointmentId?: string | null;
  occurrenceStart?: Date | null;
  caregiverId?: string | null;
  clientId?: string | null;
  detail?: Record<string, unknown>;
  /** Recorded as done at once (a late report, an answer): no outside call follows. */
  state?: WatchActionState;
  outcome?: string;
}

export interface ActionOutcome {
  state: Exclude<WatchActionState, 'intended'>;
  outcome: string;
  messageId?: string | null;
  itemId?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * The watch's tables (migration 0010). Intent first: `claim` writes the row before anything leaves and
 * reports whether this caller made it; the UNIQUE dedup key is what makes each action happen once.
 */
export class WatchRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(action: NewWatchAction, now: Date): Promise<{ row: WatchActionRow; created: boolean }> {
    const inserted = await this.db
      .insertInto('watch_actions')
      .values({
        id: `wa_${randomUUID()}`,
        dedup_key: action.key,
        rule: action.rule,
        state: action.state ?? 'intended',
        appointment_id: action.appointmentId ?? null,
        occurrence_start: action.occurrenceStart ?? null,
        caregiver_id: action.caregiverId ?? null,
        client_id: action.clientId ?? null,
        reason: action.reason,
        outcome: action.outcome ?? null,
        detail: JSON.stringify(action.detail ?? {}),
        acted_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { row: inserted, created: true };
    const existing = await this.db
      .selectFrom('watch_actions')
      .selectAll()
      .where('dedup_key', '=', action.key)
      .executeTakeFirstOrThrow();
    return { row: existing, created: false };
  }

  /** Records the outcome of an intended action; only an 'intended' row changes (one outcome each). */
  async finish(id: string, result: ActionOutcome, now: Date): Promise<WatchActionRow | undefined> {
    return this.db
      .updateTable('watch_actions')
      .set({
        state: result.state,
        outcome: result.outcome,
        message_id: result.messageId ?? null,
        item_id: result.itemId ?? null,
        ...(result.detail ? { detail: JSON.stringify(result.detail) } : {}),
        acted_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('state', '=', 'intended')
      .returningAll()
      .executeTakeFirst();
  }

  /** A later fact about a recorded action (the caregiver updated their minutes late, the note's item). */
  async update(
    id: string,
    change: { detail?: Record<string, unknown>; itemId?: string; outcome?: string },
    now: Date,
  ): Promise<void> {
    await this.db
      .updateTable('watch_actions')
      .set({
        ...(change.detail ? { detail: JSON.stringify(change.detail) } : {}),
        ...(change.itemId ? { item_id: change.itemId } : {}),
        ...(change.outcome ? { outcome: change.outcome } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async byKey(key: string): Promise<WatchActionRow | undefined> {
    return this.db.selectFrom('watch_actions').selectAll().where('dedup_key', '=', key).executeTakeFirst();
  }

  async byKeys(keys: string[]): Promise<Map<string, WatchActionRow>> {
    const out = new Map<string, WatchActionRow>();
    for (let i = 0; i < keys.length; i += 1000) {
      const rows = await this.db
        .selectFrom('watch_actions')
        .selectAll()
        .where('dedup_key', 'in', keys.slice(i, i + 1000))
        .execute();
      for (const r of rows) out.set(r.dedup_key, r);
    }
    return out;
  }

  async ofRule(rule: WatchRule, from: Date, to: Date): Promise<WatchActionRow[]> {
    return this.db
      .selectFrom('watch_actions')
      .selectAll()
      .where('rule', '=', rule)
      .where('acted_at', '>=', from)
      .where('acted_at', '<', to)
      .orderBy('acted_at')
      .execute();
  }

  async between(from: Date, to: Date, limit = 500): Promise<WatchActionRow[]> {
    return this.db
      .selectFrom('watch_actions')
      .selectAll()
      .where('acted_at', '>=', from)
      .where('acted_at', '<', to)
      .orderBy('acted_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Actions about these occurrences, keyed `appointmentId@startISO`. */
  async forShifts(keys: { appointmentId: string; start: Date }[]): Promise<Map<string, WatchActionRow[]>> {
    const out = new Map<string, WatchActionRow[]>();
    const ids = [...new Set(keys.map((k) => k.appointmentId))];
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await this.db
        .selectFrom('watch_actions')
        .selectAll()
        .where('appointment_id', 'in', ids.slice(i, i + 1000))
        .orderBy('acted_at')
        .execute();
      for (const r of rows) {
        if (!r.occurrence_start) continue;
        const k = `${r.appointment_id}@${r.occurrence_start.toISOString()}`;
        out.set(k, [...(out.get(k) ?? []), r]);
      }
    }
    return out;
  }

  /** Actions still 'intended' (a crash between the intent and the outcome): finished on the next tick. */
  async unfinished(olderThan: Date): Promise<WatchActionRow[]> {
    return this.db
      .selectFrom('watch_actions')
      .selectAll()
      .where('state', '=', 'intended')
      .where('created_at', '<=', olderThan)
      .execute();
  }

  // Confirmations -------------------------------------------------------------------------------------

  async addConfirmations(
    rows: {
      appointmentId: string;
      start: Date;
      caregiverId: string;
      clientId: string;
      day: string;
      position: number;
    }[],
    now: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('watch_confirmations')
      .values(
        rows.map((r) => ({
          appointment_id: r.appointmentId,
          occurrence_start: r.start,
          caregiver_id: r.caregiverId,
          client_id: r.clientId,
          day: r.day,
          position: r.position,
          state: 'pending' as const,
          requested_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['appointment_id', 'occurrence_start', 'caregiver_id']).doNothing())
      .execute();
  }

  /** The caregiver's confirmations still waiting for an answer, for shifts not yet started. */
  async awaiting(caregiverId: string, now: Date): Promise<WatchConfirmationRow[]> {
    return this.db
      .selectFrom('watch_confirmations')
      .selectAll()
      .where('caregiver_id', '=', caregiverId)
      .where('state', 'in', ['pending', 'unanswered'])
      .where('occurrence_start', '>', now)
      .orderBy('occurrence_start')
      .execute();
  }

  async answer(
    row: Pick<WatchConfirmationRow, 'appointment_id' | 'occurrence_start' | 'caregiver_id'>,
    state: Extract<ConfirmationState, 'confirmed' | 'declined'>,
    now: Date,
    callOutId?: string,
  ): Promise<void> {
    await this.db
      .updateTable('watch_confirmations')
      .set({ state, answered_at: now, updated_at: now, ...(callOutId ? { call_out_id: callOutId } : {}) })
      .where('appointment_id', '=', row.appointment_id)
      .where('occurrence_start', '=', row.occurrence_start)
      .where('caregiver_id', '=', row.caregiver_id)
      .execute();
  }

  /** Past the deadline: still-pending confirmations of that day become 'unanswered' (shown to the office). */
  async markUnanswered(day: string, now: Date): Promise<number> {
    const result = await this.db
      .updateTable('watch_confirmations')
      .set({ state: 'unanswered', updated_at: now })
      .where('day', '=', day)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async confirmationsOn(fromDay: string, toDay: string): Promise<WatchConfirmationRow[]> {
    return this.db
      .selectFrom('watch_confirmations')
      .selectAll()
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('occurrence_start')
      .execute();
  }

  // Lease ---------------------------------------------------------------------------------------------

  /**
   * Take or renew the lease: free, expired, or already ours. One statement, so two workers racing for
   * an expired lease cannot both win (the row lock serialises the conditional update).
   */
  async lease(holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const row = await this.db
      .insertInto('watch_lease')
      .values({ name: 'watch', holder, expires_at: new Date(now.getTime() + ttlMs) })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: new Date(now.getTime() + ttlMs) })
          .where((eb) =>
            eb.or([eb('watch_lease.holder', '=', holder), eb('watch_lease.expires_at', '<', now)]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async release(holder: string): Promise<void> {
    await this.db
      .deleteFrom('watch_lease')
      .where('name', '=', 'watch')
      .where('holder', '=', holder)
      .execute();
  }
}
