import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleIndex } from '../../src/mirror/schedule-index.ts';
import { rankCandidates } from '../../src/operations/index.ts';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { operationsOf } from '../../src/runtime/operations.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { type BenchSection, SMALL } from '../section.ts';

const NOW = new Date('2026-02-12T17:00:00Z');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Replacement ranking for one shift in the large demo agency (2,000 caregivers, 5,000 clients): the
 * mirror is filled by a sync at 1,000 requests/s (the rate limit is not what is measured here), then
 * shifts of the coming week are ranked one after another.
 */
export const operationsSection: BenchSection = {
  name: 'operations',
  async run() {
    const size = SMALL
      ? { caregivers: 200, clients: 500, runs: 40, warmup: 5 }
      : { caregivers: 2000, clients: 5000, runs: 200, warmup: 20 };
    const sim = await startSimulator({ ...size, weeks: 13, seed: 3, profile: 'full', now: () => NOW });
    sim.control.setRateLimit(5000);
    const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-ops-'));
    const app = await SkybridgeApp.create({
      demo: 'never',
      now: () => NOW,
      env: {
        WELLSKY_BASE_URL: sim.url,
        WELLSKY_CLIENT_ID: sim.credentials.clientId,
        WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
        WELLSKY_AGENCY_ID: sim.agencyId,
        WELLSKY_TIMEZONE: sim.timezone,
        WELLSKY_RATE_LIMIT: '1000',
        SKYBRIDGE_DATA_DIR: dataDir,
      },
    });
    try {
      const syncStarted = performance.now();
      await app.runSync(undefined, true);
      const syncSeconds = (performance.now() - syncStarted) / 1000;
      // The ranking index is rebuilt after each sync: how long that takes and what it holds.
      const heapBefore = process.memoryUsage().heapUsed;
      const indexStarted = performance.now();
      const index = await ScheduleIndex.load(app.store.db);
      const indexMs = performance.now() - indexStarted;
      const indexMb = (process.memoryUsage().heapUsed - heapBefore) / 1_048_576;
      const held = index.counts;
      const ops = operationsOf(app);
      const rows = await app.store.db
        .selectFrom('shifts')
        .select(['appointment_id', 'start_at'])
        .where('caregiver_id', 'is not', null)
        .where('removed_at', 'is', null)
        .where('start_at', '>', NOW)
        .where('start_at', '<', new Date(NOW.getTime() + 7 * 86_400_000))
        .orderBy('start_at')
        .limit(size.runs + size.warmup)
        .execute();
      const times: number[] = [];
      // CPU time too: on a shared machine the wall clock mostly measures the other processes.
      const cpu: number[] = [];
      let excluded = 0;
      let considered = 0;
      // The first rankings compile the code paths and load the zone rules; a service ranks all day, so
      // those are left out of the figures (counted separately).
      const cold: number[] = [];
      for (const [i, row] of rows.entries()) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const r = await rankCandidates(
          ops,
          { shiftId: row.appointment_id, date: localDay(row.start_at, app.timezone), limit: 10 },
          { now: NOW },
        );
        const wall = performance.now() - started;
        const used = process.cpuUsage(cpuStarted);
        if (i < size.warmup) {
          cold.push(wall);
          continue;
        }
        times.push(wall);
        cpu.push((used.user + used.system) / 1000);
        excluded += r.counts.excluded;
        considered += r.counts.considered;
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      console.table([
        { metric: 'agency', value: `${size.caregivers} caregivers / ${size.clients} clients / 13 weeks` },
        { metric: 'mirror sync (setup, not measured here)', value: `${syncSeconds.toFixed(1)} s` },
        {
          metric: 'ranking index (rebuilt after each sync)',
          value: `${held.shifts} shifts, ${held.visits} visits, ${held.caregivers} caregivers; ${indexMs.toFixed(0)} ms, ~${indexMb.toFixed(0)} MB heap`,
        },
        {
          metric: 'process RSS after sync',
          value: `${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB`,
        },
        {
          metric: 'shifts ranked (after warm-up)',
          value: `${times.length} (warm-up: ${cold.length}, first ${cold[0]?.toFixed(0)} ms, slowest ${Math.max(...cold).toFixed(0)} ms)`,
        },
        { metric: 'ranking p50', value: `${percentile(times, 50).toFixed(1)} ms` },
        { metric: 'ranking p99', value: `${percentile(times, 99).toFixed(1)} ms` },
        {
          metric: 'ranking CPU time p50 / p99',
          value: `${percentile(cpu, 50).toFixed(1)} / ${percentile(cpu, 99).toFixed(1)} ms`,
        },
        { metric: 'load average (1 min) at the end', value: loadavg()[0]!.toFixed(1) },
        {
          metric: 'caregivers considered per shift',
          value: Math.round(considered / Math.max(1, times.length)),
        },
        { metric: 'excluded per shift', value: Math.round(excluded / Math.max(1, times.length)) },
      ]);
    } finally {
      await app.close();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

function localDay(d: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}
