import { type Kysely, sql } from 'kysely';

// The gateway service (issue #5): API keys and the audit log of reads of client and caregiver data.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Only a SHA-256 of each key is kept (see service/keys.ts for why a fast hash is enough here); `prefix`
  // is the first characters of the key, so a person can tell keys apart without the store holding them.
  await sql`
    CREATE TABLE api_keys (
      id           text PRIMARY KEY,
      name         text NOT NULL,
      scope        text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
      key_hash     text NOT NULL UNIQUE,
      prefix       text NOT NULL,
      created_at   timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at   timestamptz
    )
  `.execute(db);
  // A name identifies a live key (`keys revoke NAME`); a revoked key's name may be reused.
  await sql`CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL`.execute(db);

  // Who read whose data, when, through which route. Subject ids only, never names, phones or text.
  await sql`
    CREATE TABLE audit_log (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at          timestamptz NOT NULL,
      key_id      text,
      method      text NOT NULL,
      route       text NOT NULL,
      status      integer NOT NULL,
      subject_ids jsonb NOT NULL DEFAULT '[]'::jsonb
    )
  `.execute(db);
  await sql`CREATE INDEX audit_log_at ON audit_log (at DESC)`.execute(db);
}
