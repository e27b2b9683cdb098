import { z } from 'zod';
import { ITEM_KINDS, ITEM_STATES } from '../../store/types.ts';

// Response schemas: what `/openapi.json` promises and what the contract tests check answers against.
// Objects are loose (extra fields allowed) so adding a field is not a breaking change.

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export const IdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an id') });

const Phone = z.looseObject({ digits: z.string().optional() });

export const Person = z.looseObject({
  kind: z.enum(['caregiver', 'applicant', 'client', 'prospect', 'family']),
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  status: z.string().nullable(),
  phones: z.array(Phone),
  syncedAt: z.string(),
});

export const IdentifyResponse = z.object({
  digits: z.string(),
  extension: z.string().optional(),
  matches: z.array(
    z.looseObject({
      kind: z.string(),
      id: z.string(),
      name: z.string(),
      active: z.boolean(),
      phoneUse: z.string(),
      syncedAt: z.string(),
      ageSeconds: z.number(),
      person: Person,
    }),
  ),
});

export const PeopleResponse = z.object({ people: z.array(Person) });

const Ref = z.object({ id: z.string(), name: z.string().nullable() });
export const Shift = z.looseObject({
  appointmentId: z.string(),
  startUtc: z.string(),
  endUtc: z.string(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  status: z.string(),
  isOpen: z.boolean(),
  client: Ref,
  caregiver: Ref.nullable(),
  visit: z.looseObject({ id: z.string() }).nullable(),
});

export const ShiftsResponse = z.object({
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  caregiverId: z.string().optional(),
  clientId: z.string().optional(),
  shifts: z.array(Shift),
});

export const NextShiftResponse = z.object({
  caregiverId: z.string(),
  state: z.enum(['in-progress', 'upcoming', 'none']),
  shift: Shift.nullable(),
});

export const Item = z.looseObject({
  id: z.string(),
  key: z.string(),
  kind: z.enum(ITEM_KINDS),
  state: z.enum(ITEM_STATES),
  reason: z.string().nullable(),
  holdCode: z.string().nullable(),
  route: z.string().nullable(),
  wellskyId: z.string().nullable(),
  attempts: z.number(),
  reference: z.string(),
  createdAt: z.string(),
  text: z.string().optional(),
});

export const SubmitResponse = z.object({ item: Item, created: z.boolean(), sanitized: z.number() });
export const ItemResponse = z.object({ item: Item });
export const ItemsResponse = z.object({ items: z.array(Item) });

export const CapabilitiesResponse = z.object({
  mode: z.enum(['wellsky', 'simulated']),
  capabilities: z.array(
    z.looseObject({
      capabilityId: z.string(),
      status: z.string(),
      explanation: z.string(),
      checkedAt: z.string(),
    }),
  ),
});

export const SyncRun = z.looseObject({
  id: z.number(),
  kind: z.string(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  requests: z.number().nullable(),
  rateLimited: z.number().nullable(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const SyncStatusResponse = z.object({ ready: z.boolean(), runs: z.array(SyncRun) });

export const SyncSummaryResponse = z.object({
  summary: z.looseObject({ runId: z.number(), kind: z.string(), status: z.string(), durationMs: z.number() }),
});

export const AuditResponse = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      keyId: z.string().nullable(),
      method: z.string(),
      route: z.string(),
      status: z.number(),
      subjectIds: z.array(z.string()),
    }),
  ),
});

export const HealthResponse = z.object({ ok: z.boolean(), mode: z.enum(['wellsky', 'simulated']) });
export const ReadyResponse = z.object({ ready: z.boolean(), mode: z.enum(['wellsky', 'simulated']) });

// ---- shift operations (issue #6) -------------------------------------------------------------

export const ClockResponse = z.looseObject({
  action: z.enum(['clock-in', 'clock-out']),
  shift: z.looseObject({
    id: z.string(),
    date: z.string(),
    start: z.string(),
    end: z.string(),
    clientId: z.string(),
    caregiverId: z.string().nullable(),
  }),
  visitId: z.string(),
  at: z.string(),
  atLocal: z.string(),
  positionSent: z.boolean(),
  repeated: z.boolean(),
  message: z.string(),
});

const Points = z.record(z.string(), z.number());

export const CandidatesResponse = z.looseObject({
  timezone: z.string(),
  shift: z.looseObject({ id: z.string(), date: z.string(), clientId: z.string() }),
  replacing: z.string().nullable(),
  candidates: z.array(
    z.looseObject({
      rank: z.number(),
      caregiverId: z.string(),
      name: z.string(),
      tier: z.enum(['A', 'B', 'C']),
      score: z.number(),
      points: Points,
      reason: z.string(),
      reasons: z.array(z.string()),
      contactable: z.boolean(),
    }),
  ),
  excluded: z.array(
    z.looseObject({
      caregiverId: z.string(),
      name: z.string(),
      reasons: z.array(z.looseObject({ code: z.string(), text: z.string() })),
    }),
  ),
  counts: z.looseObject({
    considered: z.number(),
    eligible: z.number(),
    excluded: z.number(),
    returned: z.number(),
  }),
  generatedAt: z.string(),
});

const Outcome = z.looseObject({
  state: z.string(),
  itemId: z.string().nullable(),
  reason: z.string().nullable(),
});

export const CallOutRecordedResponse = z.looseObject({
  status: z.literal('recorded'),
  callOutId: z.string(),
  repeated: z.boolean(),
  caregiverId: z.string(),
  shift: Shift,
  reportedAt: z.string(),
  urgency: z.enum(['urgent', 'normal', 'recorded']),
  minutesToStart: z.number(),
  needsPersonNow: z.boolean(),
  escalated: z.boolean(),
  shiftOpen: z.looseObject({
    state: z.enum(['opened', 'already-open', 'needs-person', 'failed']),
    detail: z.string(),
  }),
  officeTask: Outcome,
  careAlert: Outcome,
  notification: z.looseObject({ state: z.string(), at: z.string() }),
  /** The ranked candidates, or why they could not be ranked. */
  candidates: z.union([CandidatesResponse, z.object({ error: z.string() })]),
  message: z.string(),
});

export const CallOutAmbiguousResponse = z.looseObject({
  status: z.literal('ambiguous'),
  caregiverId: z.string(),
  message: z.string(),
  shifts: z.array(Shift),
});

export const CallOutsResponse = z.object({
  items: z.array(
    z.looseObject({
      callOutId: z.string(),
      caregiverId: z.string(),
      clientId: z.string(),
      shiftId: z.string(),
      shiftStart: z.string(),
      shiftStartLocal: z.string(),
      reportedAt: z.string(),
      urgency: z.string(),
      status: z.string(),
      shiftOpen: z.string().nullable(),
      officeItemId: z.string().nullable(),
      notification: z.string().nullable(),
    }),
  ),
});
