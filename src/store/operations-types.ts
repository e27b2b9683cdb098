import type { ColumnType, Selectable } from 'kysely';

// Kysely types of the shift-operations tables (migration 0005_operations, issue #6).
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** The visit (encounter) WellSky made for one shift occurrence when Skybridge clocked in on it. */
export interface ShiftVisitTable {
  appointment_id: string;
  /** The occurrence's scheduled start (UTC): with the id, the occurrence's key (as in `shifts`). */
  occurrence_start: Timestamp;
  visit_id: string;
  caregiver_id: string | null;
  clock_in_at: Timestamp;
  clock_in_position: NullableJson<{ latitude: number; longitude: number }>;
  clock_out_at: NullableTimestamp;
  clock_out_position: NullableJson<{ latitude: number; longitude: number }>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CallOutStatus = 'processing' | 'done';

/** One call-out: a caregiver cancelled one shift occurrence. One row per (caregiver, occurrence). */
export interface CallOutTable {
  id: string;
  idempotency_key: string;
  caregiver_id: string;
  appointment_id: string;
  occurrence_start: Timestamp;
  occurrence_end: Timestamp;
  client_id: string;
  reason: string | null;
  reported_at: Timestamp;
  urgency: string;
  status: CallOutStatus;
  open_state: string | null;
  office_item_id: string | null;
  care_alert_item_id: string | null;
  notification: NullableJson<Record<string, unknown>>;
  result: NullableJson<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Who is completing a 'processing' row, and until when; after that anyone may take it over. */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: NullableTimestamp;
}

export interface OperationsTables {
  shift_visits: ShiftVisitTable;
  call_outs: CallOutTable;
}

export type ShiftVisitRow = Selectable<ShiftVisitTable>;
export type CallOutRow = Selectable<CallOutTable>;
export type { Json };
