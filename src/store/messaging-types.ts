import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<Record<string, string>, string, string>;
/** A nullable column that may be left out of an insert. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;
type Counter = ColumnType<number, number | undefined, number>;

/** An outgoing text's life: `queued → sent → delivered | failed | not-sent`, never backwards. */
export const MESSAGE_STATES = ['queued', 'sent', 'delivered', 'failed', 'not-sent'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const INBOUND_STATES = ['received', 'processed', 'unmatched'] as const;
export type InboundState = (typeof INBOUND_STATES)[number];

export interface OutboundMessagesTable {
  id: string;
  key: string;
  to_phone: string;
  body: string;
  purpose: string;
  refs: Json;
  urgent: boolean;
  state: MessageState;
  /** Why a message is not-sent, failed, or deferred (quiet hours, backoff); plain words. */
  reason: string | null;
  channel: string;
  provider_message_id: Optional<string>;
  error: Optional<string>;
  /** Not to be sent before this time (quiet hours, retry backoff). */
  not_before: Timestamp;
  attempts: Counter;
  /** Set when an attempt begins, cleared when its outcome is recorded: a crash leaves it set. */
  attempt_started_at: NullableTimestamp;
  claimed_by: Optional<string>;
  claim_expires_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
  final_at: NullableTimestamp;
}

export interface MessageTransitionsTable {
  id: Generated<number>;
  message_id: string;
  at: Timestamp;
  from_state: MessageState | null;
  to_state: MessageState;
  cause: string;
}

export interface InboundMessagesTable {
  id: string;
  provider: string;
  provider_message_id: string;
  from_phone: string;
  body: string;
  state: InboundState;
  /** What handled it: 'opted-out', 'opted-in', 'help', a handler's action word, or null. */
  action: Optional<string>;
  reply_message_id: Optional<string>;
  claimed_by: Optional<string>;
  claim_expires_at: NullableTimestamp;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
}

export interface OptOutsTable {
  phone: string;
  opted_out: boolean;
  keyword: string;
  inbound_message_id: string | null;
  updated_at: Timestamp;
}

export interface MessagingTables {
  outbound_messages: OutboundMessagesTable;
  message_transitions: MessageTransitionsTable;
  inbound_messages: InboundMessagesTable;
  opt_outs: OptOutsTable;
}
