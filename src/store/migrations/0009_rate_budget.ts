import { type Kysely, sql } from 'kysely';

// One WellSky rate budget per credential, shared by every process on one PostgreSQL (issue #11).
// Time is cut into short slots numbered by the database clock; a process claims requests in a slot
// and sends them only inside it, so no slot ever grants more than its share of the per-second budget.
// `credential` is a hash of host and client id: the id itself is not stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE rate_budget_slots (
      credential  text NOT NULL,
      slot        bigint NOT NULL,
      used        integer NOT NULL CHECK (used >= 0),
      last_grant  integer NOT NULL CHECK (last_grant >= 0),
      PRIMARY KEY (credential, slot)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rate_budget_slots`.execute(db);
}
