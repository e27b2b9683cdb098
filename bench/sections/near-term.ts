import type { ConnectClient } from '../../src/connect/index.ts';
import type { Store } from '../../src/store/index.ts';
import type { RequestMeter } from '../../src/sync/index.ts';
import { NearTermRefresher } from '../../src/sync/near-term.ts';

const MINUTE = 60_000;

/**
 * The near-term freshness tier over simulated time: the clock (the simulator's and the tier's) jumps one
 * minute per pass, so half an hour of the service's schedule runs in the few minutes its requests take
 * at the real rate limit. Requests are real HTTP requests to the simulator, counted by the meter.
 */
export async function nearTermRows(options: {
  client: ConnectClient;
  store: Store;
  meter: RequestMeter;
  start: Date;
  setNow: (at: Date) => void;
  minutes?: number;
}): Promise<Record<string, unknown>[]> {
  const minutes = options.minutes ?? 30;
  let now = options.start;
  const tier = new NearTermRefresher({
    client: options.client,
    store: options.store,
    meter: options.meter,
    now: () => now,
  });
  const s = tier.settings;
  let requests = 0;
  let worstOldest = 0;
  let worstStale = 0;
  let caregiverReads = 0;
  let clientReads = 0;
  let errors = 0;
  const wall = performance.now();
  for (let m = 0; m <= minutes; m++) {
    now = new Date(options.start.getTime() + m * MINUTE);
    options.setNow(now);
    const pass = await tier.refresh();
    requests += pass.requests;
    caregiverReads += pass.caregiversRead;
    clientReads += pass.clientsRead;
    errors += pass.errors;
    worstOldest = Math.max(worstOldest, pass.oldestMinutes);
    worstStale = Math.max(worstStale, pass.clientsStale);
  }
  const rate = options.client.governor.ratePerSecond;
  const perHour = Math.round((requests * 60) / minutes);
  return [
    {
      metric: `near-term tier: ${minutes} simulated minutes`,
      value: `${((performance.now() - wall) / 1000).toFixed(1)} s real`,
      note: `one pass per simulated minute; stale after ${s.staleMinutes} min, share ${s.budgetShare * 100} %`,
    },
    {
      metric: '  oldest next-48 h read',
      value: `${worstOldest} min`,
      note: `worst after any pass; clients over the limit at worst: ${worstStale}`,
    },
    {
      metric: '  requests per hour',
      value: perHour,
      note: `${requests} requests: ${clientReads} client windows, ${caregiverReads} caregivers' visits; ${errors} errors`,
    },
    {
      metric: '  share of the rate budget',
      value: `${((perHour / (rate * 3600)) * 100).toFixed(1)} %`,
      note: `of ${rate}/s; the tier may use up to ${s.budgetShare * 100} %`,
    },
  ];
}
