import { RelatedPerson, type RelatedPersonWire } from '../../connect/wire/index.ts';
import { type Ctx, fail, json, objectBody, parseWith, type RouteDef, route } from '../http.ts';
import { readPaging, searchBundle } from '../search/paging.ts';
import { must, OK, referenceId } from './common.ts';

const RelatedCreate = RelatedPerson.omit({ id: true });

function createRelated(ctx: Ctx) {
  const { state } = ctx;
  const body = parseWith(RelatedCreate, ctx.body);
  const patientId = referenceId(body.patient?.reference, 'Patient');
  if (patientId === undefined) throw fail(422, { error: 'Validation failed: patient.reference is required' });
  must(state.store.patients.get(patientId));
  const relationship = body.relationship as { coding?: { code?: string }[] } | undefined;
  if (!relationship?.coding?.[0]?.code)
    throw fail(422, { error: 'Validation failed: relationship.coding.code is required' });
  const id = state.store.next.relatedPerson++;
  const wire = {
    ...(body as Record<string, unknown>),
    resourceType: 'RelatedPerson',
    id: String(id),
  } as RelatedPersonWire;
  state.store.addRelated(patientId, wire);
  return json(201, wire);
}

/** Facts §3.12 [D]: search body `{patient, name, phone}`; default `_count` 30 (client-code default). */
function searchRelated(ctx: Ctx) {
  const { state } = ctx;
  const body = objectBody(ctx);
  const patientId =
    referenceId(body.patient, 'Patient') ?? referenceId(`Patient/${body.patient ?? ''}`, 'Patient');
  const name = typeof body.name === 'string' ? body.name.toLocaleLowerCase() : undefined;
  const phone = typeof body.phone === 'string' ? body.phone.replace(/\D/g, '').slice(-10) : undefined;
  let candidates: RelatedPersonWire[];
  if (phone) {
    candidates = state.store
      .byPhone(phone)
      .filter((k) => k.startsWith('related:'))
      .map((k) => state.store.relatedById.get(Number(k.slice(8)))?.wire)
      .filter((w): w is RelatedPersonWire => w !== undefined);
  } else if (patientId !== undefined) {
    candidates = state.store.relatedByPatient.get(patientId) ?? [];
  } else {
    candidates = [...state.store.relatedById.values()].map((e) => e.wire);
  }
  const matches = candidates.filter((r) => {
    if (patientId !== undefined && r.patient?.reference !== `Patient/${patientId}`) return false;
    if (name) {
      const n = r.name?.[0];
      const full = `${(n?.given ?? []).join(' ')} ${n?.family ?? ''}`.toLocaleLowerCase();
      if (!full.includes(name)) return false;
    }
    return true;
  });
  return searchBundle(matches, readPaging(ctx.query, 30, state.quirks.onePagedRoutes));
}

export const relatedRoutes: RouteDef[] = [
  // Facts §3.12 [V]: `{entry:[{resource}]}` only — no resourceType, no count.
  route('GET', '/v1/relatedperson/{patientId}/', 'relatedPersonsRead', ({ state, params }) => {
    must(state.store.patients.get(params.patientId as number));
    const entry = (state.store.relatedByPatient.get(params.patientId as number) ?? []).map((resource) => ({
      resource,
    }));
    return json(200, { entry });
  }),
  route('POST', '/v1/relatedperson/', 'relatedPersonsWrite', createRelated),
  route('POST', '/v1/relatedperson/_search/', 'relatedPersonsRead', (ctx) => json(200, searchRelated(ctx))),
  route('PUT', '/v1/relatedperson/{contactId}/', 'relatedPersonsWrite', (ctx) => {
    const entry = must(ctx.state.store.relatedById.get(ctx.params.contactId as number));
    const patch = objectBody(ctx);
    const wire = {
      ...entry.wire,
      ...patch,
      resourceType: 'RelatedPerson',
      id: entry.wire.id,
      patient: entry.wire.patient,
    } as RelatedPersonWire;
    ctx.state.store.replaceRelated(ctx.params.contactId as number, wire);
    return json(200, wire);
  }),
  route(
    'DELETE',
    '/v1/relatedperson/{patientId}/contacts/{contactId}/',
    'relatedPersonsWrite',
    ({ state, params }) => {
      must(state.store.removeRelated(params.patientId as number, params.contactId as number) || undefined);
      return json(200, OK);
    },
  ),
];
