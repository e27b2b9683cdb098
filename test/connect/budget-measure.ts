/**
 * Measures the shared rate budget with three OS processes (a full sync and two delivery workers) on one
 * PostgreSQL against one simulator, and prints the busiest second and the combined rate.
 *   node --import tsx test/connect/budget-measure.ts [ceiling=100] [budget=default] [clients=120] [caregivers=50] [notes=2000] [cli=bin/skybridge.js]
 * `cli` may point at another checkout's bin/skybridge.js to measure it (as the "before" was measured).
 */
import { dirname, resolve } from 'node:path';
import { startSimulator } from '../../src/simulator/index.ts';
import { postgresEngine } from '../helpers/stores.ts';
import { runThreeProcesses, seedNotes } from './budget-scenario.ts';

const [ceiling = '100', budget = '', clients = '120', caregivers = '50', notes = '2000', cli = ''] =
  process.argv.slice(2);
const engine = await postgresEngine.create();
const sim = await startSimulator({
  clients: Number(clients),
  caregivers: Number(caregivers),
  seed: 11,
  rateLimit: Number(ceiling),
});
try {
  sim.control.setQuirks({ encounterRejectsTaskLog: false });
  const store = await engine.open();
  const t0 = Date.now();
  await seedNotes(store, sim, Number(notes));
  console.error(`seeded ${notes} notes in ${Date.now() - t0} ms`);
  await store.close();
  const t1 = Date.now();
  const result = await runThreeProcesses({
    sim,
    databaseUrl: engine.databaseUrl!,
    ...(budget ? { budget: Number(budget) } : {}),
    ...(cli ? { cli: resolve(cli), cwd: resolve(dirname(resolve(cli)), '..') } : {}),
    timeoutMs: 240_000,
  });
  console.error(`three processes ran ${Date.now() - t1} ms`);
  console.log(
    JSON.stringify(
      {
        ceiling: Number(ceiling),
        budget: budget ? Number(budget) : 'default',
        busiestSecond: result.busiestSecond,
        combinedRateWhileAllHaveWork: Number(result.combinedRate.toFixed(1)),
        windowSeconds: result.window.length,
        rateLimited429: result.rateLimited,
        syncSeconds: result.syncSeconds,
        grantedByBudget: result.granted,
        seenBySimulator: result.seen,
        window: result.window.join(' '),
        perSecond: result.allSeconds.join(' '),
      },
      null,
      1,
    ),
  );
} finally {
  await sim.close();
  await engine.dispose();
}
