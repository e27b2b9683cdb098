import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { FillTables } from './fill-types.ts';
import type { IntakeTables } from './intake-types.ts';
import type { MessagingTables } from './messaging-types.ts';
import type { MirrorTables } from './mirror-types.ts';
import type { OperationsTables } from './operations-types.ts';
import type { ServiceTables } from './service-types.ts';
import type { WatchTables } from './watch-types.ts';

/** A timestamptz column: node-postgres (and PGlite through its adapter) hands back a `Date`. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json = ColumnType<Record<string, unknown>, string, string>;

export const ITEM_KINDS = [
  'client-note',
  'caregiver-note',
  'prospect-note',
  'call-out',
  'office-task',
  'document',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATES = ['pending', 'delivered', 'held', 'failed'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const ATTEMPT_OUTCOMES = ['delivered', 'retry', 'held', 'failed', 'unknown'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface DocumentationItemsTable {
  id: string;
  idempotency_key: string;
  kind: ItemKind;
  source: string | null;
  client_id: string | null;
  caregiver_id: string | null;
  prospect_id: string | null;
  appointment_id: string | null;
  occurrence_start: NullableTimestamp;
  occurred_at: Timestamp;
  title: string | null;
  text: string;
  due_at: NullableTimestamp;
  priority: string | null;
  payload: Json;
  state: ItemState;
  state_reason: string | null;
  needs_verification: boolean;
  next_attempt_at: NullableTimestamp;
  last_error: string | null;
  delivered_route: string | null;
  wellsky_id: string | null;
  wellsky_target_id: string | null;
  marker: string;
  claimed_by: string | null;
  claim_expires_at: NullableTimestamp;
  attempt_count: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  delivered_at: NullableTimestamp;
  resolved_by: string | null;
  /** Why a held item is held (see documentation/routing.ts HoldCode); null unless held. */
  hold_code: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AttemptsTable {
  id: Generated<number>;
  item_id: string;
  attempt_no: number;
  worker_id: string | null;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  outcome: AttemptOutcome | null;
  route: string | null;
  http_status: number | null;
  error_kind: string | null;
  message: string | null;
}

export interface StateChangesTable {
  id: Generated<number>;
  item_id: string;
  at: Timestamp;
  from_state: ItemState | null;
  to_state: ItemState;
  actor: string;
  reason: string | null;
}

export interface CapabilityMatrixTable {
  capability_id: string;
  status: string;
  http_status: number | null;
  explanation: string;
  details: Json;
  checked_at: Timestamp;
}

export interface MetaTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

export interface Database
  extends MirrorTables,
    ServiceTables,
    OperationsTables,
    FillTables,
    MessagingTables,
    IntakeTables,
    WatchTables {
  documentation_items: DocumentationItemsTable;
  attempts: AttemptsTable;
  state_changes: StateChangesTable;
  capability_matrix: CapabilityMatrixTable;
  meta: MetaTable;
}

export type DocumentationItem = Selectable<DocumentationItemsTable>;
export type NewDocumentationItemRow = Insertable<DocumentationItemsTable>;
export type Attempt = Selectable<AttemptsTable>;
export type StateChange = Selectable<StateChangesTable>;

export * from './fill-types.ts';
export * from './intake-types.ts';
export * from './messaging-types.ts';
export type * from './mirror-types.ts';
export type * from './operations-types.ts';
export * from './service-types.ts';
export * from './watch-types.ts';
