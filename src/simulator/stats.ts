/** Request counters for the control surface: what a client really sent. */
export interface SimStats {
  total: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  tokenRequests: number;
  rateLimited: number;
  gateway403: number;
  dropped: number;
}

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

  snapshot(): SimStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Stats.empty();
  }
}
