import type { RequestEvent } from '../connect/index.ts';

/**
 * Counts what the client really sent: pass `meter.onEvent` as the ConnectClient's `onEvent`. Counting
 * HTTP attempts (not logical calls) is what the rate limit sees, and it is how a run proves it never
 * met a 429 (facts §2.8: the ceiling is 100 requests/s per client).
 */
export class RequestMeter {
  requests = 0;
  rateLimited = 0;
  errors = 0;
  readonly byRoute = new Map<string, number>();

  readonly onEvent = (event: RequestEvent): void => {
    this.requests++;
    if (event.status === 429) this.rateLimited++;
    if (event.outcome === 'error') this.errors++;
    const key = `${event.method} ${event.route}`;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
  };

  snapshot(): { requests: number; rateLimited: number; errors: number } {
    return { requests: this.requests, rateLimited: this.rateLimited, errors: this.errors };
  }
}
