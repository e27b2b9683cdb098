import {
  ClockInRequest,
  ClockOutRequest,
  EncounterCreateRequest,
  EncounterUpdateRequest,
  TaskLogRequest,
  type TaskLogWire,
  TaskStatusRequest,
} from '../../connect/wire/index.ts';
import { formatUtc, parseDay, parseInstant } from '../agency/calendar.ts';
import { encounterOf, rejectsTaskLogs, renderEncounter, resolveEncounter } from '../agency/render.ts';
import type { EncounterRecord } from '../agency/store.ts';
import { badRequest, type Ctx, json, objectBody, parseWith, type RouteDef, route } from '../http.ts';
import { readPaging, searchBundle, sortItems } from '../search/paging.ts';
import type { SimState } from '../state.ts';
import { denyForeignAgency, must, numericId, OK } from './common.ts';

const TaskLogPatch = TaskLogRequest.partial();

function encounter(state: SimState, id: number): EncounterRecord {
  return must(resolveEncounter(state.store, id, state.nowMs(), state.seed));
}

/** Generated visits are computed; the first write turns one into a stored record. */
function materialize(state: SimState, rec: EncounterRecord): EncounterRecord {
  const stored = state.store.encounters.get(rec.id);
  if (stored) return stored;
  state.store.encounters.set(rec.id, rec);
  return rec;
}

/**
 * Facts §3.6 [V]: body `{clientId|caregiverId, startDate, endDate}` as YYYYMMDD strings, at least one id;
 * `_sort` on startDate/endDate (`-date` tolerated); default `_count` 30.
 */
function searchEncounters(ctx: Ctx) {
  const { state } = ctx;
  const body = objectBody(ctx);
  const clientId = numericId(body.clientId);
  const caregiverId = numericId(body.caregiverId);
  if (clientId === undefined && caregiverId === undefined)
    throw badRequest('clientId or caregiverId is required.');
  const fromDay =
    typeof body.startDate === 'string' && /^\d{8}$/.test(body.startDate)
      ? parseDay(body.startDate)
      : undefined;
  const toDay =
    typeof body.endDate === 'string' && /^\d{8}$/.test(body.endDate) ? parseDay(body.endDate) : undefined;
  if (fromDay === undefined || toDay === undefined)
    throw badRequest('startDate and endDate must be YYYYMMDD.');
  const now = state.nowMs();
  const schedule = state.store.schedule;
  const occurrences =
    clientId !== undefined
      ? schedule.forClient(clientId, fromDay, toDay)
      : schedule.forCaregiver(caregiverId as number, fromDay, toDay);
  const found: EncounterRecord[] = [];
  for (const occ of occurrences) {
    const rec = encounterOf(state.store, occ, now, state.seed);
    if (rec) found.push(rec);
  }
  for (const rec of state.store.encounters.values()) {
    if (rec.appointmentId !== undefined || rec.deleted) continue;
    const day = state.zone.dayOf(rec.startMs);
    if (day >= fromDay && day <= toDay) found.push(rec);
  }
  const matches = found.filter(
    (r) =>
      (clientId === undefined || r.clientId === clientId) &&
      (caregiverId === undefined || r.caregiverId === caregiverId),
  );
  const byStart = (r: EncounterRecord) => r.startMs;
  const sorted = sortItems(matches, ctx.query.get('_sort') ?? 'startDate', {
    startDate: byStart,
    date: byStart,
    endDate: (r) => r.endMs ?? Number.MAX_SAFE_INTEGER,
  });
  const paging = readPaging(ctx.query, 30, state.quirks.onePagedRoutes);
  return searchBundle(
    sorted.map((r) => renderEncounter(state.store, r, state.seed)),
    paging,
  );
}

