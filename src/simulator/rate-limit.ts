import { performance } from 'node:perf_hooks';

/**
 * Token bucket per client id (every token of one client shares it): capacity = rate, refilled at rate per second (facts §2.8: 100 rps per
 * client [D]). It runs on the real monotonic clock, not the injectable one, because it is about how fast
 * requests really arrive.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();

  /** `now`: monotonic milliseconds; a test holds it still to count exactly what one instant allows. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  take(key: string, rate: number): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rate, last: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.last) / 1000) * rate);
    bucket.last = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
