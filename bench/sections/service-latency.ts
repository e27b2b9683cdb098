import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { AuditLog } from '../../src/service/audit.ts';
import { KeyRepo } from '../../src/service/keys.ts';
import { serviceLogger } from '../../src/service/logger.ts';
import { buildServer } from '../../src/service/server.ts';
import { type LoadFigures, type LoadRequest, measureLoad, simulatorApart } from '../load.ts';
import { type BenchSection, SMALL } from '../section.ts';

// The gateway's latency under a steady load, as `npm start` serves it (request logs on, the scheduled
// sync, the watch, the fill engine and the delivery worker running): identify at 300 and 1,000 req/s with
// every read audited, and note accept at 10 a second and under stress. Twice: with the demo simulator in the same process (what `npm
// start` runs without WellSky credentials) and with the simulator in a process of its own (as the real
// WellSky would be). Each run is preceded by an unreported warm-up.
const SIZE = SMALL ? { caregivers: 50, clients: 120 } : { caregivers: 600, clients: 1500 };
const SECONDS = SMALL ? 10 : 15;
const WARM_UP_SECONDS = SMALL ? 2 : 5;
const IDENTIFY_RATES = [300, 1_000];
// 10 notes a second is about five times the busiest minute we expect of a 600-caregiver agency (a shift
// change: ~100 notes within a minute); 50 / 100 a second is the stress row.
const NOTE_RATES = SMALL ? [10, 50] : [10, 100];

interface Setup {
  name: string;
  /** The environment of the app besides its data folder; undefined = the demo simulator in process. */
  env: Record<string, string> | undefined;
}

async function measureSetup(setup: Setup) {
  const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-latency-'));
  const app = await SkybridgeApp.create({
    env: { SKYBRIDGE_DATA_DIR: dataDir, ...setup.env },
    demo: setup.env ? 'never' : 'always',
    simulator: SIZE,
  });
  await app.start();
  let batches: number[] = [];
  const server = buildServer(app, {
    // As `npm start` logs: JSON lines, one write each, to a file instead of the terminal.
    logger: serviceLogger({
      destination: pino.destination({ dest: join(dataDir, 'service.log'), sync: true }),
    }),
    // As `npm start` audits: spooled to the data folder on the embedded store (service/audit-spool.ts).
    auditLog: new AuditLog(
      app.store,
      undefined,
      (rows) => batches.push(rows),
      app.store.engine === 'pglite' ? { dir: join(dataDir, 'audit-spool') } : undefined,
    ),
    extensions: [],
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const keys = new KeyRepo(app.store);
  const reader = { authorization: `Bearer ${(await keys.create('bench-read', 'read')).token}` };
  const writer = {
    authorization: `Bearer ${(await keys.create('bench-write', 'write')).token}`,
    'content-type': 'application/json',
  };
  const identify: LoadRequest[] = app.mirror
    .searchPeople('a', { limit: 200 })
    .flatMap((p) => p.phones.map((ph) => ph.digits))
    .slice(0, 200)
    .map((phone) => ({ method: 'GET', path: `/api/v1/identify?phone=${phone}` }));
  // Clients the mirror knows, so no live WellSky GET is on the path.
  const notes: LoadRequest[] = app.mirror
    .searchPeople('a', { kinds: ['client'], limit: 200 })
    .map((client) => ({
      method: 'POST',
      path: '/api/v1/documentation',
      body: JSON.stringify({
        kind: 'client-note',
        clientId: client.id,
        text: 'Bench note: lunch eaten, walked outside.',
      }),
    }));
  const rows: (Record<string, string | number> & LoadFigures)[] = [];
  const run = async (
    what: string,
    rate: number,
    requests: LoadRequest[],
    headers: Record<string, string>,
  ) => {
    batches = [];
    // At least 500 answers per row, so that its p99 is not one slow answer.
    const seconds = Math.max(SECONDS, Math.ceil(500 / rate));
    const figures = await measureLoad({ url, rate, seconds, headers, requests });
    const audit =
      app.store.engine === 'pglite'
        ? 'spooled'
        : batches.length === 0
          ? '-'
          : (batches.reduce((a, b) => a + b, 0) / batches.length).toFixed(1);
    rows.push({
      setup: setup.name,
      what,
      'rate (req/s)': rate,
      seconds,
      ...figures,
      'audit rows per INSERT': audit,
    });
  };
  try {
    await measureLoad({ url, rate: 1_000, seconds: WARM_UP_SECONDS, headers: reader, requests: identify });
    for (const rate of IDENTIFY_RATES) await run('identify (audited)', rate, identify, reader);
    for (const rate of NOTE_RATES) await run('note accept', rate, notes, writer);
  } finally {
    await server.close();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

export const serviceLatencySection: BenchSection = {
  name: 'service-latency',
  async run() {
    const rows = [];
    rows.push(...(await measureSetup({ name: 'demo simulator in process (npm start)', env: undefined })));
    const apart = await simulatorApart(SIZE);
    try {
      rows.push(...(await measureSetup({ name: 'simulator in its own process', env: apart.env })));
    } finally {
      await apart.stop();
    }
    console.log(
      `agency: ${SIZE.caregivers} caregivers / ${SIZE.clients} clients; ${SECONDS} s or 500 answers per row, whichever is longer`,
    );
    console.table(rows);
  },
};
