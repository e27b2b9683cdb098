import type { PersonFilters } from '../connect/resources/people.ts';
import { tagValue } from '../connect/wire/common.ts';
import type { PeoplePort, WellSkyPerson } from './people.ts';
import type { PersonRequest } from './requests.ts';
import type { WellSkyKind } from './wellsky-body.ts';

export interface Candidate {
  wellskyId: string;
  name: string;
  /** What matched: `phone`, `email`, `name+birthDate`. */
  matched: string[];
  /** A client (patient) or hired caregiver (practitioner) already. */
  promoted: boolean;
}

export type MatchDecision =
  | { decision: 'none' }
  | { decision: 'link'; candidate: Candidate; record: WellSkyPerson }
  | { decision: 'ambiguous'; reason: string; candidates: Candidate[] };

const PHONE_FILTERS = ['mobile_phone', 'home_phone', 'work_phone'] as const;
const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** Whether this WellSky record is the one Skybridge created for the marker (its `externalId` tag). */
export function carriesMarker(record: WellSkyPerson, marker: string): boolean {
  return tagValue(record.meta, 'externalId') === marker;
}

/**
 * The record a lost create left behind, by the `external_id` filter. The tag is checked on every result,
 * so a WellSky that ignores the filter (facts §2.2: no custom-field search, [C]) cannot produce a false
 * match; the caller also checks the person searches' results, which find it where the filter does not.
 */
export async function findByMarker(
  people: PeoplePort,
  kind: WellSkyKind,
  marker: string,
): Promise<WellSkyPerson | undefined> {
  return (await people.search(kind, { external_id: marker })).find((r) => carriesMarker(r, marker));
}

/**
 * Looks for the person already in WellSky: by each phone (every phone field, since WellSky's phone
 * search only matches the field of the filter's use, facts §3.3 [V]) and by name, then compares phone,
 * e-mail and name + birth date on what came back. WellSky has no e-mail or birth-date filter in the
 * facts, so those are compared on the phone and name results only.
 */
export async function findCandidates(
  people: PeoplePort,
  kind: WellSkyKind,
  request: PersonRequest,
): Promise<{ candidates: Candidate[]; records: Map<string, WellSkyPerson> }> {
  const searches: PersonFilters[] = [{ first_name: request.givenName, last_name: request.familyName }];
  for (const digits of new Set(request.phones.map((p) => p.digits))) {
    for (const filter of PHONE_FILTERS) searches.push({ [filter]: digits });
  }
  const records = new Map<string, WellSkyPerson>();
  for (const filters of searches) {
    for (const record of await people.search(kind, filters)) records.set(record.id, record);
  }
  const candidates: Candidate[] = [];
  for (const record of records.values()) {
    const matched = matchesOf(record, request);
    if (matched.length === 0) continue;
    candidates.push({
      wellskyId: record.id,
      name: nameOf(record),
      matched,
      promoted: tagValue(record.meta, kind === 'patient' ? 'isClient' : 'isHired') === 'true',
    });
  }
  return { candidates, records };
}

function matchesOf(record: WellSkyPerson, request: PersonRequest): string[] {
  const matched: string[] = [];
  const ours = new Set(request.phones.map((p) => p.digits));
  const telecom = record.telecom ?? [];
  const phones = telecom
    .filter((t) => t.system === 'phone')
    .map((t) => (t.value ?? '').replace(/\D/g, '').slice(0, 10));
  if (phones.some((p) => ours.has(p))) matched.push('phone');
  if (request.email && telecom.some((t) => t.system === 'email' && lower(t.value) === request.email)) {
    matched.push('email');
  }
  if (request.birthDate && record.birthDate === request.birthDate && sameName(record, request)) {
    matched.push('name+birthDate');
  }
  return matched;
}

export function sameName(record: WellSkyPerson, request: PersonRequest): boolean {
  const name = record.name?.[0];
  return (
    lower(name?.family) === lower(request.familyName) && lower(name?.given?.[0]) === lower(request.givenName)
  );
}

function nameOf(record: WellSkyPerson): string {
  const name = record.name?.[0];
  return name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
}

/**
 * Link only when exactly one person matches and it is plainly the same person (same name); a shared
 * household phone with another name, several matches, or a match who is already a client/caregiver
 * while this request is not, go to a person with the candidates listed.
 */
export function decide(
  found: { candidates: Candidate[]; records: Map<string, WellSkyPerson> },
  request: PersonRequest,
  promotes: boolean,
  what: { person: string; promoted: string },
): MatchDecision {
  const { candidates, records } = found;
  if (candidates.length === 0) return { decision: 'none' };
  if (candidates.length > 1) {
    return {
      decision: 'ambiguous',
      reason: `${candidates.length} people in WellSky match this ${what.person} (${candidates.map((c) => `${c.wellskyId} by ${c.matched.join('+')}`).join('; ')}); choose one or create a new record`,
      candidates,
    };
  }
  const only = candidates[0]!;
  const record = records.get(only.wellskyId)!;
  if (!sameName(record, request)) {
    return {
      decision: 'ambiguous',
      reason: `WellSky person ${only.wellskyId} shares the ${only.matched.join(' and ')} but has another name; choose it or create a new record`,
      candidates,
    };
  }
  if (only.promoted && !promotes) {
    return {
      decision: 'ambiguous',
      reason: `WellSky person ${only.wellskyId} with this ${only.matched.join(' and ')} is already ${what.promoted}; linking would move them back — choose it anyway or create a new record`,
      candidates,
    };
  }
  return { decision: 'link', candidate: only, record };
}
