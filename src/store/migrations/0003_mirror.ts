import { type Kysely, sql } from 'kysely';

// The local mirror of the agency (issue #4). Every mirrored table keeps the raw resource as WellSky sent
// it (jsonb), the fields the product reads as columns, when the record was last written (`synced_at`),
// the sync run that last saw it (`last_seen_run`, which is how a full sync finds what WellSky no longer
// returns) and a soft delete (`removed_at`): leavers, discharged clients and removed shifts stay
// visible as removed instead of silently vanishing or, worse, staying current (original D-14).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Caregivers and applicants (Practitioner, facts §3.3) and clients and prospects (Patient, §3.4) share
  // one shape; `kind` is derived from the isHired / isClient tag.
  for (const table of ['caregivers', 'clients']) {
    await sql`
      CREATE TABLE ${sql.id(table)} (
        id             text PRIMARY KEY,
        kind           text NOT NULL,
        active         boolean NOT NULL,
        status         text,
        given_name     text NOT NULL DEFAULT '',
        family_name    text NOT NULL DEFAULT '',
        full_name      text NOT NULL DEFAULT '',
        name_key       text NOT NULL DEFAULT '',
        gender         text,
        phones         jsonb NOT NULL DEFAULT '[]'::jsonb,
        languages      jsonb NOT NULL DEFAULT '[]'::jsonb,
        tag_ids        jsonb NOT NULL DEFAULT '[]'::jsonb,
        preferences    jsonb NOT NULL DEFAULT '{}'::jsonb,
        home_lat       double precision,
        home_lon       double precision,
        source_updated timestamptz,
        raw            jsonb NOT NULL,
        hash           text NOT NULL,
        synced_at      timestamptz NOT NULL,
        last_seen_run  integer NOT NULL,
        removed_at     timestamptz
      )
    `.execute(db);
  }
  await sql`CREATE INDEX caregivers_kind ON caregivers (kind) WHERE removed_at IS NULL`.execute(db);
  await sql`CREATE INDEX clients_kind ON clients (kind) WHERE removed_at IS NULL`.execute(db);

  // Family and contacts (RelatedPerson, facts §3.12), always of one client.
  await sql`
    CREATE TABLE related_persons (
      id                text PRIMARY KEY,
      client_id         text NOT NULL,
      given_name        text NOT NULL DEFAULT '',
      family_name       text NOT NULL DEFAULT '',
      full_name         text NOT NULL DEFAULT '',
      name_key          text NOT NULL DEFAULT '',
      relationship_code text,
      relationship      text,
      phones            jsonb NOT NULL DEFAULT '[]'::jsonb,
      emergency_contact boolean NOT NULL DEFAULT false,
      primary_contact   boolean NOT NULL DEFAULT false,
      payer             boolean NOT NULL DEFAULT false,
      poa               boolean NOT NULL DEFAULT false,
      raw               jsonb NOT NULL,
      hash              text NOT NULL,
      synced_at         timestamptz NOT NULL,
      last_seen_run     integer NOT NULL,
      removed_at        timestamptz
    )
  `.execute(db);
  await sql`CREATE INDEX related_persons_client ON related_persons (client_id)`.execute(db);

  await sql`
    CREATE TABLE profile_tags (
      id         text PRIMARY KEY,
      name       text NOT NULL,
      type       text,
      raw        jsonb NOT NULL,
      synced_at  timestamptz NOT NULL
    )
  `.execute(db);

  // One row per shift occurrence: a recurring shift reuses its id across dates (facts §3.5), so the key
  // is the id plus the occurrence's start instant (UTC, as WellSky stores it, facts §2.5).
  await sql`
    CREATE TABLE shifts (
      appointment_id text NOT NULL,
      start_at       timestamptz NOT NULL,
      end_at         timestamptz NOT NULL,
      client_id      text NOT NULL,
      caregiver_id   text,
      status         text NOT NULL,
      is_open        boolean NOT NULL,
      raw            jsonb NOT NULL,
      hash           text NOT NULL,
      synced_at      timestamptz NOT NULL,
      last_seen_run  integer NOT NULL,
      removed_at     timestamptz,
      PRIMARY KEY (appointment_id, start_at)
    )
  `.execute(db);
  await sql`CREATE INDEX shifts_client_start ON shifts (client_id, start_at)`.execute(db);
  await sql`CREATE INDEX shifts_caregiver_start ON shifts (caregiver_id, start_at) WHERE caregiver_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX shifts_open_start ON shifts (start_at) WHERE is_open AND removed_at IS NULL`.execute(
    db,
  );

  // Visits (Encounter, facts §3.6) with their actual clock times.
  await sql`
    CREATE TABLE visits (
      id             text PRIMARY KEY,
      appointment_id text,
      client_id      text,
      caregiver_id   text,
      clock_in_at    timestamptz,
      clock_out_at   timestamptz,
      status         text,
      raw            jsonb NOT NULL,
      hash           text NOT NULL,
      synced_at      timestamptz NOT NULL,
      last_seen_run  integer NOT NULL,
      removed_at     timestamptz
    )
  `.execute(db);
  await sql`CREATE INDEX visits_appointment ON visits (appointment_id, clock_in_at)`.execute(db);
  await sql`CREATE INDEX visits_client_in ON visits (client_id, clock_in_at)`.execute(db);
  await sql`CREATE INDEX visits_caregiver_in ON visits (caregiver_id, clock_in_at)`.execute(db);

  // Each sync run, as the issue asks: when, what kind, how many requests, what changed, what failed.
  await sql`
    CREATE TABLE sync_runs (
      id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind         text NOT NULL CHECK (kind IN ('full', 'incremental', 'webhook')),
      status       text NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
      started_at   timestamptz NOT NULL,
      finished_at  timestamptz,
      requests     integer,
      rate_limited integer,
      counts       jsonb NOT NULL DEFAULT '{}'::jsonb,
      errors       jsonb NOT NULL DEFAULT '[]'::jsonb,
      warnings     jsonb NOT NULL DEFAULT '[]'::jsonb
    )
  `.execute(db);

  // Per-collection cursors: the `updated` high-water mark, when the shift window was last read whole.
  await sql`
    CREATE TABLE sync_state (
      collection  text PRIMARY KEY,
      cursor      timestamptz,
      details     jsonb NOT NULL DEFAULT '{}'::jsonb,
      updated_at  timestamptz NOT NULL
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'sync_state',
    'sync_runs',
    'visits',
    'shifts',
    'profile_tags',
    'related_persons',
    'clients',
    'caregivers',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.id(table)}`.execute(db);
  }
}
