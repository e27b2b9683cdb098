import {
  type AppointmentWire,
  type EncounterWire,
  type Extension,
  GEOLOCATION_URL,
  type PatientWire,
  type Position,
  type PractitionerWire,
} from '../../connect/wire/index.ts';
import type { Quirks } from '../types.ts';
import { formatUtc } from './calendar.ts';
import { unit } from './random.ts';
import type { Occurrence } from './schedule.ts';
import type { AgencyStore, EncounterRecord, PersonRecord } from './store.ts';

/** Stored records are kept truthful; quirks are applied only when answering. */
export function renderPatient(record: PersonRecord, quirks: Quirks): PatientWire {
  const wire = record.wire as PatientWire;
  if (!quirks.patientStatusNone) return wire;
  // Facts §3.4 [V]: real records returned the literal string "None" for the status tag.
  const tag = (wire.meta?.tag ?? []).map((t) => (t.code === 'status' ? { ...t, display: 'None' } : t));
  return { ...wire, meta: { ...wire.meta, tag } };
}

export function renderPractitioner(record: PersonRecord): PractitionerWire {
  return record.wire as PractitionerWire;
}

export function fullName(wire: PatientWire | PractitionerWire | undefined): string {
  const name = wire?.name?.[0];
  if (!name) return '';
  return name.text ?? [...(name.given ?? []), name.family ?? ''].join(' ').trim();
}

export function homePosition(wire: PatientWire | undefined): Position | undefined {
  const extensions = (wire?.address?.[0]?.extension ?? []) as Extension[];
  const geo = extensions.find((e) => e.url === GEOLOCATION_URL);
  const lat = geo?.extension?.find((e) => e.url === 'latitude')?.valueDecimal;
  const lon = geo?.extension?.find((e) => e.url === 'longitude')?.valueDecimal;
  return lat !== undefined && lon !== undefined ? { latitude: lat, longitude: lon } : undefined;
}

/** Status documented SCHEDULED|COMPLETED|CANCELLED, plus OPEN for unstaffed shifts (facts §3.5). */
export function occurrenceStatus(occ: Occurrence, nowMs: number): string {
  if (occ.status) return occ.status;
  if (occ.caregiverId === null) return 'OPEN';
  return occ.endMs <= nowMs ? 'COMPLETED' : 'SCHEDULED';
}

export function renderOccurrence(
  store: AgencyStore,
  occ: Occurrence,
  quirks: Quirks,
  nowMs: number,
): AppointmentWire {
  const client = store.patients.get(occ.series.clientId);
  const withNames = !quirks.appointmentNamesMissing;
  const caregiver = occ.caregiverId === null ? undefined : store.practitioners.get(occ.caregiverId);
  return {
    resourceType: 'Appointment',
    id: String(occ.series.id),
    client: withNames
      ? { id: String(occ.series.clientId), name: fullName(client?.wire) }
      : { id: String(occ.series.clientId) },
    caregiver:
      occ.caregiverId === null
        ? null
        : withNames
          ? { id: String(occ.caregiverId), name: fullName(caregiver?.wire) }
          : { id: String(occ.caregiverId) },
    start: formatUtc(occ.startMs),
    end: formatUtc(occ.endMs),
    status: occurrenceStatus(occ, nowMs),
    position: homePosition(client?.wire as PatientWire | undefined) ?? null,
    scheduledItems: occ.series.scheduledItems,
    tasks: occ.series.tasks.map((t) => ({ ...t, status: 'NOT_COMPLETE' })),
  };
}

/**
 * The encounter of an occurrence: a real one (clock-in, API) if recorded, else a generated visit for any
 * staffed occurrence that has started — COMPLETE once over, IN_PROGRESS while running (brief §15).
 */
export function encounterOf(
  store: AgencyStore,
  occ: Occurrence,
  nowMs: number,
  seed: number,
): EncounterRecord | undefined {
  if (occ.encounterId === 0) return undefined;
  const real = store.encounters.get(occ.encounterId);
  if (real) return real.deleted ? undefined : real;
  if (occ.caregiverId === null || occ.startMs > nowMs) return undefined;
  const startJitter = Math.round((unit(seed, occ.encounterId, 1) * 15 - 5) * 60_000);
  const endJitter = Math.round((unit(seed, occ.encounterId, 2) * 15 - 5) * 60_000);
  const done = occ.endMs + endJitter <= nowMs;
  return {
    id: occ.encounterId,
    appointmentId: occ.series.id,
    day: occ.day,
    clientId: occ.series.clientId,
    caregiverId: occ.caregiverId,
    startMs: Math.min(occ.startMs + startJitter, nowMs),
    endMs: done ? occ.endMs + endJitter : null,
    status: done ? 'COMPLETE' : 'IN_PROGRESS',
    updatedMs: done ? occ.endMs + endJitter : occ.startMs,
  };
}

export function resolveEncounter(
  store: AgencyStore,
  id: number,
  nowMs: number,
  seed: number,
): EncounterRecord | undefined {
  const real = store.encounters.get(id);
  if (real) return real.deleted ? undefined : real;
  const decoded = store.schedule.decodeEncounterId(id);
  if (!decoded) return undefined;
  const occ = store.schedule.occurrenceOn(decoded.series, decoded.day);
  return occ ? encounterOf(store, occ, nowMs, seed) : undefined;
}

export function renderEncounter(store: AgencyStore, rec: EncounterRecord, seed: number): EncounterWire {
  const client = store.patients.get(rec.clientId);
  const caregiver = rec.caregiverId === null ? undefined : store.practitioners.get(rec.caregiverId);
  const rates = ratesFor(seed, rec.clientId, rec.caregiverId ?? 0);
  return {
    resourceType: 'Encounter',
    id: String(rec.id),
    status: rec.status,
    subject: { reference: `Patient/${rec.clientId}`, display: fullName(client?.wire) },
    // Facts §3.6: `participant` is an object keyed "Individual", not the FHIR array.
    participant: {
      Individual:
        rec.caregiverId === null
          ? []
          : [{ reference: `Practitioner/${rec.caregiverId}`, display: fullName(caregiver?.wire) }],
    },
    appointment: rec.appointmentId ? { reference: `Appointment/${rec.appointmentId}` } : null,
    period: { start: formatUtc(rec.startMs), end: rec.endMs === null ? null : formatUtc(rec.endMs) },
    rates,
  };
}

export function ratesFor(seed: number, clientId: number, caregiverId: number) {
  const bill = 28 + Math.floor(unit(seed, clientId, 11) * 10);
  const pay = 16 + Math.floor(unit(seed, caregiverId, 12) * 7);
  return {
    payRate: [{ id: '1', amount: pay + 0.5, method: 'Hourly' }],
    billRate: [{ id: '2', amount: bill, method: 'Hourly' }],
  };
}

/** Facts §3.6 / §5 Feb 5 [V]: some searched encounters refuse task logs; a stable ~5 % here. */
export function rejectsTaskLogs(seed: number, encounterId: number): boolean {
  return unit(seed, encounterId, 5) < 0.05;
}
