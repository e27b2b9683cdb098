import type { ColumnType, Generated, Selectable } from 'kysely';

// Kysely types of the fill-campaign tables (migration 0007_fill, issue #9 §3).
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export const CAMPAIGN_STATES = [
  'open',
  'filled',
  'accepted-unassigned',
  'escalated',
  'cancelled',
  'expired',
] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const OFFER_STATES = [
  'queued',
  'sent',
  'accepted',
  'declined',
  'expired',
  'withdrawn',
  'not-sent',
] as const;
export type OfferState = (typeof OFFER_STATES)[number];

/** What the offer texts need about the shift, captured once when the campaign starts. */
export interface CampaignShift {
  date: string;
  startTime: string;
  endTime: string;
  /** Local ISO start/end with offset. */
  start: string;
  end: string;
  /** City or neighbourhood only; never the client's name or street address. */
  area: string | null;
  durationMinutes: number;
}

export interface FillCampaignTable {
  id: string;
  appointment_id: string;
  occurrence_start: Timestamp;
  occurrence_end: Timestamp;
  client_id: string;
  origin: 'call-out' | 'request';
  call_out_id: string | null;
  excluded_ids: Json<string[]>;
  shift: Json<CampaignShift>;
  state: CampaignState;
  state_reason: string | null;
  waves_sent: ColumnType<number, number | undefined, number>;
  next_wave_at: NullableTimestamp;
  escalate_at: Timestamp;
  winner_caregiver_id: string | null;
  accepting_caregiver_id: string | null;
  accepting_offer_id: string | null;
  lease_owner: string | null;
  lease_until: NullableTimestamp;
  assignment: NullableJson<Record<string, unknown>>;
  office_item_id: string | null;
  notification: NullableJson<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  accepted_at: NullableTimestamp;
  closed_at: NullableTimestamp;
}

export interface FillOfferTable {
  id: string;
  campaign_id: string;
  caregiver_id: string;
  wave: number;
  rank: number;
  score: number;
  reason: string;
  state: OfferState;
  state_reason: string | null;
  message_id: string | null;
  said_yes: ColumnType<boolean, boolean | undefined, boolean>;
  clarifications: ColumnType<number, number | undefined, number>;
  replied_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FillHistoryTable {
  id: Generated<number>;
  campaign_id: string;
  offer_id: string | null;
  at: Timestamp;
  from_state: string | null;
  to_state: string;
  cause: string;
}

export interface FillReplyTable {
  message_id: string;
  caregiver_id: string | null;
  intent: string;
  action: string | null;
  reply: string | null;
  options: NullableJson<string[]>;
  answered: ColumnType<boolean, boolean | undefined, boolean>;
  at: Timestamp;
}

export interface FillTables {
  fill_campaigns: FillCampaignTable;
  fill_offers: FillOfferTable;
  fill_history: FillHistoryTable;
  fill_replies: FillReplyTable;
}

export type FillCampaignRow = Selectable<FillCampaignTable>;
export type FillOfferRow = Selectable<FillOfferTable>;
export type FillHistoryRow = Selectable<FillHistoryTable>;
export type FillReplyRow = Selectable<FillReplyTable>;
