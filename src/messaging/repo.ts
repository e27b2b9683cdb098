import { randomUUID } from 'node:crypto';
import { type Selectable, sql, type Transaction, type Updateable } from 'kysely';
import type {
  InboundMessagesTable,
  InboundState,
  MessageState,
  MessageTransitionsTable,
  OutboundMessagesTable,
} from '../store/messaging-types.ts';
import type { Store } from '../store/store.ts';
import type { Database } from '../store/types.ts';
import { canMove } from './states.ts';

export type OutboundMessage = Selectable<OutboundMessagesTable>;
export type InboundMessage = Selectable<InboundMessagesTable>;
export type MessageTransition = Selectable<MessageTransitionsTable>;

export interface NewOutbound {
  key: string;
  toPhone: string;
  body: string;
  purpose: string;
  refs: Record<string, string>;
  urgent: boolean;
  channel: string;
  state: 'queued' | 'not-sent';
  reason: string | null;
  notBefore: Date;
}

export interface MessageListOptions {
  phone?: string;
  since?: Date;
  limit?: number;
}

/** Guard of a move: only the worker holding the claim may record an attempt's outcome. */
type Holder = { workerId: string } | { anyone: true };

/**
 * The messaging tables (outbox, transitions, inbox, opt-outs). Every change of an outgoing message's
 * state goes through `move`, which locks the row, refuses a backward move and writes the history row
 * in the same transaction.
 */
