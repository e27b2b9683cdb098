import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import pg from 'pg';
import { CapabilityService } from '../../src/capabilities/service.ts';
import { DocumentationService } from '../../src/documentation/service.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import { DocumentationRepo } from '../../src/store/documentation-repo.ts';
import type { Store } from '../../src/store/index.ts';
import { clientFor } from '../helpers/sim.ts';

const CLI = fileURLToPath(new URL('../../bin/skybridge.js', import.meta.url));
const ROOT = dirname(CLI.replace(/\/bin\/skybridge\.js$/, '/bin'));

export interface ScenarioResult {
  /** Requests the simulator saw per wall-clock second while all three processes had work. */
  window: number[];
  busiestSecond: number;
  /** Mean requests per second over the window. */
  combinedRate: number;
  rateLimited: number;
  syncExit: number | null;
  syncSeconds: number;
  /** Requests per second over the whole run (for the record). */
  allSeconds: number[];
  /** Requests the shared budget granted in all (some may have gone unused when a slot ended first). */
  granted: number;
  /** API requests the simulator saw in all. */
  seen: number;
}

/** Client notes on visits of the last week, enough to keep two delivery workers busy. */
export async function seedNotes(store: Store, sim: RunningSimulator, count: number): Promise<void> {
  const today = DateTime.now().setZone(sim.timezone);
  const from = today.minus({ days: 7 }).toISODate()!;
  const to = today.minus({ days: 1 }).toISODate()!;
  const visits = sim.control.data
    .encounters({ from, to })
    .filter((e) => e.period?.start && e.period?.end && e.subject?.reference);
  if (visits.length === 0) throw new Error('the simulated agency has no visits in the last week');
  const service = new DocumentationService({ repo: new DocumentationRepo(store), timezone: sim.timezone });
  for (let i = 0; i < count; i++) {
    const visit = visits[i % visits.length]!;
    const start = new Date(visit.period!.start!).getTime();
    const end = new Date(visit.period!.end!).getTime();
    await service.submit({
      kind: 'client-note',
      clientId: visit.subject!.reference.split('/')[1]!,
      text: `Rate budget note ${i}`,
      at: new Date((start + end) / 2).toISOString(),
    });
  }
  // Measured once here, so the workers start delivering at once.
  await new CapabilityService(store, clientFor(sim)).refresh(new Date());
}

function childEnv(sim: RunningSimulator, databaseUrl: string, budget: number | undefined) {
  return {
    ...(process.env.SKYBRIDGE_RATE_BUDGET
      ? { SKYBRIDGE_RATE_BUDGET: process.env.SKYBRIDGE_RATE_BUDGET }
      : {}),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: databaseUrl,
    WELLSKY_BASE_URL: sim.url,
    WELLSKY_CLIENT_ID: sim.credentials.clientId,
    WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
    WELLSKY_AGENCY_ID: sim.agencyId,
    WELLSKY_TIMEZONE: sim.timezone,
    ...(budget === undefined ? {} : { WELLSKY_RATE_LIMIT: String(budget) }),
  };
}

/** Resolves with the child's first line on `stream`: the sign that it is running. */
async function firstOutput(child: ChildProcess, stream: 'stdout' | 'stderr'): Promise<void> {
  const source = child[stream];
  if (!source) throw new Error(`no ${stream}`);
  await once(source, 'data');
}

/**
 * A full sync and two delivery workers, three OS processes with one credential and one PostgreSQL,
 * against one simulator. The window is the whole seconds from the second after all three are running
 * to the last before the sync ends: the time when all three have work.
 */
