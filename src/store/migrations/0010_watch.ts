import { type Kysely, sql } from 'kysely';

// The watch (issue #10): what it did about each shift, the next-day confirmations, and who runs it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per (rule, subject): the dedup key is UNIQUE, so a second worker, a second tick or a restart
  // finds the row and does not act again. The row is written ('intended') before anything leaves, and the
  // messenger is given the same key, so re-sending an 'intended' row after a crash sends nothing twice.
  await sql`
    CREATE TABLE watch_actions (
      id               text PRIMARY KEY,
      dedup_key        text NOT NULL UNIQUE,
      rule             text NOT NULL CHECK (rule IN ('clock-in-text', 'clock-in-escalation',
                         'clock-out-reminder', 'confirmation-request', 'running-late', 'late-note',
                         'late-client-notice', 'confirmation-answer')),
      state            text NOT NULL CHECK (state IN ('intended', 'queued', 'sent', 'not-sent', 'escalated',
                         'recorded', 'failed')),
      appointment_id   text,
      occurrence_start timestamptz,
      caregiver_id     text,
      client_id        text,
      reason           text NOT NULL,
      outcome          text,
      message_id       text,
      item_id          text,
      detail           jsonb NOT NULL DEFAULT '{}'::jsonb,
      acted_at         timestamptz NOT NULL,
      created_at       timestamptz NOT NULL,
      updated_at       timestamptz NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX watch_actions_acted ON watch_actions (acted_at DESC)`.execute(db);
  await sql`CREATE INDEX watch_actions_shift ON watch_actions (appointment_id, occurrence_start)`.execute(db);

  // One row per shift listed in a caregiver's next-day confirmation request.
  await sql`
    CREATE TABLE watch_confirmations (
      appointment_id   text NOT NULL,
      occurrence_start timestamptz NOT NULL,
      caregiver_id     text NOT NULL,
      client_id        text NOT NULL,
      day              text NOT NULL,
      position         integer NOT NULL,
      state            text NOT NULL CHECK (state IN ('pending', 'confirmed', 'declined', 'unanswered')),
      requested_at     timestamptz NOT NULL,
      answered_at      timestamptz,
      call_out_id      text,
      updated_at       timestamptz NOT NULL,
      PRIMARY KEY (appointment_id, occurrence_start, caregiver_id)
    )
  `.execute(db);
  await sql`CREATE INDEX watch_confirmations_caregiver ON watch_confirmations (caregiver_id, day)`.execute(
    db,
  );

  // Exactly one watch runs when several workers share one PostgreSQL: a lease row, taken when free or
  // expired, renewed by its holder every tick. A holder that dies stops renewing and another takes over.
  await sql`
    CREATE TABLE watch_lease (
      name       text PRIMARY KEY,
      holder     text NOT NULL,
      expires_at timestamptz NOT NULL
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS watch_lease`.execute(db);
  await sql`DROP TABLE IF EXISTS watch_confirmations`.execute(db);
  await sql`DROP TABLE IF EXISTS watch_actions`.execute(db);
}
