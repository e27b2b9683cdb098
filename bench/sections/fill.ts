import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { type BenchSection, MEDIUM, SMALL } from '../section.ts';

const NOW = Date.parse('2026-02-12T17:00:00Z');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A small seeded generator (mulberry32): the same answers every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Diagnostics (BENCH_FILL_QUERIES=1): every SQL statement's count and time, worst first. */
function countQueries(db: { getExecutor(): object }) {
  const base = Object.getPrototypeOf(Object.getPrototypeOf(db.getExecutor()));
  const original = base.executeQuery;
  const stats = new Map<string, { n: number; ms: number; rows: number }>();
  base.executeQuery = async function (this: unknown, q: { sql: string }) {
    const started = performance.now();
    const r = await original.call(this, q);
    const key = q.sql
      .replace(/\$\d+/g, '?')
      .replace(/\(\?(, \?)*\)/g, '(…)')
      .slice(0, 160);
    const s = stats.get(key) ?? { n: 0, ms: 0, rows: 0 };
    s.n += 1;
    s.ms += performance.now() - started;
    s.rows += r.rows?.length ?? 0;
    stats.set(key, s);
    return r;
  };
  return {
    print() {
      base.executeQuery = original;
      const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
      let n = 0;
      let ms = 0;
      for (const [, v] of stats) {
        n += v.n;
        ms += v.ms;
      }
      process.stderr.write(`queries: ${n}, ${ms.toFixed(0)} ms\n`);
      for (const [k, v] of rows)
        process.stderr.write(
          `${v.ms.toFixed(0).padStart(8)} ms ${String(v.n).padStart(7)}x ${String(v.rows).padStart(8)} rows  ${k}\n`,
        );
    },
  };
}

/**
 * 200 open shifts in the large demo agency, filled by the real engine, messaging (simulated channel) and
 * the simulator, in simulated time: each texted caregiver answers YES with probability 0.2, NO with 0.3,
 * else never, after an exponential delay (mean 6 min), all seeded. The clock jumps from event to event
 * (an answer due, a wave, a deadline), so two days of campaigns take minutes, not days.
 */
