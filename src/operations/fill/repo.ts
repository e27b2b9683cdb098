import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type {
  CampaignState,
  FillCampaignRow,
  FillCampaignTable,
  FillOfferRow,
  OfferState,
} from '../../store/fill-types.ts';
import type { Database } from '../../store/types.ts';
import { checkCampaign, checkOffer, LIVE_CAMPAIGN, PENDING_OFFER, TransitionError } from './states.ts';

type Db = Kysely<Database> | Transaction<Database>;
type CampaignPatch = Omit<Updateable<FillCampaignTable>, 'id' | 'state'>;

export interface NewOffer {
  caregiverId: string;
  wave: number;
  rank: number;
  score: number;
  reason: string;
}

/**
 * The fill tables' one owner. Every state change goes through `moveCampaign` / `moveOffer`: the
 * transition is checked against states.ts, applied only from the state it was read in (a concurrent
 * change makes it a no-op, reported as false) and recorded in `fill_history` with its cause.
 */
export class FillRepo {
  constructor(
    readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /** Inserts the campaign unless one is open for the occurrence; returns the open one either way. */
  async insertCampaign(
    row: Omit<Insertable<FillCampaignTable>, 'id' | 'created_at' | 'updated_at' | 'state'>,
  ): Promise<{ campaign: FillCampaignRow; created: boolean }> {
    const now = this.now();
    const id = `fc_${randomUUID()}`;
    const inserted = await this.db
      .insertInto('fill_campaigns')
      .values({ ...row, id, state: 'open', created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['appointment_id', 'occurrence_start']).where('state', '=', 'open').doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      await this.history(this.db, id, null, null, 'open', `started (${row.origin})`);
      return { campaign: inserted, created: true };
    }
    const open = await this.db
      .selectFrom('fill_campaigns')
      .selectAll()
      .where('appointment_id', '=', row.appointment_id)
      .where('occurrence_start', '=', new Date(row.occurrence_start))
      .where('state', '=', 'open')
      .executeTakeFirstOrThrow();
    return { campaign: open, created: false };
  }

  campaign(id: string, db: Db = this.db): Promise<FillCampaignRow | undefined> {
    return db.selectFrom('fill_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The campaign, locked for the rest of the transaction (concurrent YESes queue here). */
  lockCampaign(trx: Transaction<Database>, id: string): Promise<FillCampaignRow | undefined> {
    return trx.selectFrom('fill_campaigns').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async campaigns(filter: { state?: CampaignState; limit?: number } = {}): Promise<FillCampaignRow[]> {
    let q = this.db.selectFrom('fill_campaigns').selectAll();
    if (filter.state) q = q.where('state', '=', filter.state);
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
  }

  offers(campaignId: string, db: Db = this.db): Promise<FillOfferRow[]> {
    return db
      .selectFrom('fill_offers')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .orderBy('wave')
      .orderBy('rank')
      .execute();
  }

  offer(id: string, db: Db = this.db): Promise<FillOfferRow | undefined> {
    return db.selectFrom('fill_offers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  historyOf(campaignId: string) {
    return this.db
      .selectFrom('fill_history')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .orderBy('id')
      .execute();
  }

  /** Offers still waiting for this caregiver's answer, in live campaigns, oldest first. */
  pendingFor(caregiverId: string) {
    return this.db
      .selectFrom('fill_offers as o')
      .innerJoin('fill_campaigns as c', 'c.id', 'o.campaign_id')
      .selectAll('o')
      .select(['c.shift', 'c.state as campaign_state'])
      .where('o.caregiver_id', '=', caregiverId)
      .where('o.state', 'in', [...PENDING_OFFER])
      .where('c.state', 'in', [...LIVE_CAMPAIGN])
      .orderBy('c.occurrence_start')
      .orderBy('o.id')
      .execute();
  }

  /** This caregiver's most recent offer in a campaign that ended (or that they already answered) since `since`. */
  recentClosed(caregiverId: string, since: Date) {
    return this.db
      .selectFrom('fill_offers as o')
      .innerJoin('fill_campaigns as c', 'c.id', 'o.campaign_id')
      .selectAll('o')
      .select(['c.shift', 'c.state as campaign_state', 'c.winner_caregiver_id'])
      .where('o.caregiver_id', '=', caregiverId)
      .where('o.updated_at', '>=', since)
      .orderBy('o.updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Filled campaigns this caregiver won whose shift has not started (a later "can't" backs out). */
  wonUpcoming(caregiverId: string, now: Date) {
    return this.db
      .selectFrom('fill_campaigns')
      .selectAll()
      .where('winner_caregiver_id', '=', caregiverId)
      .where('state', 'in', ['filled', 'accepted-unassigned'])
      .where('occurrence_start', '>', now)
      .orderBy('occurrence_start')
      .execute();
  }

  /**
   * Caregivers holding a shift through a fill (won, or being assigned) that overlaps [from, to), other than
   * campaign `except`'s. The mirror learns of a fill's assignment only at the next sync or webhook; until
   * then this is how a second campaign knows the winner is busy.
   */
  async committedDuring(
    from: Date,
    to: Date,
    except: string,
    db: Db = this.db,
  ): Promise<Map<string, { appointmentId: string; start: Date; end: Date }>> {
    const rows = await db
      .selectFrom('fill_campaigns')
      .select([
        'winner_caregiver_id',
        'accepting_caregiver_id',
        'appointment_id',
        'occurrence_start',
        'occurrence_end',
      ])
      .where('id', '!=', except)
      .where('occurrence_start', '<', to)
      .where('occurrence_end', '>', from)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('state', 'in', ['filled', 'accepted-unassigned']),
            eb('winner_caregiver_id', 'is not', null),
          ]),
          eb('accepting_caregiver_id', 'is not', null),
        ]),
      )
      .execute();
    const out = new Map<string, { appointmentId: string; start: Date; end: Date }>();
    for (const r of rows) {
      const who = r.accepting_caregiver_id ?? r.winner_caregiver_id;
      if (who)
        out.set(who, { appointmentId: r.appointment_id, start: r.occurrence_start, end: r.occurrence_end });
    }
    return out;
  }

  /** Campaigns with work due at `now`: a wave, an escalation, an expiry, or an acceptance whose lease ran out. */
  due(now: Date) {
    return this.db
      .selectFrom('fill_campaigns')
      .select(['id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'open'), eb('next_wave_at', '<=', now)]),
          eb.and([eb('state', '=', 'open'), eb('escalate_at', '<=', now)]),
          eb.and([eb('state', 'in', [...LIVE_CAMPAIGN]), eb('occurrence_start', '<=', now)]),
          eb.and([eb('accepting_caregiver_id', 'is not', null), eb('lease_until', '<=', now)]),
        ]),
      )
      .orderBy('occurrence_start')
      .execute();
  }

  /**
   * Offers recorded but never handed to messaging (a crash between the two): sent again, same key. A
   * queued offer may hold the id of an earlier text when it is offered again after a back-out.
   */
  unsent(olderThan: Date) {
    return this.db
      .selectFrom('fill_offers as o')
      .innerJoin('fill_campaigns as c', 'c.id', 'o.campaign_id')
      .select(['o.id', 'o.campaign_id'])
      .where('o.state', '=', 'queued')
      .where('o.updated_at', '<=', olderThan)
      .where('c.state', 'in', [...LIVE_CAMPAIGN])
      .execute();
  }

  async moveCampaign(
    db: Db,
    c: FillCampaignRow,
    to: CampaignState,
    cause: string,
    patch: CampaignPatch = {},
  ): Promise<boolean> {
    checkCampaign(c.state, to);
    const now = this.now();
    const done = await db
      .updateTable('fill_campaigns')
      .set({ ...patch, state: to, state_reason: cause, updated_at: now } as never)
      .where('id', '=', c.id)
      .where('state', '=', c.state)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await this.history(db, c.id, null, c.state, to, cause);
    return true;
  }

  async patchCampaign(db: Db, id: string, patch: CampaignPatch) {
    await db
      .updateTable('fill_campaigns')
      .set({ ...patch, updated_at: this.now() } as never)
      .where('id', '=', id)
      .execute();
  }

  async moveOffer(
    db: Db,
    o: FillOfferRow,
    to: OfferState,
    cause: string,
    patch: {
      message_id?: string | null;
      said_yes?: boolean;
      replied_at?: Date;
      clarifications?: number;
    } = {},
  ): Promise<boolean> {
    if (o.state === to) return false;
    checkOffer(o.state, to);
    const done = await db
      .updateTable('fill_offers')
      .set({ ...patch, state: to, state_reason: cause, updated_at: this.now() })
      .where('id', '=', o.id)
      .where('state', '=', o.state)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await this.history(db, o.campaign_id, o.id, o.state, to, cause);
    return true;
  }

  /**
   * `moveOffer` for many offers at once (withdrawing a wave's worth when the shift is filled): one UPDATE
   * per state they are in and one history INSERT, the rows in the order given. Returns the offers moved,
   * as they were before the move; one changed meanwhile is left out, as `moveOffer` would report false.
   */
  async moveOffers(db: Db, offers: FillOfferRow[], to: OfferState, cause: string): Promise<FillOfferRow[]> {
    const from = [...new Set(offers.filter((o) => o.state !== to).map((o) => o.state))];
    const moved = new Set<string>();
    for (const state of from) {
      checkOffer(state, to);
      const ids = offers.filter((o) => o.state === state).map((o) => o.id);
      const rows = await db
        .updateTable('fill_offers')
        .set({ state: to, state_reason: cause, updated_at: this.now() })
        .where('id', 'in', ids)
        .where('state', '=', state)
        .returning('id')
        .execute();
      for (const r of rows) moved.add(r.id);
    }
    const out = offers.filter((o) => moved.has(o.id));
    await this.histories(
      db,
      out.map((o) => ({ campaignId: o.campaign_id, offerId: o.id, from: o.state, to, cause })),
    );
    return out;
  }

  async patchOffer(
    db: Db,
    id: string,
    patch: { said_yes?: boolean; replied_at?: Date; clarifications?: number; message_id?: string },
  ) {
    await db
      .updateTable('fill_offers')
      .set({ ...patch, updated_at: this.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Records offers (state queued) unless the caregiver already has one in this campaign. */
  async insertOffers(db: Db, campaignId: string, offers: NewOffer[]): Promise<FillOfferRow[]> {
    if (offers.length === 0) return [];
    const now = this.now();
    const rows = await db
      .insertInto('fill_offers')
      .values(
        offers.map((o) => ({
          id: `fo_${randomUUID()}`,
          campaign_id: campaignId,
          caregiver_id: o.caregiverId,
          wave: o.wave,
          rank: o.rank,
          score: o.score,
          reason: o.reason,
          state: 'queued' as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['campaign_id', 'caregiver_id']).doNothing())
      .returningAll()
      .execute();
    await this.histories(
      db,
      rows.map((r) => ({ campaignId, offerId: r.id, from: null, to: 'queued', cause: `wave ${r.wave}` })),
    );
    return rows;
  }

  reply(messageId: string) {
    return this.db
      .selectFrom('fill_replies')
      .selectAll()
      .where('message_id', '=', messageId)
      .executeTakeFirst();
  }

  async saveReply(row: {
    messageId: string;
    caregiverId: string | null;
    intent: string;
    action: string;
    reply: string | null;
    options?: string[] | null;
  }): Promise<void> {
    await this.db
      .insertInto('fill_replies')
      .values({
        message_id: row.messageId,
        caregiver_id: row.caregiverId,
        intent: row.intent,
        action: row.action,
        reply: row.reply,
        options: row.options ? JSON.stringify(row.options) : null,
        at: this.now(),
      })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  }

  /** The latest unanswered "which one?" question put to this caregiver. */
  openQuestion(caregiverId: string) {
    return this.db
      .selectFrom('fill_replies')
      .selectAll()
      .where('caregiver_id', '=', caregiverId)
      .where('options', 'is not', null)
      .where('answered', '=', false)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async answerQuestion(messageId: string): Promise<void> {
    await this.db
      .updateTable('fill_replies')
      .set({ answered: true })
      .where('message_id', '=', messageId)
      .execute();
  }

  /** Several history rows in one INSERT (their ids follow the order given). */
  private async histories(
    db: Db,
    rows: { campaignId: string; offerId: string | null; from: string | null; to: string; cause: string }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const at = this.now();
    await db
      .insertInto('fill_history')
      .values(
        rows.map((r) => ({
          campaign_id: r.campaignId,
          offer_id: r.offerId,
          at,
          from_state: r.from,
          to_state: r.to,
          cause: r.cause,
        })),
      )
      .execute();
  }

  private async history(
    db: Db,
    campaignId: string,
    offerId: string | null,
    from: string | null,
    to: string,
    cause: string,
  ): Promise<void> {
    await db
      .insertInto('fill_history')
      .values({
        campaign_id: campaignId,
        offer_id: offerId,
        at: this.now(),
        from_state: from,
        to_state: to,
        cause,
      })
      .execute();
  }
}

export { TransitionError };
