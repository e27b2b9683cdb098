import { type Kysely, sql } from 'kysely';

// Shift operations (issue #6).
export async function up(db: Kysely<unknown>): Promise<void> {
  // The visit WellSky created when Skybridge clocked in on one shift occurrence. A visit names only the
  // appointment id, which every occurrence of a recurring shift shares (facts §3.5–3.6), so the link to
  // the occurrence (id + scheduled start) is kept here: clock-out finds its visit id without guessing,
  // and a repeated clock-in answers with the same visit without calling WellSky again.
  await sql`
    CREATE TABLE shift_visits (
      appointment_id     text NOT NULL,
      occurrence_start   timestamptz NOT NULL,
      visit_id           text NOT NULL,
      caregiver_id       text,
      clock_in_at        timestamptz NOT NULL,
      clock_in_position  jsonb,
      clock_out_at       timestamptz,
      clock_out_position jsonb,
      created_at         timestamptz NOT NULL,
      updated_at         timestamptz NOT NULL,
      PRIMARY KEY (appointment_id, occurrence_start)
    )
  `.execute(db);
  await sql`CREATE INDEX shift_visits_visit ON shift_visits (visit_id)`.execute(db);

  // Call-outs. The idempotency key is the caregiver plus the occurrence, so a second report of the same
  // call-out (a repeated text, a retry by the assistant) finds this row and duplicates nothing. The row
  // is written before anything is sent anywhere ('processing'), then completed with the result.
  await sql`
    CREATE TABLE call_outs (
      id                 text PRIMARY KEY,
      idempotency_key    text NOT NULL UNIQUE,
      caregiver_id       text NOT NULL,
      appointment_id     text NOT NULL,
      occurrence_start   timestamptz NOT NULL,
      occurrence_end     timestamptz NOT NULL,
      client_id          text NOT NULL,
      reason             text,
      reported_at        timestamptz NOT NULL,
      urgency            text NOT NULL CHECK (urgency IN ('urgent', 'normal', 'recorded')),
      status             text NOT NULL CHECK (status IN ('processing', 'done')),
      open_state         text,
      office_item_id     text,
      care_alert_item_id text,
      notification       jsonb,
      result             jsonb,
      created_at         timestamptz NOT NULL,
      updated_at         timestamptz NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX call_outs_reported ON call_outs (reported_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS call_outs`.execute(db);
  await sql`DROP TABLE IF EXISTS shift_visits`.execute(db);
}
