import type {
  AppointmentWire,
  EncounterWire,
  PatientWire,
  PractitionerWire,
  RelatedPersonWire,
} from '../connect/wire/index.ts';
import { isoDay, parseDay, parseInstant } from './agency/calendar.ts';
import {
  encounterOf,
  renderEncounter,
  renderOccurrence,
  renderPatient,
  renderPractitioner,
} from './agency/render.ts';
import type {
  AdminTaskRecord,
  ClockEvent,
  DocumentRecord,
  EncounterRecord,
  TaskLogRecord,
} from './agency/store.ts';
import { HttpError } from './http.ts';
import { addOneOff } from './routes/appointments.ts';
import { createPerson, updatePerson } from './routes/people.ts';
import type { SimState } from './state.ts';
import type { SimStats } from './stats.ts';
import type { Faults, Permissions, ProfileName, Quirks } from './types.ts';
import type { WebhookDelivery } from './webhooks.ts';

export interface SimConfig {
  profile: ProfileName;
  permissions: Permissions;
  quirks: Quirks;
  faults: Faults;
  rateLimit: number;
}

export interface ConfigPatch {
  /** Changing the profile resets permissions and quirks to its preset (then the other keys apply). */
  profile?: ProfileName;
  permissions?: Partial<Permissions>;
  quirks?: Partial<Quirks>;
  faults?: Partial<Faults>;
  rateLimit?: number;
}

type Id = number | string;
type When = Date | string;

export interface SimSummary {
  patients: number;
  practitioners: number;
  relatedPersons: number;
  appointmentSeries: number;
  subscriptions: number;
  taskLogs: number;
  clockEvents: number;
  adminTasks: number;
  documents: number;
  webhookDeliveries: number;
  /** The generated calendar window, local dates inclusive. */
  window: { first: string; last: string };
}

export interface OneOffShift {
  clientId: Id;
  caregiverId: Id | null;
  /** ISO datetimes; no offset means UTC. */
  start: string;
  end: string;
}

/** Read accessors to the generated data, for tests and tools (wire-shaped, quirks applied). */
export interface SimulatorData {
  patients(): PatientWire[];
  practitioners(): PractitionerWire[];
  relatedPersons(patientId: Id): RelatedPersonWire[];
  /** Occurrences whose start falls in [from, to] (agency-zone days of the two instants, inclusive). */
  appointmentsFor(query: { clientId?: Id; caregiverId?: Id; from: When; to: When }): AppointmentWire[];
  /** Visits in the window (default: the whole generated calendar), optionally for one client/caregiver. */
  encounters(query?: { clientId?: Id; caregiverId?: Id; from?: When; to?: When }): EncounterWire[];
  /** Clients generated with 4 shifts a day (>100 shifts a month). */
  highFrequencyClients(): string[];
}

export interface SimulatorControl {
  stats(): SimStats;
  resetStats(): void;
  config(): SimConfig;
  configure(patch: ConfigPatch): SimConfig;
  setProfile(profile: ProfileName): SimConfig;
  setPermissions(patch: Partial<Permissions>): Permissions;
  setQuirks(patch: Partial<Quirks>): Quirks;
  setFaults(patch: Partial<Faults>): Faults;
  setRateLimit(requestsPerSecond: number): void;
  /** Invalidates every issued token; returns how many there were. */
  revokeTokens(): number;
  taskLogs(): TaskLogRecord[];
  clockIns(): ClockEvent[];
  adminTasks(): AdminTaskRecord[];
  documents(): DocumentRecord[];
  webhooks(): WebhookDelivery[];
  /** Waits for webhook deliveries already started. */
  flushWebhooks(): Promise<void>;
  summary(): SimSummary;
  createPatient(body: Partial<PatientWire>): PatientWire;
  updatePatient(id: Id, patch: Partial<PatientWire>): PatientWire;
  createPractitioner(body: Partial<PractitionerWire>): PractitionerWire;
  updatePractitioner(id: Id, patch: Partial<PractitionerWire>): PractitionerWire;
  deactivatePractitioner(id: Id, reason: string): PractitionerWire;
  /** Removes a whole series (or one-off). */
  removeAppointment(id: Id): void;
  /** Removes one occurrence; `date` is the local date `YYYY-MM-DD` (or `YYYYMMDD`). */
  removeOccurrence(id: Id, date: string): void;
  /** Assigns (or, with null, unassigns → open) one occurrence. */
  assignOccurrence(id: Id, date: string, caregiverId: Id | null): AppointmentWire;
  addOneOffShift(shift: OneOffShift): AppointmentWire;
  data: SimulatorData;
}

