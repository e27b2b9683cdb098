import type { Page } from '../connect/wire/index.ts';
import { runPool } from './pool.ts';

export interface AllPages<T> {
  items: T[];
  /** What the first page announced. */
  total: number | undefined;
  /**
   * True when the listing adds up: as many distinct records as announced, and the announcement did not
   * change while paging. Only a consistent listing may soft-delete what it did not return.
   */
  consistent: boolean;
  pages: number;
}

const PAGE_SIZE = 100;
const EXTRA_PAGES = 3;

/**
 * Every page of a listing with `_count=100` (facts §2.3), the pages after the first in parallel so the
 * shared rate governor stays busy. The first page's `totalRecords` says how many pages there are; if the
 * distinct records fall short (a record inserted mid-listing shifted the pages, or the route turns out
 * to be 1-based), a few more pages are read one by one until a short page ends it. Records are
 * de-duplicated by `keyOf`.
 */
export async function readAllPages<T>(
  fetchPage: (page: number, count: number) => Promise<Page<T>>,
  keyOf: (item: T) => string,
  concurrency: number,
): Promise<AllPages<T>> {
  const first = await fetchPage(0, PAGE_SIZE);
  const byKey = new Map<string, T>();
  const take = (page: Page<T>) => {
    for (const item of page.resources) byKey.set(keyOf(item), item);
  };
  take(first);
  const total = first.total;
  let pages = 1;
  let lastTotal = total;
  if (total === undefined) {
    // No count announced: read on until a short page (the client library's rule, facts §2.3).
    let page = first;
    while (page.resources.length === PAGE_SIZE) {
      page = await fetchPage(pages++, PAGE_SIZE);
      take(page);
    }
    return { items: [...byKey.values()], total, consistent: true, pages };
  }
  const planned = Math.ceil(total / PAGE_SIZE);
  const rest = Array.from({ length: Math.max(0, planned - 1) }, (_, i) => i + 1);
  await runPool(rest, concurrency, async (index) => {
    const page = await fetchPage(index, PAGE_SIZE);
    take(page);
    if (page.total !== undefined) lastTotal = page.total;
  });
  pages = planned;
  for (let extra = 0; byKey.size < total && extra < EXTRA_PAGES; extra++) {
    const page = await fetchPage(pages++, PAGE_SIZE);
    take(page);
    if (page.resources.length < PAGE_SIZE) break;
  }
  return {
    items: [...byKey.values()],
    total,
    consistent: byKey.size === total && lastTotal === total,
    pages,
  };
}
