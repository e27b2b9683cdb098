import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** `messages.write`: a narrow key for the system that owns the phone line; it may only pass texts in. */
export const KEY_SCOPES = ['read', 'write', 'admin', 'messages.write'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export interface ApiKeysTable {
  id: string;
  name: string;
  scope: KeyScope;
  key_hash: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditLogTable {
  /** bigint: node-postgres hands it back as a string. */
  id: ColumnType<string, never, never>;
  at: Timestamp;
  key_id: string | null;
  method: string;
  route: string;
  status: number;
  subject_ids: ColumnType<string[], string, string>;
  /** Rows moved from the embedded store's audit spool: unique, so a replayed spool file adds nothing twice. */
  entry_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ServiceTables {
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
}
