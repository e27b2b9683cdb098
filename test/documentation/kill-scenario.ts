import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CapabilityService } from '../../src/capabilities/service.ts';
import { DocumentationService } from '../../src/documentation/service.ts';
import { DocumentationRepo } from '../../src/store/documentation-repo.ts';
import type { Store } from '../../src/store/index.ts';
import { clock, logsWith, NOW, visitsOf } from '../helpers/docs.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import type { TestEngine } from '../helpers/stores.ts';

const CHILD = new URL('./fixtures/worker-child.ts', import.meta.url).pathname;
const REAL_START = Date.now() - (clock().getTime() - NOW.getTime());

function childEnv(engine: TestEngine, simUrl: string, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? '',
    SIM_URL: simUrl,
    WORKER_ID: 'kill-test-worker',
    CLOCK_NOW: NOW.toISOString(),
    CLOCK_REAL_START: String(REAL_START),
    ...(engine.databaseUrl ? { DATABASE_URL: engine.databaseUrl } : { DATA_DIR: engine.dataDir! }),
    ...extra,
  };
}

/**
 * Submits `items` notes, then runs a worker process and kills it with SIGKILL `kills` times at random
 * moments of delivery, restarting it each time; a last run delivers the rest. Every note must end
 * delivered, each exactly once in WellSky.
 */
export async function killScenario(engine: TestEngine, options: { items: number; kills: number }) {
  const sim = await simulator({
    clients: 40,
    caregivers: 25,
    weeks: 4,
    now: clock,
    seed: 21,
    rateLimit: 2000,
  });
  sim.control.setQuirks({ encounterRejectsTaskLog: false });
  const visits = visitsOf(sim, '2026-02-02', '2026-02-11');
  let store: Store = await engine.open();
  const service = new DocumentationService({
    repo: new DocumentationRepo(store, { clock }),
    timezone: sim.timezone,
    now: clock,
  });
  const ids: string[] = [];
  for (let i = 0; i < options.items; i++) {
    const visit = visits[i % visits.length]!;
    const { item } = await service.submit({
      kind: 'client-note',
      clientId: visit.clientId,
      text: `Note ${i}`,
      at: visit.middle,
    });
    ids.push(item.id);
  }
  // Measure capabilities once here, so every worker process starts delivering at once.
  await new CapabilityService(store, clientFor(sim)).refresh(clock());
  if (engine.name === 'pglite') await store.close(); // the worker process needs the data folder

  sim.control.setFaults({ latencyMs: 15, latencyJitterMs: 15 });
  let killedWhileWorking = 0;
  for (let k = 0; k < options.kills; k++) {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: childEnv(engine, sim.url),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout, 'data'); // "ready"
    const before = sim.control.taskLogs().length;
    // The first notes go out ~250 ms after start (token, claim, visit search): kill within delivery.
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(Math.random() * 450)));
    child.kill('SIGKILL');
    await once(child, 'exit');
    if (sim.control.taskLogs().length > before) killedWhileWorking++;
  }
  sim.control.setFaults({ latencyMs: 0, latencyJitterMs: 0 });
  const final = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: childEnv(engine, sim.url, { FINAL: '1' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [code] = await once(final, 'exit');
  assert.equal(code, 0, 'the last worker run finished');

  if (engine.name === 'pglite') store = await engine.open();
  try {
    const repo = new DocumentationRepo(store);
    let attemptsAbandoned = 0;
    for (const id of ids) {
      const item = await repo.get(id);
      assert.ok(item, `item ${id} survived`);
      assert.equal(
        item.state,
        'delivered',
        `${id}: ${item.state} ${item.state_reason ?? item.last_error ?? ''}`,
      );
      assert.equal(logsWith(sim, item.marker).length, 1, `${item.marker} is in WellSky exactly once`);
      attemptsAbandoned += (await repo.attempts(id)).filter((a) => a.outcome === 'unknown').length;
    }
    assert.equal(sim.control.taskLogs().length, options.items, 'no extra task log anywhere');
    assert.equal(sim.control.clockIns().length, 0);
    return { killedWhileWorking, attemptsAbandoned };
  } finally {
    await store.close();
    await sim.close();
  }
}
