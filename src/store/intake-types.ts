import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json = ColumnType<Record<string, unknown>, string, string>;
type NullableJson = ColumnType<Record<string, unknown> | null, string | null, string | null>;

export const INTAKE_KINDS = ['prospect', 'applicant'] as const;
export type IntakeKind = (typeof INTAKE_KINDS)[number];

/**
 * `new`: known, nothing in WellSky yet. `creating`: a create was (or is about to be) sent; its answer is
 * not recorded, so the next attempt looks for the marker before creating. `linked`: the WellSky id is
 * known. `held`: a person must decide (several possible matches, or a record WellSky no longer has).
 */
export const LINK_STATES = ['new', 'creating', 'linked', 'held'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** One person from an outside system (a CRM deal, a recruiting lead) and the WellSky record it became. */
export interface IntakeLinksTable {
  id: string;
  source: string;
  external_id: string;
  kind: IntakeKind;
  /** Written into the WellSky record's `externalId` tag so a create whose answer was lost is found again. */
  marker: string;
  state: LinkState;
  wellsky_id: string | null;
  /** How the link came about: created by Skybridge, or linked to a person already in WellSky. */
  origin: string | null;
  /** The last request applied to WellSky (normalised, no secrets) and its hash. */
  applied: NullableJson;
  payload_hash: string | null;
  /** The last request received, applied or not (e.g. while held). */
  requested: Json;
  stage: string | null;
  hold_code: string | null;
  hold_reason: string | null;
  /** For an ambiguous match: who it might be. */
  candidates: NullableJson;
  attempt_count: number;
  /** Set when a create is about to be sent; cleared when its outcome is recorded. */
  attempt_started_at: NullableTimestamp;
  claimed_by: string | null;
  claim_expires_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IntakeEventsTable {
  id: Generated<number>;
  link_id: string;
  at: Timestamp;
  /** created | updated | unchanged | linked | held | converted | attempt | recovered | refused | error */
  action: string;
  wellsky_id: string | null;
  detail: string | null;
  actor: string;
}

/** The bytes of a document waiting for (or sent through) the documentation pipeline. */
export interface IntakeDocumentsTable {
  idempotency_key: string;
  content_type: string;
  filename: string;
  size_bytes: number;
  sha256: string;
  /** Base64, as WellSky takes it. */
  data: string;
  created_at: Timestamp;
}

export interface IntakeTables {
  intake_links: IntakeLinksTable;
  intake_events: IntakeEventsTable;
  intake_documents: IntakeDocumentsTable;
}

export type IntakeLink = Selectable<IntakeLinksTable>;
export type IntakeEvent = Selectable<IntakeEventsTable>;