function clockIn(ctx: Ctx) {
  const { state, params } = ctx;
  const series = must(state.store.schedule.get(params.appointmentId as number));
  const body = parseWith(ClockInRequest, ctx.body);
  const startMs = parseInstant(body.period.start) as number;
  // Facts §3.7 [V]: clock-in on the appointment creates the visit, or returns the existing one.
  const occ = must(state.store.schedule.nearest(series, startMs, true));
  if (occ.encounterId === 0) throw badRequest('Appointment occurrence is outside the simulated calendar.');
  const now = state.nowMs();
  const existing = encounterOf(state.store, occ, now, state.seed);
  const rec =
    existing ??
    materialize(state, {
      id: occ.encounterId,
      appointmentId: series.id,
      day: occ.day,
      clientId: series.clientId,
      caregiverId: occ.caregiverId,
      startMs,
      endMs: null,
      status: 'IN_PROGRESS',
      updatedMs: now,
    });
  state.store.clockEvents.push({
    kind: 'clockin',
    pathId: series.id,
    encounterId: rec.id,
    body: ctx.body,
    at: new Date(now).toISOString(),
    created: existing === undefined,
  });
  return json(200, {
    clockedOut: rec.endMs !== null,
    id: rec.id,
    period: { start: formatUtc(rec.startMs), end: rec.endMs === null ? null : formatUtc(rec.endMs) },
    resourceType: 'Encounter',
    status: rec.status,
    success: true,
  });
}

function clockOut(ctx: Ctx) {
  const { state, params } = ctx;
  const found = encounter(state, params.encounterId as number);
  const body = parseWith(ClockOutRequest, ctx.body);
  const now = state.nowMs();
  const changes = found.endMs === null;
  if (changes) {
    // Facts §3.7: idempotent — an encounter already clocked out is left as it is.
    const rec = materialize(state, found);
    rec.endMs = parseInstant(body.period.end) as number;
    rec.status = 'COMPLETE';
    rec.updatedMs = now;
    state.webhooks.emit('encounter.clockout.changed', 'Encounter', rec.id);
  }
  state.store.clockEvents.push({
    kind: 'clockout',
    pathId: params.encounterId as number,
    encounterId: found.id,
    body: ctx.body,
    at: new Date(now).toISOString(),
    created: changes,
  });
  return json(200, OK);
}

function addTaskLog(ctx: Ctx) {
  const { state, params } = ctx;
  const rec = encounter(state, params.encounterId as number);
  const body = parseWith(TaskLogRequest, ctx.body);
  if (state.quirks.encounterRejectsTaskLog && rejectsTaskLogs(state.seed, rec.id)) {
    return json(200, { success: false, error: 'Unable to add task log to this encounter' });
  }
  const id = state.store.next.taskLog++;
  const list = state.store.taskLogs.get(rec.id) ?? [];
  list.push({
    id,
    encounterId: rec.id,
    title: body.title,
    description: body.description,
    status: body.status,
    comment: body.comment ?? null,
    recorded: body.recorded,
    showInFamilyRoom: body.show_in_family_room,
    messageForNextCaregiver: body.message_for_next_caregiver ?? false,
    receivedAt: new Date(state.nowMs()).toISOString(),
  });
  state.store.taskLogs.set(rec.id, list);
  return json(200, { success: true, taskLogId: id });
}

function listTaskLogs(ctx: Ctx) {
  const rec = encounter(ctx.state, ctx.params.encounterId as number);
  const entry: TaskLogWire[] = (ctx.state.store.taskLogs.get(rec.id) ?? []).map((t) => ({
    id: String(t.id),
    title: t.title,
    description: t.description,
    status: t.status,
    comment: t.comment,
    recorded: t.recorded,
  }));
  // Facts §3.8 [D]: bare entries and `total`, unlike every other bundle.
  return json(200, { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry });
}

function updateTaskLog(ctx: Ctx) {
  const rec = encounter(ctx.state, ctx.params.encounterId as number);
  const log = must(ctx.state.store.taskLogs.get(rec.id)?.find((t) => t.id === ctx.params.taskLogId));
  const patch = parseWith(TaskLogPatch, ctx.body);
  if (patch.title !== undefined) log.title = patch.title;
  if (patch.description !== undefined) log.description = patch.description;
  if (patch.status !== undefined) log.status = patch.status;
  if (patch.comment !== undefined) log.comment = patch.comment;
  if (patch.recorded !== undefined) log.recorded = patch.recorded;
  if (patch.show_in_family_room !== undefined) log.showInFamilyRoom = patch.show_in_family_room;
  if (patch.message_for_next_caregiver !== undefined)
    log.messageForNextCaregiver = patch.message_for_next_caregiver;
  return json(200, OK);
}

