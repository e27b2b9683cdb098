import { createHash } from 'node:crypto';
import type { Appointment, Encounter, Patient, Practitioner, RelatedPerson } from '../connect/wire/index.ts';
import { type Extension, GEOLOCATION_URL, type HumanName, tagValue } from '../connect/wire/index.ts';
import { normalizePhone } from '../lib/phone.ts';
import { foldName } from '../mirror/text.ts';
import type { MirrorPhone } from '../store/index.ts';

// Pure mappings from wire resources to mirror rows: the fields the product reads, plus the raw resource.
// No I/O here, so every rule below is easy to test and to cite.

export type CaregiverKind = 'caregiver' | 'applicant';
export type ClientKind = 'client' | 'prospect';

export interface PersonFields {
  id: string;
  kind: string;
  active: boolean;
  status: string | null;
  given_name: string;
  family_name: string;
  full_name: string;
  name_key: string;
  gender: string | null;
  phones: MirrorPhone[];
  languages: string[];
  tag_ids: string[];
  preferences: Record<string, string>;
  home_lat: number | null;
  home_lon: number | null;
  source_updated: string | null;
  raw: Record<string, unknown>;
  hash: string;
}

export interface RelatedFields {
  id: string;
  client_id: string;
  given_name: string;
  family_name: string;
  full_name: string;
  name_key: string;
  relationship_code: string | null;
  relationship: string | null;
  phones: MirrorPhone[];
  emergency_contact: boolean;
  primary_contact: boolean;
  payer: boolean;
  poa: boolean;
  raw: Record<string, unknown>;
  hash: string;
}

export interface ShiftFields {
  appointment_id: string;
  start_at: string;
  end_at: string;
  client_id: string;
  caregiver_id: string | null;
  status: string;
  is_open: boolean;
  raw: Record<string, unknown>;
  hash: string;
}

export interface VisitFields {
  id: string;
  appointment_id: string | null;
  client_id: string | null;
  caregiver_id: string | null;
  clock_in_at: string | null;
  clock_out_at: string | null;
  status: string | null;
  raw: Record<string, unknown>;
  hash: string;
}

/** Client preference tags (a simulator assumption: the facts do not say where WellSky keeps them). */
const PREFERENCE_TAGS = ['preferredCaregivers', 'doNotSend', 'genderPreference', 'requiredTags'] as const;

export function hashOf(raw: unknown): string {
  return createHash('sha1').update(JSON.stringify(raw)).digest('base64url');
}

function names(name: HumanName | undefined): { given: string; family: string; full: string } {
  const given = (name?.given ?? []).join(' ').trim();
  const family = (name?.family ?? '').trim();
  const full = (name?.text ?? '').trim() || [given, family].filter(Boolean).join(' ');
  return { given, family, full };
}

/** Phones normalised to WellSky's 10 digits (facts §2.6); e-mail and fax entries are not phones to call. */
export function phonesOf(
  telecom:
    | readonly {
        system?: string | undefined;
        value?: string | null | undefined;
        use?: string | null | undefined;
      }[]
    | null
    | undefined,
): MirrorPhone[] {
  const out: MirrorPhone[] = [];
  for (const t of telecom ?? []) {
    if (t.system !== undefined && t.system !== 'phone') continue;
    const phone = t.value ? normalizePhone(t.value) : undefined;
    if (!phone) continue;
    const use = t.use ?? 'phone';
    if (!out.some((p) => p.digits === phone.digits && p.use === use)) out.push({ digits: phone.digits, use });
  }
  return out;
}

/** Standard FHIR geolocation extension on the home address (a simulator assumption, see README). */
function homePosition(address: readonly { extension?: Extension[] | undefined }[] | null | undefined) {
  const geo = address?.[0]?.extension?.find((e) => e.url === GEOLOCATION_URL);
  const lat = geo?.extension?.find((e) => e.url === 'latitude')?.valueDecimal;
  const lon = geo?.extension?.find((e) => e.url === 'longitude')?.valueDecimal;
  return { home_lat: lat ?? null, home_lon: lon ?? null };
}

function languagesOf(person: Patient | Practitioner): string[] {
  const codes: string[] = [];
  for (const c of person.communication ?? []) {
    // WellSky puts `coding` on the entry; FHIR nests it under `language` (facts §3.2). Read both.
    for (const coding of [...(c.coding ?? []), ...(c.language?.coding ?? [])]) {
      if (coding.code && !codes.includes(coding.code)) codes.push(coding.code);
    }
  }
  return codes;
}

