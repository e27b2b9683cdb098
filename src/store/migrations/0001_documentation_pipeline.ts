import { type Kysely, sql } from 'kysely';

// Plain SQL rather than the schema builder: the CHECK constraints and partial indexes read better
// as SQL, and the same text runs on PostgreSQL and PGlite (which is PostgreSQL compiled to WASM).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE documentation_items (
      id                 text PRIMARY KEY,
      idempotency_key    text NOT NULL UNIQUE,
      kind               text NOT NULL
        CHECK (kind IN ('client-note', 'caregiver-note', 'prospect-note', 'call-out', 'office-task')),
      source             text,
      client_id          text,
      caregiver_id       text,
      prospect_id        text,
      appointment_id     text,
      occurrence_start   timestamptz,
      occurred_at        timestamptz NOT NULL,
      title              text,
      text               text NOT NULL DEFAULT '',
      due_at             timestamptz,
      priority           text,
      payload            jsonb NOT NULL DEFAULT '{}'::jsonb,
      state              text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'held', 'failed')),
      state_reason       text,
      needs_verification boolean NOT NULL DEFAULT false,
      next_attempt_at    timestamptz,
      last_error         text,
      delivered_route    text,
      wellsky_id         text,
      wellsky_target_id  text,
      marker             text NOT NULL UNIQUE,
      claimed_by         text,
      claim_expires_at   timestamptz,
      attempt_count      integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
      created_at         timestamptz NOT NULL DEFAULT now(),
      updated_at         timestamptz NOT NULL DEFAULT now(),
      delivered_at       timestamptz,
      resolved_by        text,
      -- A held or failed item must say why in words a person can act on.
      CONSTRAINT state_reason_when_needed
        CHECK (state NOT IN ('held', 'failed') OR (state_reason IS NOT NULL AND state_reason <> '')),
      -- A pending item always knows when it is next due, so nothing can sit in the queue forever unseen.
      CONSTRAINT pending_has_next_attempt CHECK (state <> 'pending' OR next_attempt_at IS NOT NULL),
      -- (IS NOT DISTINCT FROM, not =: a NULL would make the CHECK pass.)
      -- "Delivered" needs proof: WellSky's id, or a person's word that they entered it by hand.
      CONSTRAINT delivered_has_proof CHECK (
        state <> 'delivered'
        OR (delivered_at IS NOT NULL AND (wellsky_id IS NOT NULL OR delivered_route IS NOT DISTINCT FROM 'manual'))
      ),
      -- Only pending items are worked on; a claim on anything else is a bug.
      CONSTRAINT claim_only_when_pending CHECK (claimed_by IS NULL OR state = 'pending'),
      CONSTRAINT claim_has_lease CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL))
    )
  `.execute(db);
  await sql`
    CREATE INDEX documentation_items_due ON documentation_items (next_attempt_at, created_at)
    WHERE state = 'pending'
  `.execute(db);
  await sql`CREATE INDEX documentation_items_state_created ON documentation_items (state, created_at DESC, id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX documentation_items_client ON documentation_items (client_id) WHERE client_id IS NOT NULL`.execute(
    db,
  );
  await sql`
    CREATE INDEX documentation_items_caregiver ON documentation_items (caregiver_id) WHERE caregiver_id IS NOT NULL
  `.execute(db);

  // One row per delivery attempt. Never holds the note text: attempts are what operators read and
  // export when something goes wrong, and they should not spread PHI further than the item itself.
  await sql`
    CREATE TABLE attempts (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id      text NOT NULL REFERENCES documentation_items (id) ON DELETE CASCADE,
      attempt_no   integer NOT NULL CHECK (attempt_no >= 1),
      worker_id    text,
      started_at   timestamptz NOT NULL,
      finished_at  timestamptz,
      outcome      text CHECK (outcome IN ('delivered', 'retry', 'held', 'failed', 'unknown')),
      route        text,
      http_status  integer,
      error_kind   text,
      message      text,
      UNIQUE (item_id, attempt_no),
      CONSTRAINT finished_has_outcome CHECK ((finished_at IS NULL) = (outcome IS NULL))
    )
  `.execute(db);

  // Every change of state, including the ones a person makes (requeue, manual resolution).
  await sql`
    CREATE TABLE state_changes (
      id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id     text NOT NULL REFERENCES documentation_items (id) ON DELETE CASCADE,
      at          timestamptz NOT NULL,
      from_state  text,
      to_state    text NOT NULL,
      actor       text NOT NULL,
      reason      text
    )
  `.execute(db);
  await sql`CREATE INDEX state_changes_item ON state_changes (item_id, id)`.execute(db);

  await sql`
    CREATE TABLE capability_matrix (
      capability_id  text PRIMARY KEY,
      status         text NOT NULL,
      http_status    integer,
      explanation    text NOT NULL DEFAULT '',
      details        jsonb NOT NULL DEFAULT '{}'::jsonb,
      checked_at     timestamptz NOT NULL
    )
  `.execute(db);

  await sql`
    CREATE TABLE meta (
      key         text PRIMARY KEY,
      value       jsonb NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['meta', 'capability_matrix', 'state_changes', 'attempts', 'documentation_items']) {
    await sql`DROP TABLE IF EXISTS ${sql.id(table)}`.execute(db);
  }
}