export async function runThreeProcesses(options: {
  sim: RunningSimulator;
  databaseUrl: string;
  budget?: number;
  cli?: string;
  cwd?: string;
  timeoutMs?: number;
}): Promise<ScenarioResult> {
  const { sim, databaseUrl } = options;
  const cli = options.cli ?? CLI;
  const env = childEnv(sim, databaseUrl, options.budget);
  const run = (args: string[]) =>
    spawn(process.execPath, [cli, ...args], {
      env,
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  sim.control.resetStats();
  const children: ChildProcess[] = [];
  const kill = () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const timer = setTimeout(kill, options.timeoutMs ?? 180_000);
  const started = Date.now();
  let previous: Record<string, number> = {};
  const sampler = setInterval(() => {
    const byRoute = sim.control.stats().byRoute;
    const delta = Object.entries(byRoute)
      .map(([route, n]) => [route, n - (previous[route] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([route, n]) => `${route.replace(/^(GET|POST|PUT) \/v1\//, '$1 ')}:${n}`);
    previous = byRoute;
    if (process.env.BUDGET_TRACE) console.error(`+${Date.now() - started} ms ${delta.join(' ')}`);
  }, 1000);
  try {
    const workers = [run(['docs', 'work']), run(['docs', 'work'])];
    const sync = run(['sync', '--full']);
    children.push(...workers, sync);
    let syncOutput = '';
    sync.stdout?.on('data', (chunk) => {
      syncOutput += String(chunk);
    });
    const errors: string[] = [];
    for (const child of children) child.stderr?.on('data', (chunk) => errors.push(String(chunk)));
    const syncExit = once(sync, 'exit');
    const marks: string[] = [];
    const mark = (what: string) => marks.push(`${what} +${Date.now() - started} ms`);
    for (const [i, w] of workers.entries())
      void firstOutput(w, 'stdout').then(() => mark(`worker ${i} running`));
    // Workers print "running" once connected; the sync's first sign is its first caregiver read.
    await Promise.race([
      Promise.all(workers.map((w) => firstOutput(w, 'stdout'))),
      Promise.race(children.map((c) => once(c, 'exit'))).then(() => {
        throw new Error(`a process ended before the workers ran:\n${errors.join('')}`);
      }),
    ]);
    const syncing = () => Object.keys(sim.control.stats().byRoute).some((r) => /practitioner/i.test(r));
    while (!syncing()) {
      if (sync.exitCode !== null || workers.some((w) => w.exitCode !== null))
        throw new Error(`a process ended before the sync began:\n${errors.join('')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const allRunning = Date.now();
    const syncStarted = Date.now();
    mark('sync reading caregivers');
    const [code] = await syncExit;
    clearInterval(sampler);
    if (process.env.BUDGET_TRACE) console.error(marks.join('\n'));
    const syncEnded = Date.now();
    // The measurement is over; a worker asked to stop would first finish its claimed batch.
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : undefined)));
    const stats = sim.control.stats();
    // The first second after start is each process's warm-up (token, first reads of the store).
    const first = Math.floor(allRunning / 1000) + 2;
    const last = Math.floor(syncEnded / 1000) - 1;
    const seconds = Object.keys(stats.perSecond).map(Number);
    const from = Math.min(...seconds);
    const to = Math.max(...seconds);
    const allSeconds = range(from, to).map((s) => stats.perSecond[String(s)] ?? 0);
    const window = range(first, last).map((s) => stats.perSecond[String(s)] ?? 0);
    const pool = new pg.Client({ connectionString: databaseUrl });
    await pool.connect();
    const granted = Number(
      (await pool.query('SELECT coalesce(sum(used), 0)::text AS n FROM rate_budget_slots')).rows[0].n,
    );
    await pool.end();
    if (code !== 0) throw new Error(`the sync exited with ${code}: ${syncOutput}\n${errors.join('')}`);
    return {
      window,
      busiestSecond: Math.max(0, ...allSeconds),
      combinedRate: window.length === 0 ? 0 : window.reduce((a, b) => a + b, 0) / window.length,
      rateLimited: stats.rateLimited,
      syncExit: code as number | null,
      syncSeconds: (syncEnded - syncStarted) / 1000,
      allSeconds,
      granted,
      seen: allSeconds.reduce((a, b) => a + b, 0),
    };
  } finally {
    clearInterval(sampler);
    clearTimeout(timer);
    kill();
  }
}

function range(from: number, to: number): number[] {
  return to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
