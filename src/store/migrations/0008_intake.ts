import { type Kysely, sql } from 'kysely';

// Intake (issue #12): prospects and applicants from outside systems, and documents.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The id map. UNIQUE (source, external_id) is what makes twenty concurrent calls for one deal one
  // record: every caller lands on this row, and only the one holding its lease talks to WellSky.
  await sql`
    CREATE TABLE intake_links (
      id                 text PRIMARY KEY,
      source             text NOT NULL,
      external_id        text NOT NULL,
      kind               text NOT NULL CHECK (kind IN ('prospect', 'applicant')),
      marker             text NOT NULL UNIQUE,
      state              text NOT NULL CHECK (state IN ('new', 'creating', 'linked', 'held')),
      wellsky_id         text,
      origin             text,
      applied            jsonb,
      payload_hash       text,
      requested          jsonb NOT NULL DEFAULT '{}'::jsonb,
      stage              text,
      hold_code          text,
      hold_reason        text,
      candidates         jsonb,
      attempt_count      integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
      attempt_started_at timestamptz,
      claimed_by         text,
      claim_expires_at   timestamptz,
      created_at         timestamptz NOT NULL,
      updated_at         timestamptz NOT NULL,
      UNIQUE (source, external_id),
      CONSTRAINT linked_has_id CHECK (state <> 'linked' OR wellsky_id IS NOT NULL),
      CONSTRAINT held_says_why CHECK (state <> 'held' OR (hold_reason IS NOT NULL AND hold_reason <> '')),
      CONSTRAINT claim_has_lease CHECK ((claimed_by IS NULL) = (claim_expires_at IS NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX intake_links_state ON intake_links (state, updated_at DESC)`.execute(db);
  await sql`CREATE INDEX intake_links_wellsky ON intake_links (wellsky_id) WHERE wellsky_id IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE intake_events (
      id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      link_id    text NOT NULL REFERENCES intake_links (id) ON DELETE CASCADE,
      at         timestamptz NOT NULL,
      action     text NOT NULL,
      wellsky_id text,
      detail     text,
      actor      text NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX intake_events_link ON intake_events (link_id, id)`.execute(db);

  // Document bytes live beside the item, not in its payload: queue listings never drag megabytes along.
  await sql`
    CREATE TABLE intake_documents (
      idempotency_key text PRIMARY KEY,
      content_type    text NOT NULL,
      filename        text NOT NULL,
      size_bytes      integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
      sha256          text NOT NULL,
      data            text NOT NULL,
      created_at      timestamptz NOT NULL
    )
  `.execute(db);

  // Documents travel through the documentation pipeline as their own kind.
  await sql`ALTER TABLE documentation_items DROP CONSTRAINT IF EXISTS documentation_items_kind_check`.execute(
    db,
  );
  await sql`
    ALTER TABLE documentation_items ADD CONSTRAINT documentation_items_kind_check
      CHECK (kind IN ('client-note', 'caregiver-note', 'prospect-note', 'call-out', 'office-task', 'document'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS intake_documents`.execute(db);
  await sql`DROP TABLE IF EXISTS intake_events`.execute(db);
  await sql`DROP TABLE IF EXISTS intake_links`.execute(db);
}