function tickTask(ctx: Ctx) {
  const { state, params } = ctx;
  const found = encounter(state, params.encounterId as number);
  const series =
    found.appointmentId === undefined ? undefined : state.store.schedule.get(found.appointmentId);
  const task = must(series?.tasks.find((t) => Number(t.id) === params.taskId));
  const body = parseWith(TaskStatusRequest, ctx.body);
  const rec = materialize(state, found);
  rec.tasks ??= new Map();
  rec.tasks.set(
    task.id,
    body.comment === undefined ? { status: body.status } : { status: body.status, comment: body.comment },
  );
  return json(200, OK);
}

function createEncounter(ctx: Ctx) {
  const { state } = ctx;
  const body = parseWith(EncounterCreateRequest, ctx.body);
  denyForeignAgency(state, body.agencyId);
  const clientId = Number(body.patientId);
  const caregiverId = Number(body.practitionerId);
  must(state.store.patients.get(clientId));
  must(state.store.practitioners.get(caregiverId));
  const id = state.store.next.directEncounter++;
  state.store.encounters.set(id, {
    id,
    clientId,
    caregiverId,
    startMs: parseInstant(body.startDateTime) as number,
    endMs: parseInstant(body.endDateTime) as number,
    status: body.status,
    updatedMs: state.nowMs(),
  });
  return json(201, { resourceType: 'Encounter', id: String(id) });
}

function updateEncounter(ctx: Ctx) {
  const { state, params } = ctx;
  const rec = materialize(state, encounter(state, params.id as number));
  const body = parseWith(EncounterUpdateRequest, ctx.body);
  denyForeignAgency(state, body.agencyId);
  if (body.status !== undefined) rec.status = body.status;
  if (body.startDateTime !== undefined) rec.startMs = parseInstant(body.startDateTime) as number;
  if (body.endDateTime !== undefined) rec.endMs = parseInstant(body.endDateTime) as number;
  if (body.practitionerId !== undefined) rec.caregiverId = Number(body.practitionerId);
  rec.updatedMs = state.nowMs();
  return json(200, { resourceType: 'Encounter', id: String(rec.id) });
}

export const encounterRoutes: RouteDef[] = [
  route('POST', '/v1/encounter/_search/', 'encountersRead', (ctx) => json(200, searchEncounters(ctx))),
  route('GET', '/v1/encounter/{id}/', 'encountersRead', ({ state, params }) =>
    json(200, renderEncounter(state.store, encounter(state, params.id as number), state.seed)),
  ),
  route('POST', '/v1/encounter/', 'encountersWrite', createEncounter),
  route('PUT', '/v1/encounter/{id}/', 'encountersWrite', updateEncounter),
  route('DELETE', '/v1/encounter/{id}/', 'encountersWrite', ({ state, params }) => {
    materialize(state, encounter(state, params.id as number)).deleted = true;
    return json(200, OK);
  }),
  route('POST', '/v1/encounter/{appointmentId}/clockin/', 'clock', clockIn),
  route('PUT', '/v1/encounter/{encounterId}/clockout/', 'clock', clockOut),
  route('POST', '/v1/encounter/{encounterId}/tasklog/', 'taskLogsWrite', addTaskLog),
  route('GET', '/v1/encounter/{encounterId}/tasklog/', 'encountersRead', listTaskLogs),
  route('PUT', '/v1/encounter/{encounterId}/tasklog/{taskLogId}/', 'taskLogsWrite', updateTaskLog),
  route('PUT', '/v1/encounter/{encounterId}/task/{taskId}/', 'tasksWrite', tickTask),
];
