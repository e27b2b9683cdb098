import { Patient, type PatientWire, Practitioner, type PractitionerWire } from '../../connect/wire/index.ts';
import { unit } from '../agency/random.ts';
import { renderPatient, renderPractitioner } from '../agency/render.ts';
import type { PersonKind, PersonRecord } from '../agency/store.ts';
import { type Ctx, fail, json, objectBody, parseWith, type RouteDef, route } from '../http.ts';
import { PERSON_SORT, personPredicates } from '../search/filters.ts';
import { readFilters, readPaging, searchBundle, sortItems } from '../search/paging.ts';
import type { SimState } from '../state.ts';
import { denyForeignAgency, denyForeignAgencyTag, must, OK } from './common.ts';

const PatientCreate = Patient.omit({ id: true });
const PractitionerCreate = Practitioner.omit({ id: true });

/** Shared by the API and the control surface: the office user's create. */
export function createPerson(state: SimState, kind: PersonKind, body: unknown): PersonRecord {
  const parsed = parseWith(kind === 'patient' ? PatientCreate : PractitionerCreate, body) as Record<
    string,
    unknown
  >;
  const name = (parsed.name as { family?: string }[] | undefined)?.[0];
  if (!name?.family) throw fail(422, { error: 'Validation failed: name is required' });
  denyForeignAgencyTag(state, parsed.meta);
  const id = state.store.next[kind]++;
  const meta = (parsed.meta ?? {}) as { tag?: { code: string; display?: string | null }[] };
  const tags = [...(meta.tag ?? [])];
  if (!tags.some((t) => t.code === 'agencyId'))
    tags.push({ code: 'agencyId', display: state.options.agencyId });
  const now = state.nowMs();
  const wire = { ...parsed, id: String(id), meta: { ...meta, tag: tags } } as PatientWire | PractitionerWire;
  const record = state.store.addPerson(kind, wire, now, now);
  state.personChanged(kind, id, 'created');
  return record;
}

export function updatePerson(
  state: SimState,
  kind: PersonKind,
  id: number,
  patch: Record<string, unknown>,
): PersonRecord {
  const record = must(state.store.people(kind).get(id));
  denyForeignAgencyTag(state, patch.meta);
  const facets = state.store.updatePerson(kind, id, patch, state.nowMs());
  state.personChanged(kind, id, facets);
  return must(state.store.people(kind).get(record.id));
}

function search(kind: PersonKind, ctx: Ctx, body: Record<string, unknown> | undefined): Response {
  const { state } = ctx;
  const filters = readFilters(ctx.query, body);
  denyForeignAgency(state, filters.get('agency_id'));
  filters.delete('agency_id');
  if (state.quirks.externalIdFilterIgnored) filters.delete('external_id');
  const paging = readPaging(ctx.query, 20);
  const render = (r: PersonRecord) =>
    kind === 'patient' ? renderPatient(r, state.quirks) : renderPractitioner(r);
  // Facts §3.4 [V]: `active=true` on a patient search silently returns nothing.
  if (
    kind === 'patient' &&
    state.quirks.patientActiveFilterEmpty &&
    filters.get('active')?.toLowerCase() === 'true'
  ) {
    return searchBundle([], paging);
  }
  const predicates = personPredicates(filters);
  let records = [...state.store.people(kind).values()].filter((r) => predicates.every((p) => p(r)));
  // Facts §3.4 [V]: a bare list returned ~29 of ~70 clients; the `_search` route was unaffected.
  if (kind === 'patient' && !body && filters.size === 0 && state.quirks.patientBareListPartial) {
    records = records.filter((r) => unit(state.seed, r.id, 40) < 0.4);
  }
  return searchBundle(sortItems(records, ctx.query.get('_sort'), PERSON_SORT).map(render), paging);
}
type Response = ReturnType<typeof searchBundle>;

function personRoutes(
  kind: PersonKind,
  collection: string,
  read: 'patientsRead' | 'practitionersRead',
  write: 'patientsWrite' | 'practitionersWrite',
): RouteDef[] {
  const resourceType = kind === 'patient' ? 'Patient' : 'Practitioner';
  return [
    route('GET', `/v1/${collection}/`, read, (ctx) => json(200, search(kind, ctx, undefined))),
    route('POST', `/v1/${collection}/_search/`, read, (ctx) => json(200, search(kind, ctx, objectBody(ctx)))),
    route('GET', `/v1/${collection}/{id}/`, read, ({ state, params }) => {
      const record = must(state.store.people(kind).get(params.id as number));
      return json(200, kind === 'patient' ? renderPatient(record, state.quirks) : renderPractitioner(record));
    }),
    route('POST', `/v1/${collection}/`, write, (ctx) => {
      const record = createPerson(ctx.state, kind, ctx.body);
      return json(201, { resourceType, id: String(record.id) });
    }),
    route('PUT', `/v1/${collection}/{id}/`, write, (ctx) => {
      must(ctx.state.store.people(kind).get(ctx.params.id as number));
      const record = updatePerson(ctx.state, kind, ctx.params.id as number, objectBody(ctx));
      return json(200, { resourceType, id: String(record.id) });
    }),
    route('DELETE', `/v1/${collection}/{id}/`, write, ({ state, params }) => {
      must(state.store.deletePerson(kind, params.id as number) || undefined);
      return json(200, OK);
    }),
  ];
}

export const peopleRoutes: RouteDef[] = [
  ...personRoutes('practitioner', 'practitioners', 'practitionersRead', 'practitionersWrite'),
  ...personRoutes('patient', 'patients', 'patientsRead', 'patientsWrite'),
];
