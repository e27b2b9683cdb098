import type { ColumnType, Generated, Selectable } from 'kysely';

// Kysely types of the mirror tables (migration 0003_mirror). jsonb columns are written as JSON text and
// read back parsed; timestamptz columns come back as `Date`.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface MirrorPhone {
  /** The 10 digits WellSky stores (facts §2.6). */
  digits: string;
  /** `mobile`, `home`, `work`, … as the telecom entry says. */
  use: string;
}

export interface PersonTable {
  id: string;
  kind: string;
  active: boolean;
  status: string | null;
  given_name: string;
  family_name: string;
  full_name: string;
  name_key: string;
  gender: string | null;
  phones: Json<MirrorPhone[]>;
  languages: Json<string[]>;
  tag_ids: Json<string[]>;
  preferences: Json<Record<string, string>>;
  home_lat: number | null;
  home_lon: number | null;
  source_updated: NullableTimestamp;
  raw: Json<Record<string, unknown>>;
  hash: string;
  synced_at: Timestamp;
  last_seen_run: number;
  removed_at: NullableTimestamp;
}

export interface RelatedPersonTable {
  id: string;
  client_id: string;
  given_name: string;
  family_name: string;
  full_name: string;
  name_key: string;
  relationship_code: string | null;
  relationship: string | null;
  phones: Json<MirrorPhone[]>;
  emergency_contact: boolean;
  primary_contact: boolean;
  payer: boolean;
  poa: boolean;
  raw: Json<Record<string, unknown>>;
  hash: string;
  synced_at: Timestamp;
  last_seen_run: number;
  removed_at: NullableTimestamp;
}

export interface ProfileTagTable {
  id: string;
  name: string;
  type: string | null;
  raw: Json<Record<string, unknown>>;
  synced_at: Timestamp;
}

export interface ShiftTable {
  appointment_id: string;
  start_at: Timestamp;
  end_at: Timestamp;
  client_id: string;
  caregiver_id: string | null;
  status: string;
  is_open: boolean;
  raw: Json<Record<string, unknown>>;
  hash: string;
  synced_at: Timestamp;
  last_seen_run: number;
  removed_at: NullableTimestamp;
}

export interface VisitTable {
  id: string;
  appointment_id: string | null;
  client_id: string | null;
  caregiver_id: string | null;
  clock_in_at: NullableTimestamp;
  clock_out_at: NullableTimestamp;
  status: string | null;
  raw: Json<Record<string, unknown>>;
  hash: string;
  synced_at: Timestamp;
  last_seen_run: number;
  removed_at: NullableTimestamp;
}

export type SyncKind = 'full' | 'incremental' | 'webhook';
export type SyncStatus = 'running' | 'ok' | 'partial' | 'failed';

export interface SyncRunTable {
  id: Generated<number>;
  kind: SyncKind;
  status: SyncStatus;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  requests: number | null;
  rate_limited: number | null;
  counts: Json<Record<string, { added: number; changed: number; removed: number; seen: number }>>;
  errors: Json<string[]>;
  warnings: Json<string[]>;
}

export interface SyncStateTable {
  collection: string;
  cursor: NullableTimestamp;
  details: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface MirrorTables {
  caregivers: PersonTable;
  clients: PersonTable;
  related_persons: RelatedPersonTable;
  profile_tags: ProfileTagTable;
  shifts: ShiftTable;
  visits: VisitTable;
  sync_runs: SyncRunTable;
  sync_state: SyncStateTable;
}

export type PersonRow = Selectable<PersonTable>;
export type RelatedPersonRow = Selectable<RelatedPersonTable>;
export type ShiftRow = Selectable<ShiftTable>;
export type VisitRow = Selectable<VisitTable>;
export type SyncRunRow = Selectable<SyncRunTable>;
