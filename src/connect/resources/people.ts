import { normalizePhone } from '../../lib/phone.ts';
import { type PagingOptions, paginate } from '../paging.ts';
import { type RouteName, route } from '../routes.ts';
import type { Transport } from '../transport.ts';
import type { Page } from '../wire/bundle.ts';
import { CreatedRef, Patient, Practitioner } from '../wire/people.ts';
import { searchBody, searchPage } from './search.ts';

/** Patient and practitioner search filters are snake_case (facts §2.2, §3.3–3.4). */
export interface PersonFilters {
  first_name?: string;
  last_name?: string;
  'last_name:contains'?: string;
  'first_name:contains'?: string;
  family?: string;
  given?: string;
  gender?: string;
  /** Beware: on patients `active=true` returns nothing (facts §3.4 [V]); filter locally instead. */
  active?: boolean;
  city?: string;
  state?: string;
  home_phone?: string;
  mobile_phone?: string;
  work_phone?: string;
  external_id?: string;
  /** Practitioners: comma-separated ProfileTag ids. */
  tags?: string;
  /** Practitioners only. */
  is_hired?: boolean;
  /** Comparator glued to an ISO date or datetime: `ge2026-01-29T14:00:00`. */
  created?: string;
  updated?: string;
}

export interface ListOptions extends PagingOptions {
  sort?: string;
}

const PHONE_FILTERS = ['home_phone', 'mobile_phone', 'work_phone'] as const;

function normalizeFilters(filters: PersonFilters): PersonFilters {
  const out = { ...filters };
  for (const key of PHONE_FILTERS) {
    const value = out[key];
    if (value === undefined) continue;
    const phone = normalizePhone(value);
    if (!phone) throw new RangeError(`${key} must be a 10-digit US phone number`);
    out[key] = phone.digits;
  }
  for (const key of ['created', 'updated'] as const) {
    const value = out[key];
    if (value !== undefined && !/^(lt|gt|le|ge|eq)\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(value)) {
      throw new RangeError(`${key} must be a comparator and an ISO date, e.g. ge2026-01-29T14:00:00`);
    }
  }
  return out;
}

type PersonSchema = typeof Patient | typeof Practitioner;

function peopleResource<S extends PersonSchema>(
  schema: S,
  names: { search: RouteName; get: RouteName; create: RouteName; update: RouteName; delete: RouteName },
) {
  type T = ReturnType<S['parse']>;
  return (transport: Transport) => ({
    /** One page of a `_search` (the read the vendor spec treats as canonical). */
    searchPage(filters: PersonFilters, page: number, count: number, sort?: string): Promise<Page<T>> {
      return searchPage(transport, route(names.search), schema, {
        page,
        count,
        sort,
        body: searchBody({ ...normalizeFilters(filters) }),
      }) as Promise<Page<T>>;
    },
    /** Every match, all pages. */
    list(filters: PersonFilters = {}, options: ListOptions = {}): AsyncGenerator<T> {
      const body = searchBody({ ...normalizeFilters(filters) });
      return paginate<T>(
        (page, count) =>
          searchPage(transport, route(names.search), schema, {
            page,
            count,
            sort: options.sort,
            body,
          }) as Promise<Page<T>>,
        options,
      );
    },
    get(id: string): Promise<T> {
      return transport.request({ route: route(names.get, { id }), schema }) as Promise<T>;
    },
    create(body: Record<string, unknown>) {
      return transport.request({ route: route(names.create), body, schema: CreatedRef });
    },
    /** Partial update: send only the changed fields plus the agency tag (facts §3.4 [C]). */
    update(id: string, body: Record<string, unknown>) {
      return transport.request({ route: route(names.update, { id }), body });
    },
    delete(id: string) {
      return transport.request({ route: route(names.delete, { id }) });
    },
  });
}

export const patientsResource = peopleResource(Patient, {
  search: 'patientsSearch',
  get: 'patientGet',
  create: 'patientCreate',
  update: 'patientUpdate',
  delete: 'patientDelete',
});

export const practitionersResource = peopleResource(Practitioner, {
  search: 'practitionersSearch',
  get: 'practitionerGet',
  create: 'practitionerCreate',
  update: 'practitionerUpdate',
  delete: 'practitionerDelete',
});
