import { Gauge, type Registry } from 'prom-client';
import type { SkybridgeApp } from '../runtime/app.ts';

/** Fill campaigns, read when scraped: campaigns by state, fill rate, time to fill, offers and replies. */
export function fillMetrics(app: SkybridgeApp, registers: Registry[]): void {
  let last: Promise<Awaited<ReturnType<SkybridgeApp['fills']['service']['metrics']>>> | undefined;
  // One store read per scrape, shared by the gauges below.
  const read = () => {
    last ??= app.fills.service.metrics().finally(() => {
      setImmediate(() => {
        last = undefined;
      });
    });
    return last;
  };
  new Gauge({
    name: 'skybridge_fill_campaigns',
    help: 'Fill campaigns by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      const m = await read();
      for (const state of ['open', 'filled', 'accepted-unassigned', 'escalated', 'cancelled', 'expired'])
        this.set({ state }, m.campaigns[state] ?? 0);
    },
  });
  const simple = (
    name: string,
    help: string,
    value: (m: Awaited<ReturnType<typeof read>>) => number | null,
  ) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(value(await read()) ?? -1);
      },
    });
  simple(
    'skybridge_fill_rate',
    'Filled ÷ campaigns that ended (cancelled left out); -1 before any ended.',
    (m) => m.fillRate,
  );
  simple(
    'skybridge_fill_time_to_fill_median_seconds',
    'Median time from start to the winning YES; -1 if none.',
    (m) => m.timeToFillSeconds.median,
  );
  simple(
    'skybridge_fill_time_to_fill_p90_seconds',
    '90th percentile time to fill; -1 if none.',
    (m) => m.timeToFillSeconds.p90,
  );
  simple('skybridge_fill_offers_sent', 'Shift offers handed to messaging.', (m) => m.offersSent);
  simple('skybridge_fill_replies', 'Offers answered.', (m) => m.replies);
}
