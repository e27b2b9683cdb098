import { z } from 'zod';
import type { ResolvedRoute } from '../routes.ts';
import type { QueryValue, Transport } from '../transport.ts';
import { bundleOf, type Page } from '../wire/bundle.ts';

export interface PageRequest {
  page: number;
  count: number;
  sort?: string | undefined;
}

/** One page of a search; paging always travels in the query string, even for POST (facts §2.2 [V]). */
export async function searchPage<T extends z.ZodType>(
  transport: Transport,
  route: ResolvedRoute,
  resource: T,
  request: PageRequest & { query?: Record<string, QueryValue>; body?: unknown },
): Promise<Page<z.output<T>>> {
  return transport.request({
    route,
    schema: bundleOf(resource),
    query: { ...request.query, _count: request.count, _page: request.page, _sort: request.sort },
    body: request.body,
    idempotent: true,
  });
}

/** `_search` bodies carry booleans as the strings "true"/"false" (facts §2.2 [V]). */
export function searchBody(filters: Record<string, unknown>): Record<string, string> {
  const body: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null) continue;
    body[key] = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  }
  return body;
}

const IsoDate = z.iso.date();

/** Accepts `YYYY-MM-DD` and returns the `YYYYMMDD` form searches want. */
export function compactDate(day: string): string {
  const parsed = IsoDate.safeParse(day);
  if (!parsed.success) throw new RangeError(`expected a date like 2026-03-02, got ${JSON.stringify(day)}`);
  return day.replaceAll('-', '');
}
