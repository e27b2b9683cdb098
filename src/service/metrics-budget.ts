import { Counter, Gauge, type Registry } from 'prom-client';
import type { SkybridgeApp } from '../runtime/app.ts';
import { sharedBudgetUsage } from '../runtime/budget.ts';

/**
 * The WellSky rate budget, read at scrape time: the budget and whether it is shared across processes,
 * what this process was let through and has waiting, and (shared) what all processes together were
 * granted in the last whole second.
 */
export function rateBudgetMetrics(app: SkybridgeApp, registers: Registry[]): void {
  const governor = app.client.governor;
  new Gauge({
    name: 'skybridge_wellsky_rate_budget_per_second',
    help: 'Requests per second allowed to this WellSky client id (shared: by all processes together).',
    labelNames: ['mode'],
    registers,
    collect() {
      this.reset();
      this.set({ mode: governor.describe().mode }, governor.ratePerSecond);
    },
  });
  new Counter({
    name: 'skybridge_wellsky_rate_granted_total',
    help: 'Requests this process was let through by the rate budget.',
    registers,
    collect() {
      this.reset();
      this.inc(governor.describe().granted);
    },
  });
  new Gauge({
    name: 'skybridge_wellsky_rate_waiting',
    help: 'Requests of this process waiting for their turn in the rate budget.',
    registers,
    collect() {
      this.set(governor.describe().waiting);
    },
  });
  new Gauge({
    name: 'skybridge_wellsky_rate_budget_used_last_second',
    help: 'Requests granted to all processes of this client id in the last whole second (-1: paced in-process).',
    registers,
    async collect() {
      const usage = await sharedBudgetUsage(app.client, app.store, 1).catch(() => undefined);
      this.set(usage ? (usage.lastSeconds[0] ?? 0) : -1);
    },
  });
}
