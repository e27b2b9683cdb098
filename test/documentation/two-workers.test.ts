import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DeliveryWorker } from '../../src/documentation/worker.ts';
import { clock, logsWith, pipeline, until, visitsOf } from '../helpers/docs.ts';
import { simulator } from '../helpers/sim.ts';
import { postgresEngine } from '../helpers/stores.ts';

test('two workers on one PostgreSQL deliver 500 notes, each exactly once', async () => {
  const engine = await postgresEngine.create();
  after(() => engine.dispose());
  // Two stores, as two processes would have: each its own connections.
  const storeA = await engine.open();
  const storeB = await engine.open();
  after(() => storeA.close());
  after(() => storeB.close());
  const sim = await simulator({
    clients: 40,
    caregivers: 25,
    weeks: 4,
    now: clock,
    seed: 41,
    rateLimit: 5000,
  });
  sim.control.setQuirks({ encounterRejectsTaskLog: false });
  const a = pipeline(storeA, sim, { worker: { workerId: 'worker-a', concurrency: 6 } });
  const b = pipeline(storeB, sim, { worker: { workerId: 'worker-b', concurrency: 6 } });
  await a.worker!.refreshCapabilities();
  const visits = visitsOf(sim, '2026-02-02', '2026-02-11');
  const ids: string[] = [];
  for (let i = 0; i < 500; i++) {
    const visit = visits[i % visits.length]!;
    const { item } = await a.service.submit({
      kind: 'client-note',
      clientId: visit.clientId,
      text: `Shared ${i}`,
      at: visit.middle,
    });
    ids.push(item.id);
  }
  const byWorker = new Map<string, number>();
  const count = (worker: DeliveryWorker) => (e: { type: string }) => {
    if (e.type === 'delivered') byWorker.set(worker.workerId, (byWorker.get(worker.workerId) ?? 0) + 1);
  };
  const workers = [a, b].map(({ repo, capabilities, client }, i) => {
    const worker: DeliveryWorker = new DeliveryWorker({
      repo,
      capabilities: capabilities!,
      client,
      settings: { profileNotesAsOfficeTasks: false, agencyId: '1001' },
      workerId: i === 0 ? 'worker-a' : 'worker-b',
      now: clock,
      pollMs: 10,
      concurrency: 6,
      onEvent: (e) => count(worker)(e),
    });
    return worker;
  });
  for (const worker of workers) worker.start();
  after(() => Promise.all(workers.map((w) => w.stop())));
  await until(
    async () => (await a.repo.list({ state: 'pending', limit: 1 })).length === 0,
    120_000,
    'queue drained',
  );
  await Promise.all(workers.map((w) => w.stop()));
  for (const id of ids) {
    const item = (await a.repo.get(id))!;
    assert.equal(item.state, 'delivered', `${id}: ${item.state_reason ?? ''}`);
    assert.equal(logsWith(sim, item.marker).length, 1);
  }
  assert.equal(sim.control.taskLogs().length, 500);
  assert.ok(
    (byWorker.get('worker-a') ?? 0) > 50 && (byWorker.get('worker-b') ?? 0) > 50,
    JSON.stringify([...byWorker]),
  );
});
