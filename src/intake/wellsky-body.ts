import type { PersonRequest } from './requests.ts';
import type { StageTarget } from './stages.ts';

export type WellSkyKind = 'patient' | 'practitioner';

export interface Tag {
  code: string;
  display: string;
}

/** What Skybridge wants a WellSky record to hold: top-level fields and meta tags, kept apart to diff. */
export interface DesiredRecord {
  fields: Record<string, unknown>;
  tags: Tag[];
}

/** The FHIR-ish parts both people share (facts §3.2): name, telecom, address, birth date. */
function personFields(request: PersonRequest): Record<string, unknown> {
  const telecom: Record<string, unknown>[] = request.phones.map((p) => ({
    system: 'phone',
    // Only work numbers may carry an extension (facts §2.6).
    value: p.use === 'work' && p.extension ? `${p.digits}x${p.extension}` : p.digits,
    use: p.use,
  }));
  if (request.email) telecom.push({ system: 'email', value: request.email });
  const fields: Record<string, unknown> = {
    name: [{ use: 'official', given: [request.givenName], family: request.familyName }],
    telecom,
  };
  if (request.address) {
    const a = request.address;
    fields.address = [
      { use: 'home', line: [a.line], city: a.city, state: a.state, postalCode: a.postalCode },
    ];
  }
  if (request.birthDate) fields.birthDate = request.birthDate;
  return fields;
}

/** A prospect or client (facts §3.4): `isClient` and the status tag carry the stage. */
export function desiredPatient(request: PersonRequest, target: StageTarget): DesiredRecord {
  const tags: Tag[] = [
    { code: 'isClient', display: target.promotes ? 'true' : 'false' },
    { code: 'status', display: String(target.status) },
  ];
  if (request.referralSource) tags.push({ code: 'referralSource', display: request.referralSource });
  if (request.payer) tags.push({ code: 'payerSource', display: request.payer });
  if (request.notes) tags.push({ code: 'notes', display: request.notes });
  return { fields: personFields(request), tags };
}

/**
 * An applicant or caregiver (facts §3.3): `isHired`, the status id, and skills and languages as the
 * comma-separated `profileTags` ids. The hire date travels in a `hireDate` tag (an assumption: the facts
 * name no hire-date field).
 */
export function desiredPractitioner(
  request: PersonRequest,
  target: StageTarget,
  profileTagIds: string[],
): DesiredRecord {
  const fields = personFields(request);
  if (request.gender) fields.gender = request.gender;
  const tags: Tag[] = [
    { code: 'isHired', display: target.promotes ? 'true' : 'false' },
    { code: 'status', display: String(target.status) },
  ];
  if (profileTagIds.length > 0) tags.push({ code: 'profileTags', display: profileTagIds.join(',') });
  if (target.promotes && request.hireDate) tags.push({ code: 'hireDate', display: request.hireDate });
  if (request.notes) tags.push({ code: 'notes', display: request.notes });
  return { fields, tags };
}

const RESOURCE: Record<WellSkyKind, string> = { patient: 'Patient', practitioner: 'Practitioner' };

/** The create body: everything, the agency tag, and the marker that finds it again after a lost answer. */
export function createBody(
  kind: WellSkyKind,
  desired: DesiredRecord,
  agencyId: string,
  marker: string,
): Record<string, unknown> {
  return {
    resourceType: RESOURCE[kind],
    active: true,
    ...desired.fields,
    meta: {
      tag: [
        { code: 'agencyId', display: agencyId },
        ...desired.tags,
        { code: 'externalId', display: marker },
      ],
    },
  };
}

/**
 * A partial update (facts §3.4 [D]/[C]): the resource type, the agency tag and only what changed since
 * `before` (null: everything). A tag no longer wanted is sent empty. Undefined when nothing changed.
 */
export function updateBody(
  kind: WellSkyKind,
  before: DesiredRecord | null,
  after: DesiredRecord,
  agencyId: string,
): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(after.fields), ...Object.keys(before?.fields ?? {})]);
  for (const key of keys) {
    const next = after.fields[key];
    if (before && JSON.stringify(before.fields[key]) === JSON.stringify(next)) continue;
    fields[key] = next === undefined ? (Array.isArray(before?.fields[key]) ? [] : null) : next;
  }
  const tags: Tag[] = [];
  const codes = new Set([...after.tags.map((t) => t.code), ...(before?.tags ?? []).map((t) => t.code)]);
  for (const code of codes) {
    const next = after.tags.find((t) => t.code === code)?.display ?? '';
    const prev = before?.tags.find((t) => t.code === code)?.display;
    if (before && prev === next) continue;
    tags.push({ code, display: next });
  }
  if (Object.keys(fields).length === 0 && tags.length === 0) return undefined;
  return {
    resourceType: RESOURCE[kind],
    ...fields,
    meta: { tag: [{ code: 'agencyId', display: agencyId }, ...tags] },
  };
}
