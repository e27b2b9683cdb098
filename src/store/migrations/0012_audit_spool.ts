import { type Kysely, sql } from 'kysely';

// Audit rows the embedded service spooled to a file before answering (src/service/audit-spool.ts) carry
// a unique id, so moving a spool file again after a crash cannot add a row twice. NULL for rows written
// directly (PostgreSQL, the CLI): PostgreSQL's unique indexes treat NULLs as distinct.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN entry_id text`.execute(db);
  await sql`CREATE UNIQUE INDEX audit_log_entry_id ON audit_log (entry_id)`.execute(db);
}