/** An office-user action failed; `status` mirrors what the control HTTP surface answers. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function toDay(state: SimState, when: When): number {
  if (typeof when === 'string') {
    const day = parseDay(when);
    if (day !== undefined) return day;
    const ms = parseInstant(when);
    if (ms === undefined) throw new ControlError(400, `not a date: ${when}`);
    return state.zone.dayOf(ms);
  }
  return state.zone.dayOf(when.getTime());
}

/** Runs an API-shared operation and turns its HTTP error into a ControlError. */
function office<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof HttpError && 'status' in error.reply) {
      const body = 'body' in error.reply ? error.reply.body : undefined;
      throw new ControlError(error.reply.status, JSON.stringify(body));
    }
    throw error;
  }
}

export function createControl(state: SimState): SimulatorControl {
  const store = state.store;
  const series = (id: Id) => {
    const s = store.schedule.get(Number(id));
    if (!s) throw new ControlError(404, `no appointment ${id}`);
    return s;
  };
  const occurrence = (id: Id, date: string) => {
    const day = parseDay(date);
    if (day === undefined) throw new ControlError(400, `not a date: ${date}`);
    const s = series(id);
    const occ = store.schedule.occurrenceOn(s, day);
    if (!occ) throw new ControlError(404, `appointment ${id} has no occurrence on ${date}`);
    return occ;
  };
  const render = (occ: ReturnType<typeof occurrence>) =>
    renderOccurrence(store, occ, state.quirks, state.nowMs());
  const config = (): SimConfig => ({
    profile: state.profile,
    permissions: { ...state.permissions },
    quirks: { ...state.quirks },
    faults: { ...state.faults },
    rateLimit: state.rateLimit,
  });

  const control: SimulatorControl = {
    stats: () => state.stats.snapshot(),
    resetStats: () => state.stats.reset(),
    config,
    configure(patch) {
      if (patch.profile) state.setProfile(patch.profile);
      if (patch.permissions) state.permissions = { ...state.permissions, ...patch.permissions };
      if (patch.quirks) state.quirks = { ...state.quirks, ...patch.quirks };
      if (patch.faults) state.setFaults(patch.faults);
      if (patch.rateLimit !== undefined) state.rateLimit = patch.rateLimit;
      return config();
    },
    setProfile: (profile) => control.configure({ profile }),
    setPermissions: (patch) => control.configure({ permissions: patch }).permissions,
    setQuirks: (patch) => control.configure({ quirks: patch }).quirks,
    setFaults: (patch) => control.configure({ faults: patch }).faults,
    setRateLimit: (rate) => {
      control.configure({ rateLimit: rate });
    },
    revokeTokens: () => state.tokens.revokeAll(),
    taskLogs: () => [...store.taskLogs.values()].flat().sort((a, b) => a.id - b.id),
    clockIns: () => [...store.clockEvents],
    adminTasks: () => [...store.adminTasks.values()],
    documents: () => [...store.documents.values()],
    webhooks: () => [...state.webhooks.deliveries],
    flushWebhooks: () => state.webhooks.flush(),
    summary: () => ({
      patients: store.patients.size,
      practitioners: store.practitioners.size,
      relatedPersons: store.relatedById.size,
      appointmentSeries: store.schedule.series.filter((s) => !s.removed).length,
      subscriptions: store.subscriptions.size,
      taskLogs: [...store.taskLogs.values()].reduce((n, l) => n + l.length, 0),
      clockEvents: store.clockEvents.length,
      adminTasks: store.adminTasks.size,
      documents: store.documents.size,
      webhookDeliveries: state.webhooks.deliveries.length,
      window: { first: isoDay(store.window.firstDay), last: isoDay(store.window.lastDay) },
    }),
    createPatient: (body) =>
      renderPatient(
        office(() => createPerson(state, 'patient', { resourceType: 'Patient', ...body })),
        state.quirks,
      ),
    updatePatient: (id, patch) =>
      renderPatient(
        office(() => updatePerson(state, 'patient', Number(id), patch as Record<string, unknown>)),
        state.quirks,
      ),
    createPractitioner: (body) =>
      renderPractitioner(
        office(() => createPerson(state, 'practitioner', { resourceType: 'Practitioner', ...body })),
      ),
    updatePractitioner: (id, patch) =>
      renderPractitioner(
        office(() => updatePerson(state, 'practitioner', Number(id), patch as Record<string, unknown>)),
      ),
    deactivatePractitioner: (id, reason) =>
      control.updatePractitioner(id, {
        active: false,
        meta: { tag: [{ code: 'deactivationReason', display: reason }] },
      }),
    removeAppointment: (id) => store.schedule.remove(series(id), state.nowMs()),
    removeOccurrence: (id, date) => {
      const occ = occurrence(id, date);
      store.schedule.setOverride(occ.series, occ.day, { removed: true }, state.nowMs());
    },
    assignOccurrence: (id, date, caregiverId) => {
      const occ = occurrence(id, date);
      const cg = caregiverId === null ? null : Number(caregiverId);
      if (cg !== null && !store.practitioners.has(cg))
        throw new ControlError(404, `no practitioner ${caregiverId}`);
      store.schedule.setOverride(
        occ.series,
        occ.day,
        { caregiverId: cg, status: cg === null ? 'OPEN' : undefined },
        state.nowMs(),
      );
      return render(occurrence(id, date));
    },
    addOneOffShift: (shift) => {
      const clientId = Number(shift.clientId);
      if (!store.patients.has(clientId)) throw new ControlError(404, `no patient ${shift.clientId}`);
      const cg = shift.caregiverId === null ? null : Number(shift.caregiverId);
      const s = office(() => addOneOff(state, clientId, cg, shift.start, shift.end));
      return render(occurrence(s.id, isoDay(s.firstDay)));
    },
    data: {
      patients: () => [...store.patients.values()].map((r) => renderPatient(r, state.quirks)),
      practitioners: () => [...store.practitioners.values()].map(renderPractitioner),
      relatedPersons: (patientId) => [...(store.relatedByPatient.get(Number(patientId)) ?? [])],
      appointmentsFor: ({ clientId, caregiverId, from, to }) => {
        const [fromDay, toDayN] = [toDay(state, from), toDay(state, to)];
        const occs =
          clientId !== undefined
            ? store.schedule.forClient(Number(clientId), fromDay, toDayN)
            : store.schedule.forCaregiver(Number(caregiverId), fromDay, toDayN);
        return occs.map(render);
      },
      encounters: (query = {}) => {
        const fromDay = query.from ? toDay(state, query.from) : store.window.firstDay;
        const toDayN = query.to ? toDay(state, query.to) : store.window.lastDay;
        const now = state.nowMs();
        const found: EncounterRecord[] = [];
        const list =
          query.clientId !== undefined
            ? store.schedule.seriesOfClient(Number(query.clientId))
            : store.schedule.series.filter((s) => !s.removed);
        for (const s of list) {
          for (const occ of store.schedule.occurrences(s, fromDay, toDayN)) {
            const rec = encounterOf(store, occ, now, state.seed);
            if (rec) found.push(rec);
          }
        }
        for (const rec of store.encounters.values()) {
          if (rec.appointmentId === undefined && !rec.deleted) found.push(rec);
        }
        return found
          .filter((r) => query.clientId === undefined || r.clientId === Number(query.clientId))
          .filter((r) => query.caregiverId === undefined || r.caregiverId === Number(query.caregiverId))
          .sort((a, b) => a.startMs - b.startMs || a.id - b.id)
          .map((r) => renderEncounter(store, r, state.seed));
      },
      highFrequencyClients: () => store.highFrequencyClients.map(String),
    },
  };
  return control;
}
