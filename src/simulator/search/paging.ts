import type { SearchBundleWire } from '../../connect/wire/index.ts';

export interface Paging {
  count: number;
  offset: number;
}

/** Facts §2.3: `_count` max 100 everywhere, `_page` 0-based, both in the query string even on POST. */
export const MAX_COUNT = 100;

export function readPaging(query: URLSearchParams, defaultCount: number, oneBased = false): Paging {
  const rawCount = Number.parseInt(query.get('_count') ?? '', 10);
  const count = Number.isFinite(rawCount) && rawCount > 0 ? Math.min(rawCount, MAX_COUNT) : defaultCount;
  const base = oneBased ? 1 : 0;
  const rawPage = Number.parseInt(query.get('_page') ?? '', 10);
  const page = Number.isFinite(rawPage) && rawPage >= base ? rawPage : base;
  return { count, offset: (page - base) * count };
}

/** Facts §2.4 [V]: wrapped entries, `totalRecords`, `id: "searchParams"`; empty result → `entry: []`. */
export function searchBundle<T>(all: readonly T[], paging: Paging): SearchBundleWire<T> {
  return {
    resourceType: 'Bundle',
    id: 'searchParams',
    type: 'searchset',
    totalRecords: all.length,
    entry: all.slice(paging.offset, paging.offset + paging.count).map((resource) => ({ resource })),
  };
}

export type SortKey<T> = (item: T) => string | number | undefined;

/** `_sort=field,-field2` (facts §2.2 [D]); unknown fields are ignored; ties keep the incoming order. */
export function sortItems<T>(items: T[], sort: string | null, keys: Record<string, SortKey<T>>): T[] {
  if (!sort) return items;
  const order = sort
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean)
    .map((field) => ({ desc: field.startsWith('-'), key: keys[field.replace(/^-/, '')] }))
    .filter((o): o is { desc: boolean; key: SortKey<T> } => o.key !== undefined);
  if (order.length === 0) return items;
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      for (const { desc, key } of order) {
        const c = compare(key(a.item), key(b.item));
        if (c !== 0) return desc ? -c : c;
      }
      return a.index - b.index;
    })
    .map((x) => x.item);
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/**
 * Search filters from the query string and (for `_search`) the JSON body, as strings: `_search` bodies
 * carry booleans as "true"/"false" (facts §2.2 [V]); real booleans and numbers are stringified.
 * Paging keys stay in the query.
 */
export function readFilters(query: URLSearchParams, body?: Record<string, unknown>): Map<string, string> {
  const filters = new Map<string, string>();
  for (const [key, value] of query) {
    if (!key.startsWith('_')) filters.set(key, value);
  }
  for (const [key, value] of Object.entries(body ?? {})) {
    if (value === null || value === undefined || typeof value === 'object') continue;
    filters.set(key, String(value));
  }
  return filters;
}