export const fillSection: BenchSection = {
  name: 'fill',
  async run() {
    const began = performance.now();
    const size = SMALL
      ? { caregivers: 200, clients: 500, shifts: 30 }
      : MEDIUM
        ? { caregivers: 1000, clients: 2500, shifts: 60 }
        : { caregivers: 2000, clients: 5000, shifts: 200 };
    let t = NOW;
    const now = () => new Date(t);
    const sim = await startSimulator({
      caregivers: size.caregivers,
      clients: size.clients,
      weeks: 2,
      seed: 5,
      profile: 'full',
      now,
    });
    const phase = (what: string) =>
      process.stderr.write(`fill bench: ${what} (${((performance.now() - began) / 1000).toFixed(0)} s)\n`);
    sim.control.setRateLimit(5000);
    const rnd = random(42);
    // Active clients only: the sync mirrors the schedules of clients, not of prospects or former clients.
    const clients = sim.control.data
      .patients()
      .filter(
        (p) =>
          p.active !== false &&
          (p.meta?.tag ?? []).some((t) => t.code === 'isClient' && t.display === 'true'),
      )
      .map((p) => String(p.id));
    const open: { id: string; date: string }[] = [];
    for (let i = 0; i < size.shifts; i++) {
      const day = 1 + Math.floor(rnd() * 5);
      const hour = 14 + Math.floor(rnd() * 8);
      const start = new Date(Date.UTC(2026, 1, 12 + day, hour));
      const s = sim.control.addOneOffShift({
        clientId: clients[Math.floor(rnd() * clients.length)]!,
        caregiverId: null,
        start: start.toISOString(),
        end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      });
      open.push({
        id: String(s.id),
        date: new Date(start.getTime() - 7 * 3_600_000).toISOString().slice(0, 10),
      });
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-fill-'));
    const app = await SkybridgeApp.create({
      demo: 'never',
      now,
      env: {
        WELLSKY_BASE_URL: sim.url,
        WELLSKY_CLIENT_ID: sim.credentials.clientId,
        WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
        WELLSKY_AGENCY_ID: sim.agencyId,
        WELLSKY_TIMEZONE: sim.timezone,
        WELLSKY_RATE_LIMIT: '1000',
        SKYBRIDGE_DATA_DIR: dataDir,
        SKYBRIDGE_MESSAGING: 'simulated',
        SKYBRIDGE_QUIET_HOURS: 'off',
      },
    });
    try {
      phase('syncing the mirror');
      await app.runSync(undefined, true);
      await app.docs.capabilities?.refresh(now());
      phase('starting campaigns');
      const engine = app.fills.engine;
      // Every ranking the engine asks for, timed (wrapping the port, not changing it).
      const rankTimes: number[] = [];
      const rank = engine.ports.candidates.rank.bind(engine.ports.candidates);
      engine.ports.candidates.rank = async (o, options) => {
        const started = performance.now();
        try {
          return await rank(o, options);
        } finally {
          rankTimes.push(performance.now() - started);
        }
      };
      const requestsBefore = sim.control.stats().total;
      const ids: string[] = [];
      for (const s of open)
        ids.push((await app.fills.service.start({ shiftId: s.id, date: s.date })).campaign.id);

      phase('campaigns started; answering in simulated time');
      const scheduled = new Set<string>();
      const answers: { at: number; phone: string; text: string }[] = [];
      const db = app.store.db;
      const queries = process.env.BENCH_FILL_QUERIES ? countQueries(db) : undefined;
      // Where the wall time of the simulated phase goes (bench queries, replies, the engine's advance).
      const spent = { scan: 0, events: 0, replies: 0, advance: 0 };
      const timed = async <T>(part: keyof typeof spent, fn: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
          return await fn();
        } finally {
          spent[part] += performance.now() - started;
        }
      };
      let steps = 0;
      const phaseStarted = performance.now();
      const cpuStarted = process.cpuUsage();
      let scannedAt = new Date(0);
      for (; steps < 20_000; steps++) {
        if (steps % 250 === 0 && steps > 0)
          phase(
            `step ${steps}, ${new Date(t).toISOString()}; ms in scan ${spent.scan.toFixed(0)}, events ${spent.events.toFixed(0)}, replies ${spent.replies.toFixed(0)}, advance ${spent.advance.toFixed(0)}`,
          );
        // Only offers that changed since the last look: an offer becomes `sent` at the clock's time, which
        // never goes back, so none is missed (the set above keeps each offer answered at most once).
        const since = scannedAt;
        scannedAt = new Date(t);
        const sent = await timed('scan', () =>
          db
            .selectFrom('fill_offers')
            .select(['id', 'caregiver_id', 'updated_at'])
            .where('state', '=', 'sent')
            .where('updated_at', '>=', since)
            .execute(),
        );
        for (const o of sent) {
          if (scheduled.has(o.id)) continue;
          scheduled.add(o.id);
          const r = rnd();
          if (r >= 0.5) continue;
          const phone = engine.ports.contacts.caregiverContact(o.caregiver_id);
          if (!phone) continue;
          const delay = -Math.log(1 - rnd()) * 6 * 60_000;
          answers.push({ at: o.updated_at.getTime() + delay, phone, text: r < 0.2 ? 'YES' : 'NO' });
        }
        answers.sort((a, b) => a.at - b.at);
        // The next event strictly after now: an answer, a wave, a deadline or a start (past values of
        // campaigns already handled never hold the clock back).
        const after = new Date(t);
        const events = await timed('events', async () => {
          const due = await db
            .selectFrom('fill_campaigns')
            .select([
              sql<Date | null>`min(next_wave_at) filter (where state = 'open' and next_wave_at > ${after})`.as(
                'wave',
              ),
              sql<Date | null>`min(escalate_at) filter (where state = 'open' and escalate_at > ${after})`.as(
                'escalate',
              ),
              sql<Date | null>`min(occurrence_start) filter (where state in ('open', 'escalated') and occurrence_start > ${after})`.as(
                'start',
              ),
            ])
            .executeTakeFirstOrThrow();
          return [answers[0]?.at, due.wave?.getTime(), due.escalate?.getTime(), due.start?.getTime()].filter(
            (x): x is number => x !== undefined && !Number.isNaN(x),
          );
        });
        if (events.length === 0) break;
        t = Math.max(t + 1, Math.min(...events));
        await timed('replies', async () => {
          while (answers.length > 0 && answers[0]!.at <= t) {
            const a = answers.shift()!;
            const r = await app.messaging.receive({ from: a.phone, text: a.text });
            // Several offers waiting: the question "which one?" is answered with the first listed.
            if (r.message.action === 'which') await app.messaging.receive({ from: a.phone, text: '1' });
          }
        });
        await timed('advance', () => engine.advance());
      }
      queries?.print();
      const phaseCpu = process.cpuUsage(cpuStarted);
      const phaseSeconds = (performance.now() - phaseStarted) / 1000;
      phase(
        `all campaigns ended after ${steps} steps; ms in scan ${spent.scan.toFixed(0)}, events ${spent.events.toFixed(0)}, replies ${spent.replies.toFixed(0)}, advance ${spent.advance.toFixed(0)}`,
      );
      const requests = sim.control.stats().total - requestsBefore;
      const views = await Promise.all(ids.map((id) => app.fills.service.require(id)));
      const filled = views.filter((v) => v.state === 'filled');
      const times = filled.map((v) => v.timeToFillSeconds! / 60).sort((a, b) => a - b);
      let double = 0;
      for (const v of filled) {
        if (v.offers.filter((o) => o.state === 'accepted').length !== 1) double++;
        const day = [];
        for await (const a of app.client.appointments.list({
          clientId: v.shift.clientId,
          from: v.shift.date,
          to: v.shift.date,
        }))
          if (String(a.id) === v.shift.id) day.push(a.caregiver ? String(a.caregiver.id) : null);
        if (day.length !== 1 || day[0] !== v.winnerCaregiverId) double++;
      }
      // A caregiver who won two shifts that overlap: the ranking reads the mirror, which learns of a fill's
      // assignment only at the next sync, and none runs during the bench.
      const won = await db
        .selectFrom('fill_campaigns')
        .select(['winner_caregiver_id as caregiverId', 'occurrence_start as start', 'occurrence_end as end'])
        .where('state', '=', 'filled')
        .orderBy('winner_caregiver_id')
        .orderBy('occurrence_start')
        .execute();
      let overlapping = 0;
      for (let i = 1; i < won.length; i++) {
        const [a, b] = [won[i - 1]!, won[i]!];
        if (a.caregiverId === b.caregiverId && b.start < a.end) overlapping++;
      }
      const offers = views.reduce((n, v) => n + v.counts.sent, 0);
      const states: Record<string, number> = {};
      for (const v of views) states[v.state] = (states[v.state] ?? 0) + 1;
      rankTimes.sort((a, b) => a - b);
      console.table([
        {
          metric: 'agency',
          value: `${size.caregivers} caregivers / ${size.clients} clients; ${size.shifts} open shifts`,
        },
        {
          metric: 'answers (seeded)',
          value: 'YES 20 %, NO 30 %, silent 50 %; delay exponential, mean 6 min; "which?" answered 1',
        },
        { metric: 'outcomes', value: JSON.stringify(states) },
        { metric: 'fill rate', value: `${((filled.length / views.length) * 100).toFixed(1)} %` },
        {
          metric: 'time to fill median / p90',
          value: `${percentile(times, 50).toFixed(1)} / ${percentile(times, 90).toFixed(1)} min (simulated)`,
        },
        { metric: 'offers texted per fill', value: (offers / Math.max(1, filled.length)).toFixed(1) },
        {
          metric: 'rankings / p50 / p99',
          value: `${rankTimes.length} / ${percentile(rankTimes, 50).toFixed(1)} ms / ${percentile(rankTimes, 99).toFixed(1)} ms`,
        },
        { metric: 'WellSky requests per fill', value: (requests / Math.max(1, filled.length)).toFixed(1) },
        { metric: 'double assignments', value: double },
        { metric: 'caregivers winning overlapping shifts', value: overlapping },
        {
          metric: 'answering phase (simulated time)',
          value: `${steps} steps, ${phaseSeconds.toFixed(0)} s wall, ${((phaseCpu.user + phaseCpu.system) / 1e6).toFixed(0)} s CPU`,
        },
        { metric: 'load average (1 min) at the end', value: loadavg()[0]!.toFixed(1) },
      ]);
    } finally {
      await app.close();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
