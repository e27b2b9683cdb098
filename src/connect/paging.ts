import type { Page } from './wire/bundle.ts';

export const MAX_PAGE_SIZE = 100;

export interface PagingOptions {
  /** Entries per page; WellSky's ceiling is 100 everywhere (facts §2.3). */
  pageSize?: number;
  /** 0 for most routes; some may be 1-based (facts §2.3, unverified). */
  firstPage?: number;
  /** A guard against a server that never ends a listing; far above any real agency. */
  maxPages?: number;
  /** Told when the pages did not add up to the announced total (records changed while paging). */
  onMismatch?: (info: { announced: number; received: number }) => void;
}

/**
 * Every record of a listing, page after page, never truncated: it stops on an empty page, on a short
 * page when the server announced no total, or once the announced total is reached. A short page with
 * records still missing (a server that clamps page size) does not end the listing.
 */
export async function* paginate<T>(
  fetchPage: (page: number, pageSize: number) => Promise<Page<T>>,
  options: PagingOptions = {},
): AsyncGenerator<T> {
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const firstPage = options.firstPage ?? 0;
  const maxPages = options.maxPages ?? 100_000;
  let received = 0;
  let announced: number | undefined;
  for (let index = 0; index < maxPages; index++) {
    const page = await fetchPage(firstPage + index, pageSize);
    announced = page.total ?? announced;
    received += page.resources.length;
    yield* page.resources;
    if (page.resources.length === 0) break;
    if (announced !== undefined) {
      if (received >= announced) break;
    } else if (page.resources.length < pageSize) {
      break;
    }
    if (index === maxPages - 1) {
      throw new Error(`listing did not end after ${maxPages} pages; refusing to loop forever`);
    }
  }
  if (announced !== undefined && received !== announced) options.onMismatch?.({ announced, received });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
