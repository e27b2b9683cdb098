import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectClient } from '../../src/connect/index.ts';
import { documentationRuntime } from '../../src/runtime/documentation.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { openStore } from '../../src/store/index.ts';
import { RequestMeter } from '../../src/sync/index.ts';
import { type BenchSection, SMALL } from '../section.ts';

const NOW = new Date('2026-02-12T17:00:00Z');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(engine: 'pglite' | 'postgres', items: number) {
  const started = performance.now();
  const clock = () => new Date(NOW.getTime() + (performance.now() - started));
  const sim = await startSimulator({ clients: 200, caregivers: 80, weeks: 4, now: clock, seed: 7 });
  sim.control.setQuirks({ encounterRejectsTaskLog: false });
  const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-docs-'));
  const store =
    engine === 'pglite'
      ? await openStore({ dataDir, env: {} })
      : await openStore({
          databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
          env: {},
        });
  try {
    await store.db.deleteFrom('documentation_items').execute();
    const meter = new RequestMeter();
    const client = new ConnectClient({
      env: {},
      onEvent: meter.onEvent,
      config: {
        baseUrl: sim.url,
        clientId: sim.credentials.clientId,
        clientSecret: sim.credentials.clientSecret,
        agencyId: sim.agencyId,
        timezone: sim.timezone,
      },
    });
    const { service, worker } = documentationRuntime(
      store,
      client,
      {},
      { now: clock, concurrency: 8, batchSize: 50 },
    );
    await worker!.refreshCapabilities();
    const visits = sim.control.data
      .encounters({ from: '2026-02-02', to: '2026-02-11' })
      .filter((e) => e.period?.start && e.period?.end);
    // Accepting includes checking the client exists in WellSky (one GET), so that is measured too.
    const accept: number[] = [];
    for (let i = 0; i < items; i++) {
      const visit = visits[i % visits.length]!;
      const at = new Date(
        (Date.parse(visit.period!.start!) + Date.parse(visit.period!.end!)) / 2,
      ).toISOString();
      const t = performance.now();
      await service.submit({
        kind: 'client-note',
        clientId: visit.subject!.reference.split('/')[1],
        text: `Bench note ${i}`,
        at,
      });
      accept.push(performance.now() - t);
    }
    accept.sort((a, b) => a - b);
    const requestsBefore = sim.control.stats().total;
    const t0 = performance.now();
    let delivered = 0;
    while (delivered < items) {
      await worker!.runOnce();
      delivered = (await service.list({ state: 'delivered', limit: items + 1 })).length;
      const pending = (await service.list({ state: 'pending', limit: 1 })).length;
      if (pending === 0) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const requests = sim.control.stats().total - requestsBefore;
    return {
      engine,
      items,
      'accept p50 ms': percentile(accept, 50).toFixed(1),
      'accept p99 ms': percentile(accept, 99).toFixed(1),
      delivered,
      'delivery s': seconds.toFixed(1),
      'notes/s': (delivered / seconds).toFixed(1),
      'WellSky requests/s': (requests / seconds).toFixed(1),
      'limit/s': `${client.config.rateLimitPerSecond} (simulator ${100})`,
      '429s': sim.control.stats().rateLimited,
    };
  } finally {
    await store.close();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const documentationSection: BenchSection = {
  name: 'documentation',
  async run() {
    const items = SMALL ? 100 : 1000;
    const rows = [await measure('pglite', items)];
    if (!process.env.BENCH_SKIP_POSTGRES) rows.push(await measure('postgres', items));
    console.table(rows);
    console.log(
      'accept = validate + check the client exists in WellSky (one GET) + store durably (embedded: journal fsync); delivery = one visit search + one task-log POST per note, under the 90/s governor.',
    );
  },
};
