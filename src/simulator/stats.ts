/** Request counters for the control surface: what a client really sent. */
export interface SimStats {
  total: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  tokenRequests: number;
  rateLimited: number;
  gateway403: number;
  dropped: number;
  /**
   * API requests (every authenticated call the gateway's rate limit counts, 429s included) per wall-clock
   * second, keyed by Unix second, for the last ten minutes: what the ceiling of facts §2.8 is about.
   */
  perSecond: Record<string, number>;
  /** The most requests in one of those seconds. */
  busiestSecond: number;
}

const KEEP_SECONDS = 600;

export class Stats {
  private data: SimStats = Stats.empty();

  static empty(): SimStats {
    return {
      total: 0,
      byRoute: {},
      byStatus: {},
      tokenRequests: 0,
      rateLimited: 0,
      gateway403: 0,
      dropped: 0,
      perSecond: {},
      busiestSecond: 0,
    };
  }

  record(routeId: string, status: number | 'dropped'): void {
    this.data.total++;
    this.data.byRoute[routeId] = (this.data.byRoute[routeId] ?? 0) + 1;
    const key = String(status);
    this.data.byStatus[key] = (this.data.byStatus[key] ?? 0) + 1;
    if (status === 429) this.data.rateLimited++;
    if (status === 'dropped') this.data.dropped++;
    if (routeId === 'POST /oauth/accesstoken') this.data.tokenRequests++;
    if (routeId === 'unknown' && status === 403) this.data.gateway403++;
  }

  /** One API request arrived now (wall clock: the ceiling is about real arrivals, not simulated time). */
  arrived(nowMs: number = Date.now()): void {
    const second = Math.floor(nowMs / 1000);
    const key = String(second);
    const count = (this.data.perSecond[key] ?? 0) + 1;
    this.data.perSecond[key] = count;
    if (count > this.data.busiestSecond) this.data.busiestSecond = count;
    const oldest = String(second - KEEP_SECONDS);
    if (oldest in this.data.perSecond) delete this.data.perSecond[oldest];
  }

  snapshot(): SimStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Stats.empty();
  }
}