function listTag(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function personFields(person: Patient | Practitioner, kind: string): PersonFields {
  const n = names(person.name?.[0]);
  const status = tagValue(person.meta, 'status') ?? null;
  const updated = person.meta?.lastUpdated;
  return {
    id: person.id,
    kind,
    active: person.active ?? false,
    // Patients' status tag often reads "None" (facts §3.4 [V]): keep it as sent, never decide on it.
    status: status === 'None' ? null : status,
    given_name: n.given,
    family_name: n.family,
    full_name: n.full,
    name_key: foldName(n.full),
    gender: person.gender ?? null,
    phones: phonesOf(person.telecom),
    languages: languagesOf(person),
    tag_ids: listTag(tagValue(person.meta, 'profileTags')),
    preferences: {},
    ...homePosition(person.address),
    source_updated: updated && !Number.isNaN(Date.parse(updated)) ? new Date(updated).toISOString() : null,
    raw: person as Record<string, unknown>,
    hash: hashOf(person),
  };
}

/** Hired caregiver vs applicant: the `isHired` tag, or status 100 "Hired" (facts §3.3). */
export function caregiverFields(p: Practitioner): PersonFields {
  const hired = tagValue(p.meta, 'isHired')?.toLowerCase() === 'true' || tagValue(p.meta, 'status') === '100';
  return personFields(p, hired ? 'caregiver' : 'applicant');
}

/** Client vs prospect: `isClient` is the reliable marker; `status` and `active` are not (facts §3.4 [V]). */
export function clientFields(p: Patient): PersonFields {
  const isClient = tagValue(p.meta, 'isClient')?.toLowerCase() === 'true';
  const fields = personFields(p, isClient ? 'client' : 'prospect');
  for (const code of PREFERENCE_TAGS) {
    const value = tagValue(p.meta, code);
    if (value) fields.preferences[code] = value;
  }
  fields.tag_ids = listTag(tagValue(p.meta, 'requiredTags'));
  return fields;
}

export function relatedFields(r: RelatedPerson, clientId: string): RelatedFields {
  const n = names(r.name?.[0]);
  // `relationship` is an object on the wire, an array in FHIR (facts §3.12); accept both.
  const rel = Array.isArray(r.relationship) ? r.relationship[0] : r.relationship;
  const coding = rel?.coding?.[0];
  return {
    id: r.id,
    client_id: clientId,
    given_name: n.given,
    family_name: n.family,
    full_name: n.full,
    name_key: foldName(n.full),
    relationship_code: coding?.code ?? null,
    relationship: coding?.display ?? rel?.text ?? null,
    phones: phonesOf(r.telecom),
    emergency_contact: r.emergencyContact ?? false,
    primary_contact: r.primaryContact ?? false,
    payer: r.payer ?? false,
    poa: r.poa ?? false,
    raw: r as Record<string, unknown>,
    hash: hashOf(r),
  };
}

/** The client a related person belongs to, from `patient.reference` ("Patient/<id>"). */
export function relatedClientId(r: RelatedPerson): string | undefined {
  const m = /^Patient\/(\d+)$/.exec(r.patient?.reference ?? '');
  return m?.[1];
}

/** WellSky datetimes are UTC, `+00:00` or `Z`; no offset means UTC too (facts §2.5). */
export function utcInstant(value: string): string {
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO datetime: ${value}`);
  return new Date(ms).toISOString();
}

/** Open shift: no caregiver, or status OPEN (facts §6 glossary). Names are never on entries (§2.4). */
export function shiftFields(a: Appointment): ShiftFields {
  const caregiverId = a.caregiver?.id ?? null;
  return {
    appointment_id: a.id,
    start_at: utcInstant(a.start),
    end_at: utcInstant(a.end),
    client_id: a.client.id,
    caregiver_id: caregiverId,
    status: a.status,
    is_open: caregiverId === null || a.status.toUpperCase() === 'OPEN',
    raw: a as Record<string, unknown>,
    hash: hashOf(a),
  };
}

function refId(reference: string | undefined | null, type: string): string | null {
  const m = new RegExp(`^${type}/(\\d+)$`).exec(reference ?? '');
  return m?.[1] ?? null;
}

/** `participant` is an object keyed "Individual" on WellSky, an array in FHIR (facts §3.6). */
export function visitFields(e: Encounter): VisitFields {
  let caregiverRef: string | undefined;
  const participant = e.participant;
  if (Array.isArray(participant)) caregiverRef = participant[0]?.individual?.reference;
  else caregiverRef = participant?.Individual?.[0]?.reference;
  return {
    id: e.id,
    appointment_id: refId(e.appointment?.reference, 'Appointment'),
    client_id: refId(e.subject?.reference, 'Patient'),
    caregiver_id: refId(caregiverRef, 'Practitioner'),
    clock_in_at: e.period?.start ? utcInstant(e.period.start) : null,
    clock_out_at: e.period?.end ? utcInstant(e.period.end) : null,
    status: e.status ?? null,
    raw: e as Record<string, unknown>,
    hash: hashOf(e),
  };
}
