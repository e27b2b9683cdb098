import { randomBytes } from 'node:crypto';
import { ConnectClient } from '../../src/connect/index.ts';
import { connectPeople } from '../../src/intake/people.ts';
import { IntakeRepo } from '../../src/intake/repo.ts';
import { IntakeService } from '../../src/intake/service.ts';
import { stageTablesFromEnv } from '../../src/intake/stages.ts';
import { storeTagMemory } from '../../src/intake/tag-memory.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { openStore } from '../../src/store/index.ts';
import { RequestMeter } from '../../src/sync/index.ts';
import { type BenchSection, SMALL } from '../section.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Calls per outcome and their latency against the simulator on PostgreSQL: what one deal costs WellSky. */
export const intakeSection: BenchSection = {
  name: 'intake',
  async run() {
    const people = SMALL ? 20 : 100;
    const sim = await startSimulator({ clients: 300, caregivers: 100, weeks: 1, seed: 9, profile: 'full' });
    const store = await openStore({
      databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      env: {},
    });
    const source = `bench-${randomBytes(4).toString('hex')}`;
    try {
      const meter = new RequestMeter();
      const client = new ConnectClient({
        env: {},
        onEvent: meter.onEvent,
        config: {
          baseUrl: sim.url,
          clientId: sim.credentials.clientId,
          clientSecret: sim.credentials.clientSecret,
          agencyId: sim.agencyId,
          rateLimitPerSecond: 1000,
        },
      });
      const service = new IntakeService({
        repo: new IntakeRepo(store),
        people: connectPeople(client, storeTagMemory(store)),
        stages: stageTablesFromEnv({}),
      });
      const deal = (i: number, stage = 'new lead') => ({
        givenName: `Bench${i}`,
        familyName: `Prospect${i}`,
        phones: [{ use: 'mobile', number: `720${String(5550000 + i).padStart(7, '0')}` }],
        stage,
      });
      const rows: Record<string, string | number>[] = [];
      const run = async (label: string, stage: string) => {
        const before = sim.control.stats().total;
        const times: number[] = [];
        const outcomes = new Map<string, number>();
        for (let i = 0; i < people; i++) {
          const t = performance.now();
          const answer = await service.upsert('prospect', { source, externalId: String(i) }, deal(i, stage));
          times.push(performance.now() - t);
          outcomes.set(answer.outcome, (outcomes.get(answer.outcome) ?? 0) + 1);
        }
        times.sort((a, b) => a - b);
        const calls = sim.control.stats().total - before;
        rows.push({
          step: label,
          people,
          outcomes: [...outcomes].map(([k, v]) => `${k} ${v}`).join(', '),
          'WellSky calls / person': +(calls / people).toFixed(1),
          'p50 ms': Math.round(percentile(times, 50)),
          'p95 ms': Math.round(percentile(times, 95)),
        });
      };
      await run('first sighting', 'new lead');
      await run('same payload again', 'new lead');
      await run('stage change', 'first call');
      const t = performance.now();
      const same = await Promise.all(
        Array.from({ length: 20 }, () =>
          service.upsert('prospect', { source, externalId: 'one' }, deal(9999)),
        ),
      );
      rows.push({
        step: '20 concurrent, one id',
        people: 1,
        outcomes: `created ${same.filter((a) => a.outcome === 'created').length}, unchanged ${same.filter((a) => a.outcome === 'unchanged').length}`,
        'WellSky calls / person': '-',
        'p50 ms': '-',
        'p95 ms': Math.round(performance.now() - t),
      });
      console.table(rows);
    } finally {
      await store.db.deleteFrom('intake_links').where('source', '=', source).execute();
      await store.close();
      await sim.close();
    }
  },
};
