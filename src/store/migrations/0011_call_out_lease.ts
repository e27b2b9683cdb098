import { type Kysely, sql } from 'kysely';

// A call-out row is written 'processing' before anything is sent anywhere. Without an owner and an end
// to that claim, a process that died mid-way left it 'processing' for ever and every repeat answered
// "being recorded right now". Now the row carries who is completing it and until when: once the lease
// has run out, a repeat (or another worker) takes it over and completes it; each step it repeats is
// idempotent (WellSky is read back before a shift is opened, documentation items have keys).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE call_outs ADD COLUMN lease_owner text`.execute(db);
  await sql`ALTER TABLE call_outs ADD COLUMN lease_until timestamptz`.execute(db);
  // Rows left 'processing' by an older version have no live owner: their lease is over already.
  await sql`UPDATE call_outs SET lease_until = updated_at WHERE status = 'processing'`.execute(db);
  await sql`
    ALTER TABLE call_outs ADD CONSTRAINT call_outs_processing_has_lease
      CHECK (status <> 'processing' OR lease_until IS NOT NULL)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE call_outs DROP CONSTRAINT IF EXISTS call_outs_processing_has_lease`.execute(db);
  await sql`ALTER TABLE call_outs DROP COLUMN IF EXISTS lease_until`.execute(db);
  await sql`ALTER TABLE call_outs DROP COLUMN IF EXISTS lease_owner`.execute(db);
}
