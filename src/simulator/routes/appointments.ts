import { Appointment } from '../../connect/wire/index.ts';
import { parseDay, parseInstant } from '../agency/calendar.ts';
import { renderOccurrence } from '../agency/render.ts';
import type { Occurrence } from '../agency/schedule.ts';
import { EXPLICIT_DENY } from '../gateway.ts';
import {
  badRequest,
  type Ctx,
  fail,
  json,
  objectBody,
  parseWith,
  type Reply,
  type RouteDef,
  route,
} from '../http.ts';
import { readFilters, readPaging, searchBundle } from '../search/paging.ts';
import type { SimState } from '../state.ts';
import { denyForeignAgency, must, numericId, OK } from './common.ts';

const AppointmentBody = Appointment.omit({ id: true });

export interface AppointmentWindow {
  clientId?: number;
  caregiverId?: number;
  fromDay: number;
  toDay: number;
}

/**
 * Facts §3.5 [D]/[V]: exactly one of caregiverId/clientId and exactly one date selector — `startDate`
 * (+ `additionalDays` 0–6), ISO `weekNo` YYYYWW, or `monthNo` YYYYMM. Selectors are agency-zone calendar
 * days: the API stores UTC but the office thinks in local days (simulator reading; facts §2.5).
 */
export function appointmentWindow(state: SimState, filters: Map<string, string>): AppointmentWindow {
  const clientId = filters.get('clientId');
  const caregiverId = filters.get('caregiverId');
  if ((clientId === undefined) === (caregiverId === undefined)) {
    throw badRequest('Exactly one of caregiverId or clientId is required.');
  }
  const id = numericId(clientId ?? caregiverId);
  if (id === undefined)
    throw badRequest(`${clientId !== undefined ? 'clientId' : 'caregiverId'} must be numeric.`);
  const selectors = ['startDate', 'weekNo', 'monthNo'].filter((k) => filters.has(k));
  if (selectors.length !== 1) throw badRequest('Exactly one of startDate, weekNo or monthNo is required.');
  const base = clientId !== undefined ? { clientId: id } : { caregiverId: id };
  const additional = filters.get('additionalDays');
  if (additional !== undefined && selectors[0] !== 'startDate')
    throw badRequest('additionalDays requires startDate.');
  if (selectors[0] === 'startDate') {
    const from = parseDay(filters.get('startDate') ?? '');
    if (from === undefined || !/^\d{8}$/.test(filters.get('startDate') ?? ''))
      throw badRequest('startDate must be YYYYMMDD.');
    const extra = additional === undefined ? 0 : Number(additional);
    if (!Number.isInteger(extra) || extra < 0 || extra > 6)
      throw badRequest('additionalDays must be between 1 and 6.');
    return { ...base, fromDay: from, toDay: from + extra };
  }
  if (selectors[0] === 'weekNo') {
    const m = /^(\d{4})(\d{2})$/.exec(filters.get('weekNo') ?? '');
    const monday = m ? state.zone.isoWeekMonday(Number(m[1]), Number(m[2])) : undefined;
    if (monday === undefined) throw badRequest('weekNo must be YYYYWW.');
    return { ...base, fromDay: monday, toDay: monday + 6 };
  }
  const m = /^(\d{4})(\d{2})$/.exec(filters.get('monthNo') ?? '');
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12) throw badRequest('monthNo must be YYYYMM.');
  const from = parseDay(`${m[1]}${m[2]}01`) as number;
  const next =
    month === 12
      ? parseDay(`${Number(m[1]) + 1}0101`)
      : parseDay(`${m[1]}${String(month + 1).padStart(2, '0')}01`);
  return { ...base, fromDay: from, toDay: (next as number) - 1 };
}

export function occurrencesIn(state: SimState, w: AppointmentWindow): Occurrence[] {
  const schedule = state.store.schedule;
  return w.clientId !== undefined
    ? schedule.forClient(w.clientId, w.fromDay, w.toDay)
    : schedule.forCaregiver(w.caregiverId as number, w.fromDay, w.toDay);
}

function search(ctx: Ctx, body: Record<string, unknown> | undefined): Reply {
  const { state } = ctx;
  const filters = readFilters(ctx.query, body);
  denyForeignAgency(state, filters.get('agencyId') ?? filters.get('agency_id'));
  const window = appointmentWindow(state, filters);
  const now = state.nowMs();
  const entries = occurrencesIn(state, window).map((o) =>
    renderOccurrence(state.store, o, state.quirks, now),
  );
  return json(200, searchBundle(entries, readPaging(ctx.query, 20)));
}

