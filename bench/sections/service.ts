import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, distIsFresh } from '../../scripts/build.js';
import { AuditLog } from '../../src/service/audit.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { type BenchSection, SMALL } from '../section.ts';

// The service's memory once started as `npm start` starts it, and the audit log's group commit against one
// INSERT per read. Its latency under load is the service-latency section.

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The demo agency `npm start` runs without configuration (SKYBRIDGE_DEMO_* defaults). */
const DEMO = { caregivers: 50, clients: 120 };
const LARGE = { caregivers: 2_000, clients: 5_000 };

/** Resident memory now and at its peak (VmRSS, VmHWM) of another process, from Linux's /proc. */
async function residentOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Node's options in package.json's `start` script (`node <options> dist/cli/main.js start`). */
async function startScriptOptions(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = manifest.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('dist/cli/main.js'));
}

/**
 * Runs `node [nodeOptions] dist/cli/main.js <args>` until its stdout says `ready`; returns it with what it
 * printed.
 */
async function launch(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeOptions: string[] = [],
) {
  const child = spawn(process.execPath, [...nodeOptions, join(ROOT, 'dist', 'cli', 'main.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const started = performance.now();
  while (!ready.test(output)) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited before it was ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return { pid: child.pid!, seconds, output: () => output, stop };
}

/**
 * `npm start` as a user runs it — node with the start script's options on the compiled dist/, its own
 * process — on a new data folder and again on the same folder (a restart): seconds until ready, RSS once
 * the first sync is done, and the peak during the start. With `wellsky`, the service syncs a simulator running in another process
 * (so the simulator's own data is not counted), as against the real WellSky.
 */
async function startFigures(size: { caregivers: number; clients: number }, wellsky?: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-start-'));
  const nodeOptions = await startScriptOptions();
  const rows = [];
  try {
    for (const start of ['new data folder', 'restart']) {
      const service = await launch(
        ['start'],
        {
          PORT: '0',
          SKYBRIDGE_DATA_DIR: dataDir,
          SKYBRIDGE_DEMO_CAREGIVERS: String(size.caregivers),
          SKYBRIDGE_DEMO_CLIENTS: String(size.clients),
          ...wellsky,
        },
        /Skybridge is ready/,
        nodeOptions,
      );
      const { rss, peak } = await residentOf(service.pid);
      await service.stop();
      rows.push({
        agency: `${size.caregivers} caregivers / ${size.clients} clients${wellsky ? ' (simulator apart)' : ' (demo)'}`,
        start,
        'ready (s)': service.seconds.toFixed(1),
        'RSS after first sync (MB)': mb(rss),
        'peak RSS (MB)': mb(peak),
      });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** The service's own memory: the demo agency (in-process simulator), and at full scale a 2,000 / 5,000 agency. */
async function memorySection() {
  if (!distIsFresh()) build();
  const rows = await startFigures(DEMO);
  if (!SMALL) {
    const simulator = await launch(
      [
        'simulator',
        '--port',
        '0',
        '--caregivers',
        String(LARGE.caregivers),
        '--clients',
        String(LARGE.clients),
      ],
      {},
      /http:\/\/127\.0\.0\.1:\d+/,
    );
    try {
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(simulator.output())![0];
      rows.push(
        ...(await startFigures(LARGE, {
          WELLSKY_BASE_URL: url,
          WELLSKY_CLIENT_ID: 'demo-client',
          WELLSKY_CLIENT_SECRET: 'demo-secret',
        })),
      );
    } finally {
      await simulator.stop();
    }
  }
  console.table(rows);
}

/** The same burst of audited reads written one INSERT each, then group-committed (what the service does). */
async function auditBurst(store: Store, n = 2_000): Promise<string> {
  const entry = (i: number) => ({
    keyId: null,
    method: 'GET' as const,
    route: '/bench/audit',
    status: 200,
    subjectIds: [String(i)],
  });
  let started = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      store.db
        .insertInto('audit_log')
        .values({
          at: new Date(),
          key_id: null,
          method: 'GET',
          route: '/bench/audit',
          status: 200,
          subject_ids: JSON.stringify([String(i)]),
        })
        .execute(),
    ),
  );
  const single = performance.now() - started;
  const log = new AuditLog(store);
  started = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => log.record(entry(i))));
  const grouped = performance.now() - started;
  return `${n} concurrent audited reads: one INSERT each ${single.toFixed(0)} ms, group-committed ${grouped.toFixed(0)} ms`;
}

export const serviceSection: BenchSection = {
  name: 'service',
  async run() {
    await memorySection();
    // Latency under load is the service-latency section (bench/sections/service-latency.ts), which
    // `npm run bench -- service` runs too: its load comes from a worker thread, not this event loop.
    const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-service-'));
    const store = await openStore({ env: { SKYBRIDGE_DATA_DIR: dataDir } });
    try {
      console.log(await auditBurst(store));
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
