import type {
  ActivityDefinition,
  MetaTag,
  PatientWire,
  PractitionerWire,
  ProfileTagWire,
  RelatedPersonWire,
  SubscriptionRequest,
} from '../../connect/wire/index.ts';
import { ID_BASE } from '../ids.ts';
import { formatUtc } from './calendar.ts';
import type { Schedule } from './schedule.ts';

export type PersonKind = 'patient' | 'practitioner';
type PersonWire = PatientWire | PractitionerWire;

export interface PersonRecord<W extends PersonWire = PersonWire> {
  id: number;
  wire: W;
  createdMs: number;
  updatedMs: number;
}

/** What an update touched, in the vocabulary of the webhook criteria (facts §3.11). */
export type ChangeFacet = 'name' | 'address' | 'telecom' | 'deactivated' | 'dateofdeath' | 'status';

export interface EncounterRecord {
  id: number;
  /** Set for encounters that belong to an appointment occurrence. */
  appointmentId?: number;
  day?: number;
  clientId: number;
  caregiverId: number | null;
  startMs: number;
  endMs: number | null;
  status: string;
  updatedMs: number;
  deleted?: boolean;
  /** Shift-task ticks (`PUT …/task/{taskId}/`). */
  tasks?: Map<string, { status: string; comment?: string }>;
}

export interface TaskLogRecord {
  id: number;
  encounterId: number;
  title: string;
  description: string;
  status: string;
  comment: string | null;
  recorded: string;
  showInFamilyRoom: boolean;
  messageForNextCaregiver: boolean;
  receivedAt: string;
}

export interface ClockEvent {
  kind: 'clockin' | 'clockout';
  /** The path id exactly as called (appointment id for clock-in, encounter id for clock-out). */
  pathId: number;
  encounterId: number;
  /** The parsed request body exactly as received (a position is present only if it was sent). */
  body: unknown;
  at: string;
  /** False when the call returned an existing encounter / changed nothing. */
  created: boolean;
}

export interface SubscriptionRecord extends SubscriptionRequest {
  id: number;
}

export interface DocumentRecord {
  id: number;
  body: unknown;
  at: string;
  /** 'stored', or the status the simulator answered when the upload failed. */
  outcome: 'stored' | 'rejected-422' | 'failed-500';
  deleted?: boolean;
}

export interface AdminTaskRecord {
  id: number;
  body: Record<string, unknown>;
  at: string;
}

/** Everything the simulated agency holds. Indexes are kept here so every search stays cheap. */
export class AgencyStore {
  readonly patients = new Map<number, PersonRecord<PatientWire>>();
  readonly practitioners = new Map<number, PersonRecord<PractitionerWire>>();
  readonly relatedByPatient = new Map<number, RelatedPersonWire[]>();
  readonly relatedById = new Map<number, { patientId: number; wire: RelatedPersonWire }>();
  /** 10-digit phone → keys like `patient:900001`, `practitioner:100001`, `related:400001`. */
  readonly phoneIndex = new Map<string, Set<string>>();
  readonly profileTags = new Map<number, ProfileTagWire>();
  readonly locations: { id: number; name: string; city: string; lat: number; lon: number; phone: string }[] =
    [];
  readonly referralSources = new Map<number, Record<string, unknown>>();
  readonly encounters = new Map<number, EncounterRecord>();
  readonly taskLogs = new Map<number, TaskLogRecord[]>();
  readonly clockEvents: ClockEvent[] = [];
  readonly subscriptions = new Map<number, SubscriptionRecord>();
  readonly adminTasks = new Map<number, AdminTaskRecord>();
  readonly documents = new Map<number, DocumentRecord>();
  readonly carePlans = new Map<number, unknown[]>();
  readonly activityCatalogue: ActivityDefinition[] = [];
  /** Clients generated as high-frequency (4 shifts a day). */
  readonly highFrequencyClients: number[] = [];
  organization: Record<string, unknown> = {};
  readonly next: Record<
    | 'patient'
    | 'practitioner'
    | 'relatedPerson'
    | 'taskLog'
    | 'adminTask'
    | 'document'
    | 'subscription'
    | 'profileTag'
    | 'referralSource'
    | 'directEncounter',
    number
  > = {
    patient: ID_BASE.patient,
    practitioner: ID_BASE.practitioner,
    relatedPerson: ID_BASE.relatedPerson,
    taskLog: ID_BASE.taskLog,
    adminTask: ID_BASE.adminTask,
    document: ID_BASE.document,
    subscription: ID_BASE.subscription,
    profileTag: ID_BASE.profileTag,
    referralSource: ID_BASE.referralSource,
    directEncounter: ID_BASE.directEncounter,
  };

  constructor(
    readonly schedule: Schedule,
    readonly agencyId: string,
    /** The generated window of local days (inclusive). */
    readonly window: { firstDay: number; lastDay: number },
  ) {}

  people(kind: PersonKind): Map<number, PersonRecord> {
    return kind === 'patient' ? this.patients : this.practitioners;
  }

