import { type Kysely, sql } from 'kysely';

// Fill campaigns (issue #9 §3). The states are listed here as CHECKs and in
// src/operations/fill/states.ts as the allowed transitions; the two must agree.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One campaign fills one shift occurrence (id + scheduled start). Only one may be open per occurrence:
  // the partial unique index makes a second start find the first instead of texting everyone twice.
  // `accepting_*` is the acceptance in progress: the caregiver whose YES holds the campaign while
  // WellSky is asked to assign them, with a lease so a crash mid-acceptance is picked up again.
  await sql`
    CREATE TABLE fill_campaigns (
      id                    text PRIMARY KEY,
      appointment_id        text NOT NULL,
      occurrence_start      timestamptz NOT NULL,
      occurrence_end        timestamptz NOT NULL,
      client_id             text NOT NULL,
      origin                text NOT NULL CHECK (origin IN ('call-out', 'request')),
      call_out_id           text,
      excluded_ids          jsonb NOT NULL,
      shift                 jsonb NOT NULL,
      state                 text NOT NULL CHECK (state IN ('open', 'filled', 'accepted-unassigned', 'escalated', 'cancelled', 'expired')),
      state_reason          text,
      waves_sent            integer NOT NULL DEFAULT 0,
      next_wave_at          timestamptz,
      escalate_at           timestamptz NOT NULL,
      winner_caregiver_id   text,
      accepting_caregiver_id text,
      accepting_offer_id    text,
      lease_owner           text,
      lease_until           timestamptz,
      assignment            jsonb,
      office_item_id        text,
      notification          jsonb,
      created_at            timestamptz NOT NULL,
      updated_at            timestamptz NOT NULL,
      accepted_at           timestamptz,
      closed_at             timestamptz
    )
  `.execute(db);
  await sql`
    CREATE UNIQUE INDEX fill_campaigns_one_open ON fill_campaigns (appointment_id, occurrence_start)
      WHERE state = 'open'
  `.execute(db);
  await sql`CREATE INDEX fill_campaigns_state ON fill_campaigns (state, next_wave_at)`.execute(db);
  await sql`CREATE INDEX fill_campaigns_created ON fill_campaigns (created_at DESC)`.execute(db);

  // One offer per caregiver per campaign, whatever happens: a caregiver is never texted twice for it.
  await sql`
    CREATE TABLE fill_offers (
      id                  text PRIMARY KEY,
      campaign_id         text NOT NULL REFERENCES fill_campaigns (id),
      caregiver_id        text NOT NULL,
      wave                integer NOT NULL,
      rank                integer NOT NULL,
      score               real NOT NULL,
      reason              text NOT NULL,
      state               text NOT NULL CHECK (state IN ('queued', 'sent', 'accepted', 'declined', 'expired', 'withdrawn', 'not-sent')),
      state_reason        text,
      message_id          text,
      said_yes            boolean NOT NULL DEFAULT false,
      clarifications      integer NOT NULL DEFAULT 0,
      replied_at          timestamptz,
      created_at          timestamptz NOT NULL,
      updated_at          timestamptz NOT NULL,
      UNIQUE (campaign_id, caregiver_id)
    )
  `.execute(db);
  await sql`CREATE INDEX fill_offers_caregiver ON fill_offers (caregiver_id, state)`.execute(db);

  // Every transition of a campaign or an offer, with when and why.
  await sql`
    CREATE TABLE fill_history (
      id           serial PRIMARY KEY,
      campaign_id  text NOT NULL,
      offer_id     text,
      at           timestamptz NOT NULL,
      from_state   text,
      to_state     text NOT NULL,
      cause        text NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX fill_history_campaign ON fill_history (campaign_id, id)`.execute(db);

  // Every inbound text the fill engine looked at, keyed on messaging's message id: a re-dispatch after
  // a crash finds the first decision instead of acting twice. A pending "which one?" question lives here
  // too (options = the offers listed, in order).
  await sql`
    CREATE TABLE fill_replies (
      message_id    text PRIMARY KEY,
      caregiver_id  text,
      intent        text NOT NULL,
      action        text,
      reply         text,
      options       jsonb,
      answered      boolean NOT NULL DEFAULT false,
      at            timestamptz NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX fill_replies_caregiver ON fill_replies (caregiver_id, at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS fill_replies`.execute(db);
  await sql`DROP TABLE IF EXISTS fill_history`.execute(db);
  await sql`DROP TABLE IF EXISTS fill_offers`.execute(db);
  await sql`DROP TABLE IF EXISTS fill_campaigns`.execute(db);
}
