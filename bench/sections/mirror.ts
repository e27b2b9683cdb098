import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectClient, planAppointmentWindows } from '../../src/connect/index.ts';
import { Mirror } from '../../src/mirror/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { openStore } from '../../src/store/index.ts';
import { RequestMeter, Sync } from '../../src/sync/index.ts';
import { localWindow } from '../../src/sync/window.ts';
import { type BenchSection, SMALL } from '../section.ts';
import { nearTermRows } from './near-term.ts';

const NOW = new Date('2026-02-12T17:00:00Z');
const PAGE = 100;

/** The fewest pages the API allows for what a full sync reads (facts §2.3, §3.5: one query per client per month). */
function minimumPages(sim: Awaited<ReturnType<typeof startSimulator>>, sync: Sync): Record<string, number> {
  const data = sim.control.data;
  const patients = data.patients();
  const practitioners = data.practitioners();
  const related = patients.reduce((n, p) => n + data.relatedPersons(p.id as string).length, 0);
  const isActiveClient = (p: (typeof patients)[number]) =>
    p.active === true && p.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'true');
  const clients = patients.filter(isActiveClient);
  const s = sync.settings;
  const window = localWindow(NOW, sim.timezone, s.pastDays, s.futureDays);
  let shiftPages = 0;
  for (const client of clients) {
    for (const w of planAppointmentWindows(window.from, window.to)) {
      let from: string;
      let to: string;
      if ('monthNo' in w) {
        from = `${w.monthNo.slice(0, 4)}-${w.monthNo.slice(4)}-01`;
        const last = new Date(Date.UTC(Number(w.monthNo.slice(0, 4)), Number(w.monthNo.slice(4)), 0));
        to = last.toISOString().slice(0, 10);
      } else {
        from = `${w.startDate.slice(0, 4)}-${w.startDate.slice(4, 6)}-${w.startDate.slice(6)}`;
        const end = new Date(Date.parse(`${from}T12:00:00Z`) + (w.additionalDays ?? 0) * 86_400_000);
        to = end.toISOString().slice(0, 10);
      }
      const n = data.appointmentsFor({ clientId: client.id as string, from, to }).length;
      shiftPages += Math.max(1, Math.ceil(n / PAGE));
    }
  }
  const hired = practitioners.filter((p) =>
    p.meta?.tag?.some((t) => t.code === 'isHired' && t.display === 'true'),
  );
  const owners =
    hired.length < clients.length
      ? hired.map((p) => ({ caregiverId: p.id }))
      : clients.map((p) => ({ clientId: p.id }));
  const visitWindow = localWindow(NOW, sim.timezone, s.pastDays, 0);
  let visitPages = 0;
  for (const owner of owners) {
    const n = data.encounters({ ...owner, from: visitWindow.from, to: visitWindow.to }).length;
    visitPages += Math.max(1, Math.ceil(n / PAGE));
  }
  const tagIds = new Set(
    practitioners.flatMap((p) =>
      (p.meta?.tag?.find((t) => t.code === 'profileTags')?.display ?? '').split(',').filter(Boolean),
    ),
  );
  for (const p of patients)
    for (const id of (p.meta?.tag?.find((t) => t.code === 'requiredTags')?.display ?? '').split(','))
      if (id) tagIds.add(id);
  return {
    caregivers: Math.ceil(practitioners.length / PAGE),
    clients: Math.ceil(patients.length / PAGE),
    profileTags: tagIds.size,
    relatedPersons: Math.ceil(related / PAGE),
    shifts: shiftPages,
    visits: visitPages,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const mirrorSection: BenchSection = {
  name: 'mirror',
  async run() {
    let simNow = NOW;
    const size = SMALL ? { caregivers: 200, clients: 500 } : { caregivers: 2000, clients: 5000 };
    const sim = await startSimulator({
      ...size,
      weeks: 13,
      seed: 1,
      rateLimit: 100,
      profile: 'full',
      // A clock the near-term rows move (simulated time); the syncs above it run at NOW.
      now: () => simNow,
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-'));
    const store = await openStore({
      dataDir,
      env: process.env.DATABASE_URL ? process.env : {},
      warn: () => undefined,
    });
    const meter = new RequestMeter();
    // The client's own default governor: 90 requests/s (90 % of WellSky's 100/s, facts §2.8).
    const client = new ConnectClient({
      env: {},
      onEvent: meter.onEvent,
      config: {
        baseUrl: sim.url,
        clientId: sim.credentials.clientId,
        clientSecret: sim.credentials.clientSecret,
        timezone: sim.timezone,
      },
    });
    const sync = new Sync({ client, store, meter, now: () => NOW });
    try {
      const minimum = minimumPages(sim, sync);
      sim.control.resetStats();
      const full = await sync.run({ full: true });
      const simStats = sim.control.stats();

      // 1 % of people change (a phone, a name), as office staff would do between two syncs.
      const patients = sim.control.data.patients();
      const practitioners = sim.control.data.practitioners();
      const changes = Math.round((patients.length + practitioners.length) / 100);
      for (let i = 0; i < changes; i++) {
        if (i % 3 === 2) {
          const p = practitioners[(i * 37) % practitioners.length]!;
          sim.control.updatePractitioner(p.id as string, {
            name: [{ family: `Changed${i}`, given: ['Bench'] }],
          });
        } else {
          const p = patients[(i * 53) % patients.length]!;
          sim.control.updatePatient(p.id as string, {
            telecom: [
              { system: 'phone', value: `720555${String(9000 + i).padStart(4, '0')}`, use: 'mobile' },
            ],
          });
        }
      }
      const incremental = await sync.run();
      const afterIncremental = sim.control.stats();

      const mirror = await Mirror.open({ store, timezone: sim.timezone, now: () => NOW });
      const phones = [...patients, ...practitioners]
        .flatMap((p) => (p.telecom ?? []).map((t) => t.value ?? ''))
        .filter((v) => /^\d{10}$/.test(v));
      const formats = (d: string, i: number) =>
        [
          d,
          `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
          `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
        ][i % 3]!;
      const timings: number[] = [];
      let found = 0;
      for (let i = 0; i < 50_000; i++) {
        const q = formats(phones[(i * 7919) % phones.length]!, i);
        const t = performance.now();
        const result = mirror.identify(q);
        timings.push(performance.now() - t);
        if (result.matches.length > 0) found++;
      }
      timings.sort((a, b) => a - b);

      const minTotal = Object.values(minimum).reduce((a, b) => a + b, 0);
      const limit = client.config.rateLimitPerSecond;
      const rows: Record<string, unknown>[] = [
        {
          metric: 'agency',
          value: `${size.caregivers} caregivers / ${size.clients} clients / 13 weeks`,
          note: `shift window ${full.phases.find((p) => p.phase === 'shifts')?.detail}`,
        },
        {
          metric: 'full sync: requests',
          value: full.requests,
          note: `minimum pages the API allows: ${minTotal}`,
        },
        ...full.phases.map((p) => ({
          metric: `  ${p.phase}`,
          value: p.requests,
          note: `minimum ${minimum[p.phase]} · ${(p.ms / 1000).toFixed(1)} s${p.detail ? ` · ${p.detail}` : ''}`,
        })),
        {
          metric: 'full sync: time',
          value: `${(full.durationMs / 1000).toFixed(1)} s`,
          note: `status ${full.status}`,
        },
        {
          metric: 'full sync: requests/s',
          value: full.requestsPerSecond,
          note: `client limit ${limit}/s, simulator ceiling 100/s`,
        },
        { metric: 'full sync: 429s', value: simStats.rateLimited, note: `client saw ${full.rateLimited}` },
        {
          metric: 'full sync: records',
          value: Object.values(full.counts).reduce((n, c) => n + c.seen, 0),
          note: Object.entries(full.counts)
            .map(([k, c]) => `${k} ${c.seen}`)
            .join(', '),
        },
        {
          metric: `incremental after ${changes} changes (1 %)`,
          value: incremental.requests,
          note: `${(incremental.durationMs / 1000).toFixed(1)} s, status ${incremental.status}`,
        },
        ...incremental.phases.map((p) => ({
          metric: `  ${p.phase}`,
          value: p.requests,
          note: p.detail ?? '',
        })),
        {
          metric: 'incremental: changed',
          value: incremental.counts.clients.changed + incremental.counts.caregivers.changed,
          note: `clients ${incremental.counts.clients.changed}, caregivers ${incremental.counts.caregivers.changed}`,
        },
        { metric: 'incremental: 429s', value: afterIncremental.rateLimited - simStats.rateLimited, note: '' },
        {
          metric: 'identify p50',
          value: `${(percentile(timings, 50) * 1000).toFixed(1)} µs`,
          note: `${timings.length} lookups, ${found} matched`,
        },
        {
          metric: 'identify p99',
          value: `${(percentile(timings, 99) * 1000).toFixed(1)} µs`,
          note: `index: ${mirror.size.phones} numbers`,
        },
      ];
      rows.push(
        ...(await nearTermRows({
          client,
          store,
          meter,
          start: NOW,
          setNow: (at) => {
            simNow = at;
          },
        })),
      );
      console.table(rows);
      if (full.errors.length || incremental.errors.length)
        console.log([...full.errors, ...incremental.errors].slice(0, 5));
    } finally {
      await store.close();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
