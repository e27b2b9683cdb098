import type { PatientWire, PractitionerWire } from '../../connect/wire/index.ts';
import { parseInstant } from '../agency/calendar.ts';
import { type PersonRecord, tagOf } from '../agency/store.ts';
import { badRequest } from '../http.ts';
import type { SortKey } from './paging.ts';

type Predicate = (record: PersonRecord) => boolean;

const PHONE_FILTERS: Record<string, string> = {
  home_phone: 'home',
  mobile_phone: 'mobile',
  work_phone: 'work',
  fax_phone: 'fax',
};

const lower = (s: string | null | undefined) => (s ?? '').toLocaleLowerCase();
const firstName = (r: PersonRecord) => r.wire.name?.[0]?.given?.[0] ?? '';
const lastName = (r: PersonRecord) => r.wire.name?.[0]?.family ?? '';
const givenNames = (r: PersonRecord) => r.wire.name?.[0]?.given ?? [];

/** Name fields: exact (case-insensitive) by default, substring with `:contains` (facts §2.2 [V]). */
const NAME_FIELDS: Record<string, (r: PersonRecord) => string[]> = {
  first_name: (r) => [firstName(r)],
  last_name: (r) => [lastName(r)],
  family: (r) => [lastName(r)],
  given: (r) => givenNames(r),
};

/**
 * Patient/practitioner filters (facts §3.3/§3.4, snake_case). Unknown filters are ignored, as a backend
 * that does not know a parameter would. Returns the predicates to AND together.
 */
export function personPredicates(filters: Map<string, string>): Predicate[] {
  const predicates: Predicate[] = [];
  for (const [rawKey, value] of filters) {
    const [key, modifier] = rawKey.split(':') as [string, string | undefined];
    const names = NAME_FIELDS[key];
    if (names) {
      const needle = lower(value);
      predicates.push(
        modifier === 'contains'
          ? (r) => names(r).some((n) => lower(n).includes(needle))
          : (r) => names(r).some((n) => lower(n) === needle),
      );
      continue;
    }
    const use = PHONE_FILTERS[key];
    if (use) {
      // Facts §4.1 #9 [D]: exactly 10 digits; each filter matches only the telecom entry of its use.
      if (!/^\d{10}$/.test(value)) throw badRequest('Invalid phone number format. Must be 10 digits.');
      predicates.push((r) =>
        (r.wire.telecom ?? []).some(
          (t) => t.system === 'phone' && t.use === use && t.value?.replace(/\D/g, '') === value,
        ),
      );
      continue;
    }
    switch (key) {
      case 'gender':
        predicates.push((r) => lower(r.wire.gender) === lower(value));
        break;
      case 'active':
        predicates.push((r) => String(r.wire.active ?? false) === lower(value));
        break;
      case 'city':
        predicates.push((r) => (r.wire.address ?? []).some((a) => lower(a.city) === lower(value)));
        break;
      case 'state':
        predicates.push((r) => (r.wire.address ?? []).some((a) => lower(a.state) === lower(value)));
        break;
      case 'is_hired':
        predicates.push((r) => lower(tagOf(r.wire.meta, 'isHired')) === lower(value));
        break;
      case 'external_id':
        predicates.push((r) => tagOf(r.wire.meta, 'externalId') === value);
        break;
      case 'tags': {
        // Assumption: a caregiver must carry every listed tag.
        const wanted = value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        predicates.push((r) => {
          const have = new Set((tagOf(r.wire.meta, 'profileTags') ?? '').split(','));
          return wanted.every((t) => have.has(t));
        });
        break;
      }
      case 'created':
        predicates.push(dateComparator(key, value, (r) => r.createdMs));
        break;
      case 'updated':
        predicates.push(dateComparator(key, value, (r) => r.updatedMs));
        break;
    }
  }
  return predicates;
}

/**
 * `created`/`updated` with `lt|gt|le|ge|eq` glued to an ISO date or datetime (facts §2.2 [D]); no offset
 * means UTC (facts §2.5). A date stands for its whole day, a datetime for its second.
 */
export function dateComparator(field: string, raw: string, get: (r: PersonRecord) => number): Predicate {
  const m = /^(lt|gt|le|ge|eq)?(.+)$/.exec(raw);
  const instant = m?.[2] ? parseInstant(m[2]) : undefined;
  if (!m || instant === undefined) throw badRequest(`Invalid date format for ${field}: ${raw}`);
  const span = /T/.test(m[2] ?? '') ? 1000 : 86_400_000;
  const lo = instant;
  const hi = instant + span;
  switch (m[1] ?? 'eq') {
    case 'lt':
      return (r) => get(r) < lo;
    case 'le':
      return (r) => get(r) < hi;
    case 'gt':
      return (r) => get(r) >= hi;
    case 'ge':
      return (r) => get(r) >= lo;
    default:
      return (r) => get(r) >= lo && get(r) < hi;
  }
}

export const PERSON_SORT: Record<string, SortKey<PersonRecord>> = {
  id: (r) => r.id,
  first_name: (r) => lower(firstName(r)),
  given: (r) => lower(firstName(r)),
  last_name: (r) => lower(lastName(r)),
  family: (r) => lower(lastName(r)),
  created: (r) => r.createdMs,
  updated: (r) => r.updatedMs,
  birthdate: (r) => (r.wire as PatientWire | PractitionerWire).birthDate ?? undefined,
  birthDate: (r) => (r.wire as PatientWire | PractitionerWire).birthDate ?? undefined,
};
