import { randomUUID } from 'node:crypto';
import { sql, type Updateable } from 'kysely';
import type { IntakeKind, IntakeLink, IntakeLinksTable, LinkState, Store } from '../store/index.ts';
import type { IntakeEvent } from '../store/types.ts';
import { IntakeRequestError } from './errors.ts';

export interface LinkKey {
  source: string;
  externalId: string;
}

/** The intake's tables: the id map (with a lease per person), its history, and document bytes. */
export class IntakeRepo {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The row for this person, made on first sighting; a second kind for one id is refused. */
  async ensure(key: LinkKey, kind: IntakeKind, marker: string, requested: object): Promise<IntakeLink> {
    const now = this.clock();
    await this.store.db
      .insertInto('intake_links')
      .values({
        id: randomUUID(),
        source: key.source,
        external_id: key.externalId,
        kind,
        marker,
        state: 'new',
        wellsky_id: null,
        origin: null,
        applied: null,
        payload_hash: null,
        requested: JSON.stringify(requested),
        stage: null,
        hold_code: null,
        hold_reason: null,
        candidates: null,
        attempt_count: 0,
        attempt_started_at: null,
        claimed_by: null,
        claim_expires_at: null,
        created_at: now,
        updated_at: now,
      })
      // No conflict target: a concurrent insert can collide on the marker index as well as on the key.
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await this.find(key);
    if (!row) throw new Error(`intake: ${key.source}/${key.externalId} vanished after insert`);
    if (row.kind !== kind) {
      throw new IntakeRequestError(
        `${key.source}/${key.externalId} is already known as an ${row.kind}, not a ${kind}; use another id`,
        'externalId',
        409,
      );
    }
    return row;
  }

  find(key: LinkKey): Promise<IntakeLink | undefined> {
    return this.store.db
      .selectFrom('intake_links')
      .selectAll()
      .where('source', '=', key.source)
      .where('external_id', '=', key.externalId)
      .executeTakeFirst();
  }

  /** Take the person's lease; undefined while another caller holds a live one. */
  claim(id: string, holder: string, leaseMs: number): Promise<IntakeLink | undefined> {
    const now = this.clock();
    return this.store.db
      .updateTable('intake_links')
      .set({ claimed_by: holder, claim_expires_at: new Date(now.getTime() + leaseMs) })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  async release(id: string, holder: string): Promise<void> {
    await this.store.db
      .updateTable('intake_links')
      .set({ claimed_by: null, claim_expires_at: null })
      .where('id', '=', id)
      .where('claimed_by', '=', holder)
      .execute();
  }

  /**
   * Recorded (committed) before the create is sent: if the answer is lost or the process dies, the row
   * says a create may exist, and the next call looks for its marker before creating again.
   */
  async beginCreate(link: IntakeLink, holder: string): Promise<IntakeLink> {
    return this.change(link.id, holder, {
      set: { state: 'creating', attempt_count: link.attempt_count + 1, attempt_started_at: this.clock() },
      event: { action: 'attempt', detail: 'create about to be sent to WellSky' },
    });
  }

  /** The create certainly did not happen (WellSky refused it before acting): back to `new`. */
  async createNotMade(id: string, holder: string, detail: string): Promise<IntakeLink> {
    return this.change(id, holder, {
      set: { state: 'new', attempt_started_at: null },
      event: { action: 'error', detail },
    });
  }

  async linked(
    id: string,
    holder: string,
    outcome: {
      wellskyId: string;
      origin: 'created' | 'matched' | 'chosen';
      applied: object;
      hash: string;
      stage: string;
      action: string;
      detail?: string;
      requested: object;
    },
  ): Promise<IntakeLink> {
    return this.change(id, holder, {
      set: {
        state: 'linked',
        wellsky_id: outcome.wellskyId,
        origin: outcome.origin,
        applied: JSON.stringify(outcome.applied),
        payload_hash: outcome.hash,
        requested: JSON.stringify(outcome.requested),
        stage: outcome.stage,
        attempt_started_at: null,
        hold_code: null,
        hold_reason: null,
        candidates: null,
      },
      event: { action: outcome.action, wellskyId: outcome.wellskyId, detail: outcome.detail ?? null },
    });
  }

  async noted(
    id: string,
    holder: string,
    action: string,
    requested: object,
    detail?: string,
  ): Promise<IntakeLink> {
    return this.change(id, holder, {
      set: { requested: JSON.stringify(requested) },
      event: { action, detail: detail ?? null },
    });
  }

  async held(
    id: string,
    holder: string,
    hold: { code: string; reason: string; candidates?: object[]; requested: object },
  ): Promise<IntakeLink> {
    return this.change(id, holder, {
      set: {
        state: 'held',
        hold_code: hold.code,
        hold_reason: hold.reason,
        candidates: hold.candidates ? JSON.stringify(hold.candidates) : null,
        requested: JSON.stringify(hold.requested),
        attempt_started_at: null,
      },
      event: { action: 'held', detail: hold.reason },
    });
  }

  /** A person decided a held item: back to `new` (create or match again) with the decision recorded. */
  async reopen(id: string, holder: string, detail: string): Promise<IntakeLink> {
    return this.change(id, holder, {
      set: { state: 'new', hold_code: null, hold_reason: null, candidates: null },
      event: { action: 'reopened', detail },
    });
  }

  async list(filter: { state?: LinkState; kind?: IntakeKind; limit?: number } = {}): Promise<IntakeLink[]> {
    let query = this.store.db.selectFrom('intake_links').selectAll();
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    return query
      .orderBy(sql`CASE state WHEN 'held' THEN 0 WHEN 'creating' THEN 1 ELSE 2 END`)
      .orderBy('updated_at', 'desc')
      .limit(Math.max(1, Math.min(filter.limit ?? 50, 500)))
      .execute();
  }

  events(id: string): Promise<IntakeEvent[]> {
    return this.store.db
      .selectFrom('intake_events')
      .selectAll()
      .where('link_id', '=', id)
      .orderBy('id')
      .execute();
  }

  /** One change of the row and its history line, in one transaction, only by the lease holder. */
  private change(
    id: string,
    holder: string,
    spec: {
      set: Updateable<IntakeLinksTable>;
      event: { action: string; wellskyId?: string | null; detail?: string | null };
    },
  ): Promise<IntakeLink> {
    const now = this.clock();
    return this.store.transaction(async (trx) => {
      const row = await trx
        .updateTable('intake_links')
        .set({ ...spec.set, updated_at: now })
        .where('id', '=', id)
        .where('claimed_by', '=', holder)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new Error(`intake: ${holder} no longer holds the lease on ${id}`);
      await trx
        .insertInto('intake_events')
        .values({
          link_id: id,
          at: now,
          action: spec.event.action,
          wellsky_id: spec.event.wellskyId ?? row.wellsky_id,
          detail: spec.event.detail ?? null,
          actor: holder,
        })
        .execute();
      return row;
    });
  }
}