/** The occurrence a full-replacement PUT addresses: the one on the local day of the body's `start`. */
function targetOccurrence(state: SimState, seriesId: number, startMs: number): Occurrence {
  const series = must(state.store.schedule.get(seriesId));
  return must(state.store.schedule.nearest(series, startMs, true));
}

export const appointmentRoutes: RouteDef[] = [
  route('GET', '/v1/appointment/', 'appointmentsRead', (ctx) => search(ctx, undefined)),
  route('POST', '/v1/appointment/_search/', 'appointmentsRead', (ctx) => {
    // Facts §3.1 S2 [V]: from Feb 26 this route answered 403 while the GET search still worked.
    if (ctx.state.quirks.appointmentSearchPostForbidden) return EXPLICIT_DENY;
    return search(ctx, objectBody(ctx));
  }),
  route('GET', '/v1/appointment/{id}/', 'appointmentsRead', ({ state, params }) => {
    const series = must(state.store.schedule.get(params.id as number));
    // Facts §3.5 [D]: a lookup of a recurring id picks the "nearest" occurrence.
    const occ = must(state.store.schedule.nearest(series, state.nowMs(), false));
    return json(200, renderOccurrence(state.store, occ, state.quirks, state.nowMs()));
  }),
  route('POST', '/v1/appointment/', 'appointmentsWrite', ({ state, body }) => {
    const parsed = parseWith(AppointmentBody, body);
    const clientId = Number(parsed.client.id);
    must(state.store.patients.get(clientId));
    const caregiverId = parsed.caregiver ? Number(parsed.caregiver.id) : null;
    if (caregiverId !== null && !state.store.practitioners.has(caregiverId)) {
      throw fail(422, { error: 'Validation failed: caregiver.id is unknown' });
    }
    const series = addOneOff(state, clientId, caregiverId, parsed.start, parsed.end, parsed.status);
    return json(201, { resourceType: 'Appointment', id: String(series.id) });
  }),
  route('PUT', '/v1/appointment/{id}/', 'appointmentsWrite', ({ state, params, body }) => {
    const series = must(state.store.schedule.get(params.id as number));
    // Facts §3.5 [D]: update is a full replacement, so the full body is required.
    const parsed = parseWith(AppointmentBody, body);
    const startMs = parseInstant(parsed.start) as number;
    const endMs = parseInstant(parsed.end) as number;
    const occ = targetOccurrence(state, series.id, startMs);
    const caregiverId = parsed.caregiver ? Number(parsed.caregiver.id) : null;
    state.store.schedule.setOverride(
      series,
      occ.day,
      { caregiverId, startMs, endMs, status: explicitStatus(caregiverId, parsed.status) },
      state.nowMs(),
    );
    return json(200, { resourceType: 'Appointment', id: String(series.id) });
  }),
  route('DELETE', '/v1/appointment/{id}/', 'appointmentsWrite', ({ state, params }) => {
    const series = must(state.store.schedule.get(params.id as number));
    state.store.schedule.remove(series, state.nowMs());
    return json(200, OK);
  }),
];

export function addOneOff(
  state: SimState,
  clientId: number,
  caregiverId: number | null,
  start: string,
  end: string,
  status?: string,
) {
  const startMs = parseInstant(start);
  const endMs = parseInstant(end);
  if (startMs === undefined || endMs === undefined || endMs <= startMs) {
    throw fail(422, { error: 'Validation failed: end must be after start' });
  }
  const day = state.zone.dayOf(startMs);
  return state.store.schedule.add({
    clientId,
    caregiverId,
    weekday: null,
    firstDay: day,
    lastDay: day,
    startMinute: 0,
    durationMin: Math.round((endMs - startMs) / 60_000),
    fixedStartMs: startMs,
    fixedEndMs: endMs,
    status: explicitStatus(caregiverId, status),
    generated: false,
    tasks: [],
    scheduledItems: [],
    updatedMs: state.nowMs(),
  });
}

/** Open when unstaffed; SCHEDULED is left to the clock so the shift turns COMPLETED once over. */
function explicitStatus(caregiverId: number | null, status: string | undefined): string | undefined {
  if (caregiverId === null) return 'OPEN';
  return status === undefined || status === 'SCHEDULED' ? undefined : status;
}
