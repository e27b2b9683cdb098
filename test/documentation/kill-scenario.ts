import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CapabilityService } from '../../src/capabilities/service.ts';
import { referenceLine, taskLogBodies } from '../../src/documentation/bodies.ts';
import { DocumentationService } from '../../src/documentation/service.ts';
import type { AttemptPoint } from '../../src/documentation/worker.ts';
import { DocumentationRepo } from '../../src/store/documentation-repo.ts';
import type { Store } from '../../src/store/index.ts';
import { clock, logsWith, NOW, visitsOf } from '../helpers/docs.ts';
import { nodeArgs } from '../helpers/entry.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import type { TestEngine } from '../helpers/stores.ts';

const CHILD = nodeArgs(new URL('./fixtures/worker-child.ts', import.meta.url));
const REAL_START = Date.now() - (clock().getTime() - NOW.getTime());
/**
 * A child starts tsx, opens the store and reaches the point in a few seconds when the machine is idle; the
 * bound is for a child that never will (and names it), not for a slow one.
 */
const LINE_TIMEOUT_MS = 240_000;

/**
 * Every moment of an attempt where a crash leaves something different behind: the attempt recorded but
 * nothing sent; the note about to be sent; one part of a long note in WellSky and the rest not; the whole
 * note in WellSky but its delivery not recorded.
 */
export const KILL_POINTS: readonly AttemptPoint[] = [
  'attempt-begun',
  'before-create',
  'part-created',
  'created',
];

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

/** Resolves with the child's next stdout line starting with `prefix`; fails (naming it) on exit or timeout. */
function nextLine(child: ChildProcess, lines: AsyncIterator<string>, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker process printed no "${prefix}" line within ${LINE_TIMEOUT_MS} ms`)),
      LINE_TIMEOUT_MS,
    );
    const exited = () =>
      reject(new Error(`the worker process exited (${child.exitCode}) before "${prefix}"`));
    child.once('exit', exited);
    (async () => {
      for (let next = await lines.next(); !next.done; next = await lines.next())
        if (next.value.startsWith(prefix)) return next.value;
      throw new Error(`the worker process closed stdout before "${prefix}"`);
    })()
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer);
        child.off('exit', exited);
      });
  });
}

export interface Kill {
  point: AttemptPoint;
  itemId: string;
  /** Task logs WellSky held for that note when the process was killed. */
  logsAtKill: number;
}

/**
 * Submits `items` notes (every fourth one long enough to go out in three parts), then for each round and
 * each point of `KILL_POINTS` runs a worker process that pauses the `round + 2`-th time a lane reaches that
 * point and SIGKILLs it there; a last run delivers the rest. Every note must end delivered, each part
 * exactly once in WellSky, and every kill must have left an attempt without an outcome behind.
 */
export async function killScenario(engine: TestEngine, options: { items: number; rounds: number }) {
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
  const running = new Set<ChildProcess>();
  try {
    const service = new DocumentationService({
      repo: new DocumentationRepo(store, { clock }),
      timezone: sim.timezone,
      now: clock,
    });
    const ids: string[] = [];
    const markers = new Map<string, string>();
    for (let i = 0; i < options.items; i++) {
      const visit = visits[i % visits.length]!;
      const text = i % 4 === 0 ? `Note ${i} ${'words of a long visit note '.repeat(340)}` : `Note ${i}`;
      const { item } = await service.submit({
        kind: 'client-note',
        clientId: visit.clientId,
        text,
        at: visit.middle,
      });
      ids.push(item.id);
      markers.set(item.id, item.reference);
    }
    // Measure capabilities once here, so every worker process starts delivering at once.
    await new CapabilityService(store, clientFor(sim)).refresh(clock());
    if (engine.name === 'pglite') await store.close(); // the worker process needs the data folder

    const kills: Kill[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const point of KILL_POINTS) {
        const child = spawn(process.execPath, CHILD, {
          env: childEnv(engine, sim.url, { PAUSE_AT: point, PAUSE_AFTER: String(round + 2) }),
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        running.add(child);
        child.once('exit', () => running.delete(child));
        const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
        const paused = await nextLine(child, lines, 'paused ');
        const [, at, itemId] = paused.split(' ') as [string, AttemptPoint, string];
        assert.equal(at, point);
        const logsAtKill = logsWith(sim, markers.get(itemId)!).length;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        const [code, signal] = await exited;
        assert.equal(signal, 'SIGKILL', `the worker paused at ${point} died by SIGKILL (exit code ${code})`);
        kills.push({ point, itemId, logsAtKill });
      }
    }

    const final = spawn(process.execPath, CHILD, {
      env: childEnv(engine, sim.url, { FINAL: '1' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running.add(final);
    const [code] = await once(final, 'exit');
    running.delete(final);
    assert.equal(code, 0, 'the last worker run finished');

    if (engine.name === 'pglite') store = await engine.open();
    const repo = new DocumentationRepo(store);
    for (const id of ids) {
      const item = await repo.get(id);
      assert.ok(item, `item ${id} survived`);
      assert.equal(
        item.state,
        'delivered',
        `${id}: ${item.state} ${item.state_reason ?? item.last_error ?? ''}`,
      );
      const parts = taskLogBodies(item).length;
      for (let index = 1; index <= parts; index++) {
        const line = referenceLine(item.marker, { index, count: parts });
        const found = sim.control.taskLogs().filter((log) => log.description.trimEnd().endsWith(line));
        assert.equal(found.length, 1, `${line} is in WellSky exactly once`);
      }
      assert.equal(
        logsWith(sim, item.marker).length,
        parts,
        `${item.marker}: ${parts} part(s), nothing more`,
      );
    }
    const expected = (await Promise.all(ids.map((id) => repo.get(id)))).reduce(
      (sum, item) => sum + taskLogBodies(item!).length,
      0,
    );
    assert.equal(sim.control.taskLogs().length, expected, 'no extra task log anywhere');
    assert.equal(sim.control.clockIns().length, 0);
    for (const kill of kills) {
      const abandoned = (await repo.attempts(kill.itemId)).filter(
        (a) => a.outcome === 'unknown' && a.error_kind === 'abandoned',
      );
      assert.ok(abandoned.length >= 1, `the kill at ${kill.point} left ${kill.itemId}'s attempt open`);
      if (kill.point === 'part-created' || kill.point === 'created')
        assert.ok(kill.logsAtKill >= 1, `at ${kill.point} WellSky already held ${kill.itemId}'s note`);
    }
    return { kills };
  } finally {
    // A failed assertion must not leave a worker process behind that keeps the test run alive.
    for (const child of running) child.kill('SIGKILL');
    await store.close().catch(() => undefined);
    await sim.close();
  }
}
