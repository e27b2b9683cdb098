import { randomBytes, randomUUID } from 'node:crypto';
import type { JournalItem } from './journal.ts';
import { ITEM_KINDS, type ItemKind } from './types.ts';

export interface SubmitInput {
  idempotencyKey: string;
  kind: ItemKind;
  occurredAt: Date | string;
  text: string;
  title?: string | null;
  source?: string | null;
  clientId?: string | null;
  caregiverId?: string | null;
  prospectId?: string | null;
  appointmentId?: string | null;
  occurrenceStart?: Date | string | null;
  dueAt?: Date | string | null;
  priority?: string | null;
  payload?: Record<string, unknown>;
  /** `held` when intake already knows no route can take it (with `stateReason`). */
  initialState?: 'pending' | 'held';
  stateReason?: string;
  /** When a pending item is first due; defaults to now. */
  nextAttemptAt?: Date;
}

export class SubmitValidationError extends Error {
  override name = 'SubmitValidationError';
}

// Crockford base32: no I, L, O or U, so a marker read aloud or retyped from WellSky survives.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short token the note carries (e.g. "[SB-7K3M9Q2XWD]") so a later attempt can find it in WellSky. */
export function newMarker(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return `SB-${out}`;
}

/** The full row `submit` inserts and journals, built in code so both copies are byte-for-byte the same. */
export function buildItemRow(input: SubmitInput, now: Date): JournalItem {
  const key = input.idempotencyKey?.trim();
  if (!key) throw new SubmitValidationError('idempotencyKey is required');
  if (!ITEM_KINDS.includes(input.kind)) {
    throw new SubmitValidationError(
      `kind must be one of ${ITEM_KINDS.join(', ')} (got ${String(input.kind)})`,
    );
  }
  if (typeof input.text !== 'string') throw new SubmitValidationError('text must be a string');
  const state = input.initialState ?? 'pending';
  if (state === 'held' && !input.stateReason?.trim()) {
    throw new SubmitValidationError('an item submitted as held needs a stateReason a person can act on');
  }
  const iso = now.toISOString();
  return {
    id: randomUUID(),
    idempotency_key: key,
    kind: input.kind,
    source: input.source ?? null,
    client_id: input.clientId ?? null,
    caregiver_id: input.caregiverId ?? null,
    prospect_id: input.prospectId ?? null,
    appointment_id: input.appointmentId ?? null,
    occurrence_start: optionalDate(input.occurrenceStart, 'occurrenceStart'),
    occurred_at: requiredDate(input.occurredAt, 'occurredAt'),
    title: input.title ?? null,
    text: input.text,
    due_at: optionalDate(input.dueAt, 'dueAt'),
    priority: input.priority ?? null,
    payload: input.payload ?? {},
    state,
    state_reason: state === 'held' ? (input.stateReason ?? null) : null,
    needs_verification: false,
    next_attempt_at: (input.nextAttemptAt ?? now).toISOString(),
    last_error: null,
    delivered_route: null,
    wellsky_id: null,
    wellsky_target_id: null,
    marker: newMarker(),
    claimed_by: null,
    claim_expires_at: null,
    attempt_count: 0,
    created_at: iso,
    updated_at: iso,
    delivered_at: null,
    resolved_by: null,
  };
}

function requiredDate(value: Date | string, name: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new SubmitValidationError(`${name} is not a valid date/time`);
  return date.toISOString();
}

function optionalDate(value: Date | string | null | undefined, name: string): string | null {
  return value === null || value === undefined ? null : requiredDate(value, name);
}
