import { type Kysely, sql } from 'kysely';

// Messaging (issue #9 §2): the outbox and inbox of text messages and the opt-outs per phone. Owned by
// src/messaging/repo.ts. States are enforced here so no code path can store one that does not exist.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A message is stored before it is sent. `key` is the caller's idempotency key: the same logical
  // message twice is one row. `attempt_started_at` is set before the provider is called and cleared with
  // the outcome, so a crash in between is visible and the message is never resent blindly.
  await sql`
    CREATE TABLE outbound_messages (
      id                  text PRIMARY KEY,
      key                 text NOT NULL UNIQUE,
      to_phone            text NOT NULL,
      body                text NOT NULL,
      purpose             text NOT NULL,
      refs                jsonb NOT NULL DEFAULT '{}'::jsonb,
      urgent              boolean NOT NULL,
      state               text NOT NULL
                          CHECK (state IN ('queued', 'sent', 'delivered', 'failed', 'not-sent')),
      reason              text,
      channel             text NOT NULL,
      provider_message_id text,
      error               text,
      not_before          timestamptz NOT NULL,
      attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      attempt_started_at  timestamptz,
      claimed_by          text,
      claim_expires_at    timestamptz,
      created_at          timestamptz NOT NULL,
      updated_at          timestamptz NOT NULL,
      sent_at             timestamptz,
      final_at            timestamptz,
      CHECK (state IN ('queued', 'sent') OR final_at IS NOT NULL),
      CHECK (state NOT IN ('failed', 'not-sent') OR reason IS NOT NULL)
    )
  `.execute(db);
  await sql`CREATE INDEX outbound_due ON outbound_messages (not_before) WHERE state = 'queued'`.execute(db);
  await sql`CREATE INDEX outbound_created ON outbound_messages (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX outbound_phone ON outbound_messages (to_phone)`.execute(db);
  await sql`
    CREATE UNIQUE INDEX outbound_provider_id ON outbound_messages (channel, provider_message_id)
    WHERE provider_message_id IS NOT NULL
  `.execute(db);

  await sql`
    CREATE TABLE message_transitions (
      id          bigserial PRIMARY KEY,
      message_id  text NOT NULL REFERENCES outbound_messages (id) ON DELETE CASCADE,
      at          timestamptz NOT NULL,
      from_state  text CHECK (from_state IN ('queued', 'sent', 'delivered', 'failed', 'not-sent')),
      to_state    text NOT NULL CHECK (to_state IN ('queued', 'sent', 'delivered', 'failed', 'not-sent')),
      cause       text NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX message_transitions_message ON message_transitions (message_id, id)`.execute(db);

  // Stored before anything acts on it; the provider's id makes a redelivered webhook a no-op.
  await sql`
    CREATE TABLE inbound_messages (
      id                  text PRIMARY KEY,
      provider            text NOT NULL,
      provider_message_id text NOT NULL UNIQUE,
      from_phone          text NOT NULL,
      body                text NOT NULL,
      state               text NOT NULL CHECK (state IN ('received', 'processed', 'unmatched')),
      action              text,
      reply_message_id    text,
      claimed_by          text,
      claim_expires_at    timestamptz,
      received_at         timestamptz NOT NULL,
      processed_at        timestamptz,
      CHECK (state = 'received' OR processed_at IS NOT NULL)
    )
  `.execute(db);
  await sql`CREATE INDEX inbound_pending ON inbound_messages (received_at) WHERE state = 'received'`.execute(
    db,
  );
  await sql`CREATE INDEX inbound_received ON inbound_messages (received_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX inbound_phone ON inbound_messages (from_phone)`.execute(db);

  await sql`
    CREATE TABLE opt_outs (
      phone               text PRIMARY KEY,
      opted_out           boolean NOT NULL,
      keyword             text NOT NULL,
      inbound_message_id  text,
      updated_at          timestamptz NOT NULL
    )
  `.execute(db);

  // A narrow key for the assistant or phone system that passes caregivers' replies in.
  await sql`ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_scope_check`.execute(db);
  await sql`
    ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check
    CHECK (scope IN ('read', 'write', 'admin', 'messages.write'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS opt_outs`.execute(db);
  await sql`DROP TABLE IF EXISTS inbound_messages`.execute(db);
  await sql`DROP TABLE IF EXISTS message_transitions`.execute(db);
  await sql`DROP TABLE IF EXISTS outbound_messages`.execute(db);
  await sql`ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_scope_check`.execute(db);
  await sql`ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('read', 'write', 'admin'))`.execute(
    db,
  );
}