export class MessagingRepo {
  constructor(private readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  // ---- outbox -------------------------------------------------------------------------------------

  async insertOutbound(
    input: NewOutbound,
    now: Date,
  ): Promise<{ message: OutboundMessage; created: boolean }> {
    // No look-up first: the caller (`Messaging.send`) has just made it, and a key stored meanwhile is
    // found by the conflict below.
    return this.store.transaction(async (trx) => {
      const inserted = await trx
        .insertInto('outbound_messages')
        .values({
          id: `msg_${randomUUID()}`,
          key: input.key,
          to_phone: input.toPhone,
          body: input.body,
          purpose: input.purpose,
          refs: JSON.stringify(input.refs),
          urgent: input.urgent,
          state: input.state,
          reason: input.reason,
          channel: input.channel,
          not_before: input.notBefore,
          created_at: now,
          updated_at: now,
          final_at: input.state === 'not-sent' ? now : null,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) {
        const winner = await trx
          .selectFrom('outbound_messages')
          .selectAll()
          .where('key', '=', input.key)
          .executeTakeFirst();
        if (!winner) throw new Error(`messaging: key conflicted but no message was found (${input.key})`);
        return { message: winner, created: false };
      }
      await trx
        .insertInto('message_transitions')
        .values({
          message_id: inserted.id,
          at: now,
          from_state: null,
          to_state: inserted.state,
          cause: input.reason ?? 'stored',
        })
        .execute();
      return { message: inserted, created: true };
    });
  }

  get(id: string): Promise<OutboundMessage | undefined> {
    return this.db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByKey(key: string): Promise<OutboundMessage | undefined> {
    return this.db.selectFrom('outbound_messages').selectAll().where('key', '=', key).executeTakeFirst();
  }

  byProviderId(channel: string, providerMessageId: string): Promise<OutboundMessage | undefined> {
    return this.db
      .selectFrom('outbound_messages')
      .selectAll()
      .where('channel', '=', channel)
      .where('provider_message_id', '=', providerMessageId)
      .executeTakeFirst();
  }

  history(id: string): Promise<MessageTransition[]> {
    return this.db
      .selectFrom('message_transitions')
      .selectAll()
      .where('message_id', '=', id)
      .orderBy('id')
      .execute();
  }

  listOutbound(options: MessageListOptions = {}): Promise<OutboundMessage[]> {
    let query = this.db.selectFrom('outbound_messages').selectAll();
    if (options.phone) query = query.where('to_phone', '=', options.phone);
    if (options.since) query = query.where('created_at', '>=', options.since);
    return query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(clampLimit(options.limit))
      .execute();
  }

  /**
   * Claim up to `limit` queued messages that are due, or exactly `ids`. One statement, as the
   * documentation worker does: FOR UPDATE SKIP LOCKED, so no message is handed to two live claims.
   */
  claimDue(
    workerId: string,
    options: { limit: number; leaseMs: number; now: Date; ids?: string[] },
  ): Promise<OutboundMessage[]> {
    if (options.ids && options.ids.length === 0) return Promise.resolve([]);
    const { now } = options;
    let due = this.db
      .selectFrom('outbound_messages')
      .select('id')
      .where('state', '=', 'queued')
      .where('not_before', '<=', now)
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', now)]))
      .orderBy('not_before')
      .limit(options.limit)
      .forUpdate()
      .skipLocked();
    if (options.ids) due = due.where('id', 'in', options.ids);
    return this.db
      .updateTable('outbound_messages')
      .set({ claimed_by: workerId, claim_expires_at: new Date(now.getTime() + options.leaseMs) })
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  /** Recorded before the provider is called: a crash after this leaves `attempt_started_at` set. */
  async beginAttempt(id: string, workerId: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('outbound_messages')
      .set({ attempts: sql`attempts + 1`, attempt_started_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .where('claimed_by', '=', workerId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Try again later (backoff or a quiet-hours deferral found at send time): the claim is given back. */
  async reschedule(
    id: string,
    workerId: string,
    notBefore: Date,
    reason: string,
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('outbound_messages')
      .set({
        not_before: notBefore,
        reason,
        attempt_started_at: null,
        claimed_by: null,
        claim_expires_at: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .where('claimed_by', '=', workerId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * The one place an outgoing message changes state. Refuses (returns the row unchanged, moved=false)
   * any move `states.ts` does not allow, so a late or repeated status can never move it backwards.
   */
  move(
    id: string,
    to: MessageState,
    options: {
      cause: string;
      now: Date;
      holder: Holder;
      set?: Updateable<OutboundMessagesTable>;
      /** A second move known at once (a channel that reports delivery with the hand-over): the same
       *  two transitions as two calls, in one transaction and one UPDATE. */
      andThen?: { to: MessageState; cause: string };
    },
  ): Promise<{ message: OutboundMessage | undefined; moved: boolean }> {
    return this.store.transaction(async (trx) => {
      const row = await trx
        .selectFrom('outbound_messages')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return { message: undefined, moved: false };
      if ('workerId' in options.holder && row.claimed_by !== options.holder.workerId) {
        return { message: row, moved: false };
      }
      if (!canMove(row.state, to)) {
        if (options.set) await this.patch(trx, id, options.set, options.now);
        return { message: row, moved: false };
      }
      const second = options.andThen && canMove(to, options.andThen.to) ? options.andThen : undefined;
      const last = second?.to ?? to;
      const final = last !== 'queued' && last !== 'sent';
      const updated = await trx
        .updateTable('outbound_messages')
        .set({
          ...options.set,
          state: last,
          updated_at: options.now,
          attempt_started_at: null,
          claimed_by: null,
          claim_expires_at: null,
          ...(to === 'sent' || (to === 'delivered' && row.sent_at === null) ? { sent_at: options.now } : {}),
          ...(final ? { final_at: options.now } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('message_transitions')
        .values([
          { message_id: id, at: options.now, from_state: row.state, to_state: to, cause: options.cause },
          ...(second
            ? [{ message_id: id, at: options.now, from_state: to, to_state: second.to, cause: second.cause }]
            : []),
        ])
        .execute();
      return { message: updated, moved: true };
    });
  }

  /** Facts that are not a state (a provider id learned late); never changes the state. */
  private async patch(
    trx: Transaction<Database>,
    id: string,
    set: Updateable<OutboundMessagesTable>,
    now: Date,
  ): Promise<void> {
    const { provider_message_id } = set;
    if (provider_message_id === undefined) return;
    await trx
      .updateTable('outbound_messages')
      .set({ provider_message_id, updated_at: now })
      .where('id', '=', id)
      .where('provider_message_id', 'is', null)
      .execute();
  }

  // ---- inbox --------------------------------------------------------------------------------------

  async insertInbound(
    input: { provider: string; providerMessageId: string; fromPhone: string; body: string },
    workerId: string,
    leaseMs: number,
    now: Date,
  ): Promise<{ message: InboundMessage; created: boolean }> {
    // Inserted already claimed by the receiver, so the processor's sweep does not race it.
    const inserted = await this.db
      .insertInto('inbound_messages')
      .values({
        id: `in_${randomUUID()}`,
        provider: input.provider,
        provider_message_id: input.providerMessageId,
        from_phone: input.fromPhone,
        body: input.body,
        state: 'received',
        claimed_by: workerId,
        claim_expires_at: new Date(now.getTime() + leaseMs),
        received_at: now,
      })
      .onConflict((oc) => oc.column('provider_message_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { message: inserted, created: true };
    const existing = await this.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('provider_message_id', '=', input.providerMessageId)
      .executeTakeFirstOrThrow();
    return { message: existing, created: false };
  }

  getInbound(id: string): Promise<InboundMessage | undefined> {
    return this.db.selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** `received` messages nobody is working on (left by a crash, or stored by another process). */
  claimReceived(
    workerId: string,
    options: { limit: number; leaseMs: number; now: Date },
  ): Promise<InboundMessage[]> {
    const { now } = options;
    const due = this.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('state', '=', 'received')
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', now)]))
      .orderBy('received_at')
      .limit(options.limit)
      .forUpdate()
      .skipLocked();
    return this.db
      .updateTable('inbound_messages')
      .set({ claimed_by: workerId, claim_expires_at: new Date(now.getTime() + options.leaseMs) })
      .where('id', 'in', due)
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => Number(a.received_at) - Number(b.received_at)));
  }

  async completeInbound(
    id: string,
    workerId: string,
    outcome: {
      state: Exclude<InboundState, 'received'>;
      action: string | null;
      replyMessageId: string | null;
    },
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('inbound_messages')
      .set({
        state: outcome.state,
        action: outcome.action,
        reply_message_id: outcome.replyMessageId,
        processed_at: now,
        claimed_by: null,
        claim_expires_at: null,
      })
      .where('id', '=', id)
      .where('state', '=', 'received')
      .where('claimed_by', '=', workerId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  listInbound(options: MessageListOptions = {}): Promise<InboundMessage[]> {
    let query = this.db.selectFrom('inbound_messages').selectAll();
    if (options.phone) query = query.where('from_phone', '=', options.phone);
    if (options.since) query = query.where('received_at', '>=', options.since);
    return query
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(clampLimit(options.limit))
      .execute();
  }

  // ---- opt-outs -----------------------------------------------------------------------------------

  async setOptOut(
    phone: string,
    optedOut: boolean,
    keyword: string,
    inboundMessageId: string | null,
    now: Date,
  ): Promise<void> {
    await this.db
      .insertInto('opt_outs')
      .values({ phone, opted_out: optedOut, keyword, inbound_message_id: inboundMessageId, updated_at: now })
      .onConflict((oc) =>
        oc.column('phone').doUpdateSet({
          opted_out: optedOut,
          keyword,
          inbound_message_id: inboundMessageId,
          updated_at: now,
        }),
      )
      .execute();
  }

  async isOptedOut(phone: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('opt_outs')
      .select('opted_out')
      .where('phone', '=', phone)
      .executeTakeFirst();
    return row?.opted_out ?? false;
  }
}

function clampLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(limit ?? 50, 500));
}
