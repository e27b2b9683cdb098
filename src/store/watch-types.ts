import type { ColumnType, Selectable } from 'kysely';

// Kysely types of the watch tables (migration 0010_watch, issue #10).
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type JsonObject = ColumnType<Record<string, unknown>, string | undefined, string>;

export const WATCH_RULES = [
  'clock-in-text',
  'clock-in-escalation',
  'clock-out-reminder',
  'confirmation-request',
  'running-late',
  'late-note',
  'late-client-notice',
  'confirmation-answer',
] as const;
export type WatchRule = (typeof WATCH_RULES)[number];

/** `queued`: handed to messaging and deferred by it (quiet hours); it leaves when they end. */
export const WATCH_ACTION_STATES = [
  'intended',
  'queued',
  'sent',
  'not-sent',
  'escalated',
  'recorded',
  'failed',
] as const;
export type WatchActionState = (typeof WATCH_ACTION_STATES)[number];

export interface WatchActionTable {
  id: string;
  dedup_key: string;
  rule: WatchRule;
  state: WatchActionState;
  appointment_id: string | null;
  occurrence_start: NullableTimestamp;
  caregiver_id: string | null;
  client_id: string | null;
  reason: string;
  outcome: string | null;
  message_id: string | null;
  item_id: string | null;
  detail: JsonObject;
  acted_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const CONFIRMATION_STATES = ['pending', 'confirmed', 'declined', 'unanswered'] as const;
export type ConfirmationState = (typeof CONFIRMATION_STATES)[number];

export interface WatchConfirmationTable {
  appointment_id: string;
  occurrence_start: Timestamp;
  caregiver_id: string;
  client_id: string;
  /** The agency-local day of the shift, `YYYY-MM-DD`. */
  day: string;
  /** The shift's number in the caregiver's message ("NO 2"). */
  position: number;
  state: ConfirmationState;
  requested_at: Timestamp;
  answered_at: NullableTimestamp;
  call_out_id: string | null;
  updated_at: Timestamp;
}

export interface WatchLeaseTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
}

export interface WatchTables {
  watch_actions: WatchActionTable;
  watch_confirmations: WatchConfirmationTable;
  watch_lease: WatchLeaseTable;
}

export type WatchActionRow = Selectable<WatchActionTable>;
export type WatchConfirmationRow = Selectable<WatchConfirmationTable>;
