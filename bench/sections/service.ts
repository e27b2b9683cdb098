import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { AuditLog } from '../../src/service/audit.ts';
import { KeyRepo } from '../../src/service/keys.ts';
import { buildServer } from '../../src/service/server.ts';
import type { Store } from '../../src/store/index.ts';
import { type BenchSection, SMALL } from '../section.ts';

// The gateway under a steady load: HTTP identify latency at a fixed request rate (autocannon, loopback
// only, bounded duration) and the process's memory once started on the demo agency.
const SIZE = SMALL ? { caregivers: 50, clients: 120 } : { caregivers: 600, clients: 1500 };
const RATES = [300, 1_000];
const NOTE_RATE = SMALL ? 50 : 100;
const SECONDS = SMALL ? 3 : 15;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

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

function row(what: string, rate: number, result: autocannon.Result) {
  return {
    what,
    'rate (req/s)': rate,
    requests: result.requests.total,
    'non-2xx': result.non2xx,
    errors: result.errors,
    'p50 (ms)': result.latency.p50,
    'p99 (ms)': result.latency.p99,
    'max (ms)': result.latency.max,
  };
}

export const serviceSection: BenchSection = {
  name: 'service',
  async run() {
    const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-bench-service-'));
    const rssBefore = process.memoryUsage().rss;
    const app = await SkybridgeApp.create({
      env: { SKYBRIDGE_DATA_DIR: dataDir },
      demo: 'always',
      simulator: SIZE,
      syncEveryMs: 3_600_000,
    });
    const started = performance.now();
    await app.start();
    const startSeconds = (performance.now() - started) / 1000;
    const rssAfterStart = process.memoryUsage().rss;
    const { token } = await new KeyRepo(app.store).create('bench', 'read');
    const server = buildServer(app, { logger: false, extensions: [] });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const phones = app.mirror
      .searchPeople('a', { limit: 200 })
      .flatMap((p) => p.phones.map((ph) => ph.digits))
      .slice(0, 200);
    const clientIds = app.mirror.searchPeople('a', { kinds: ['client'], limit: 200 }).map((p) => p.id);
    const base = `http://127.0.0.1:${address.port}`;
    const { token: writer } = await new KeyRepo(app.store).create('bench-writer', 'write');
    try {
      const rows = [];
      for (const rate of RATES) {
        let next = 0;
        const result = await autocannon({
          url: base,
          connections: rate >= 1_000 ? 50 : 10,
          overallRate: rate,
          duration: SECONDS,
          headers: { authorization: `Bearer ${token}` },
          requests: [
            {
              method: 'GET',
              setupRequest: (request) => ({
                ...request,
                path: `/api/v1/identify?phone=${phones[next++ % phones.length]}`,
              }),
            },
          ],
        });
        rows.push(row(`identify (audited)`, rate, result));
      }
      // Note accept: stored durably and answered (delivery goes on behind); the client is known to the
      // mirror, so no live WellSky GET is on the path.
      let note = 0;
      const accepted = await autocannon({
        url: base,
        connections: 10,
        overallRate: NOTE_RATE,
        duration: SECONDS,
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path: '/api/v1/documentation',
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({
                kind: 'client-note',
                clientId: clientIds[note++ % clientIds.length],
                text: 'Bench note: lunch eaten, walked outside.',
              }),
            }),
          },
        ],
      });
      rows.push(row('note accept', NOTE_RATE, accepted));
      console.table(
        rows.map((r) => ({
          agency: `${SIZE.caregivers} caregivers / ${SIZE.clients} clients`,
          'start (s)': startSeconds.toFixed(1),
          ...r,
          'RSS before (MB)': mb(rssBefore),
          'RSS after start (MB)': mb(rssAfterStart),
        })),
      );
      console.log(
        `RSS after load: ${mb(process.memoryUsage().rss)} MB (bench process, simulator in process)`,
      );
      console.log(await auditBurst(app.store));
    } finally {
      await server.close();
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