  addPerson(kind: PersonKind, wire: PersonWire, createdMs: number, updatedMs: number): PersonRecord {
    const id = Number(wire.id);
    // Whoever adds a person (generator, API create, office user), the next new id stays above it.
    if (id >= this.next[kind]) this.next[kind] = id + 1;
    const record: PersonRecord = { id, wire, createdMs, updatedMs };
    stampMeta(record);
    (this.people(kind) as Map<number, PersonRecord>).set(id, record);
    this.indexPhones(`${kind}:${id}`, wire.telecom, true);
    return record;
  }

  /** Partial update (facts §3.4 [D]/[C]: send only the changed fields); meta tags merge by code. */
  updatePerson(kind: PersonKind, id: number, patch: Record<string, unknown>, nowMs: number): ChangeFacet[] {
    const record = this.people(kind).get(id);
    if (!record) return [];
    const before = record.wire as Record<string, unknown>;
    const after: Record<string, unknown> = { ...before };
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'id' || key === 'resourceType') continue;
      if (key === 'meta') after.meta = mergeMeta(before.meta, value);
      else after[key] = value;
    }
    const facets: ChangeFacet[] = [];
    const same = (k: string) => JSON.stringify(before[k]) === JSON.stringify(after[k]);
    if (!same('name')) facets.push('name');
    if (!same('address')) facets.push('address');
    if (!same('telecom')) facets.push('telecom');
    if (before.active !== after.active) facets.push('deactivated');
    if (!same('deceasedDateTime') || !same('deceasedBoolean')) facets.push('dateofdeath');
    if (tagOf(before.meta, 'status') !== tagOf(after.meta, 'status')) facets.push('status');
    this.indexPhones(`${kind}:${id}`, record.wire.telecom, false);
    record.wire = after as PersonWire;
    record.updatedMs = nowMs;
    stampMeta(record);
    this.indexPhones(`${kind}:${id}`, record.wire.telecom, true);
    return facets;
  }

  deletePerson(kind: PersonKind, id: number): boolean {
    const record = this.people(kind).get(id);
    if (!record) return false;
    this.indexPhones(`${kind}:${id}`, record.wire.telecom, false);
    this.people(kind).delete(id);
    return true;
  }

  addRelated(patientId: number, wire: RelatedPersonWire): void {
    const list = this.relatedByPatient.get(patientId) ?? [];
    list.push(wire);
    this.relatedByPatient.set(patientId, list);
    this.relatedById.set(Number(wire.id), { patientId, wire });
    this.indexPhones(`related:${wire.id}`, wire.telecom, true);
  }

  replaceRelated(id: number, wire: RelatedPersonWire): void {
    const entry = this.relatedById.get(id);
    if (!entry) return;
    this.indexPhones(`related:${id}`, entry.wire.telecom, false);
    const list = this.relatedByPatient.get(entry.patientId) ?? [];
    const index = list.findIndex((r) => Number(r.id) === id);
    if (index >= 0) list[index] = wire;
    entry.wire = wire;
    this.indexPhones(`related:${id}`, wire.telecom, true);
  }

  removeRelated(patientId: number, id: number): boolean {
    const entry = this.relatedById.get(id);
    if (!entry || entry.patientId !== patientId) return false;
    this.indexPhones(`related:${id}`, entry.wire.telecom, false);
    this.relatedById.delete(id);
    const list = this.relatedByPatient.get(patientId) ?? [];
    this.relatedByPatient.set(
      patientId,
      list.filter((r) => Number(r.id) !== id),
    );
    return true;
  }

  /** Keys of everyone holding this 10-digit phone number. */
  byPhone(digits: string): string[] {
    return [...(this.phoneIndex.get(digits) ?? [])];
  }

  private indexPhones(
    key: string,
    telecom: readonly { system?: string | undefined; value?: string | null | undefined }[] | null | undefined,
    add: boolean,
  ): void {
    for (const t of telecom ?? []) {
      if (t.system !== 'phone' || !t.value) continue;
      const digits = t.value.replace(/\D/g, '').slice(-10);
      const set = this.phoneIndex.get(digits) ?? new Set<string>();
      if (add) set.add(key);
      else set.delete(key);
      if (set.size > 0) this.phoneIndex.set(digits, set);
      else this.phoneIndex.delete(digits);
    }
  }
}

/** Every person carries `meta.lastUpdated` and a `created` tag (brief §8; used by `updated`/`created` filters). */
function stampMeta(record: PersonRecord): void {
  const meta = { ...(record.wire.meta ?? {}) };
  const tags = (meta.tag ?? []).filter((t) => t.code !== 'created');
  tags.push({ code: 'created', display: formatUtc(record.createdMs) });
  meta.tag = tags;
  meta.lastUpdated = formatUtc(record.updatedMs);
  record.wire = { ...record.wire, meta };
}

function mergeMeta(before: unknown, patch: unknown): unknown {
  const base = (before ?? {}) as { tag?: MetaTag[] };
  const update = (patch ?? {}) as { tag?: MetaTag[] };
  const tags = [...(base.tag ?? [])];
  for (const tag of update.tag ?? []) {
    const index = tags.findIndex((t) => t.code === tag.code);
    if (index >= 0) tags[index] = tag;
    else tags.push(tag);
  }
  return { ...base, ...update, tag: tags };
}

export function tagOf(meta: unknown, code: string): string | undefined {
  const tags = (meta as { tag?: MetaTag[] } | undefined)?.tag ?? [];
  return tags.find((t) => t.code === code)?.display ?? undefined;
}
