import { type Kysely, sql } from 'kysely';

// Why an item is held decides whether a replay may retry it on its own (a visit appeared, write access
// was granted) or whether only a person may (WellSky may already have it). Free text cannot carry that.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE documentation_items ADD COLUMN hold_code text`.execute(db);
  await sql`
    ALTER TABLE documentation_items ADD CONSTRAINT hold_code_only_when_held
      CHECK (hold_code IS NULL OR state = 'held')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE documentation_items DROP COLUMN hold_code`.execute(db);
}
