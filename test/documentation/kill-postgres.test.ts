import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { postgresEngine } from '../helpers/stores.ts';
import { KILL_POINTS, killScenario } from './kill-scenario.ts';

// Each kill lands at a chosen point of an attempt (see KILL_POINTS), twice at different depths, so
// eight kills prove what fifty random ones only made likely.
test('PostgreSQL store: a delivery worker SIGKILLed at every point of an attempt loses nothing and duplicates nothing', {
  timeout: 240_000,
}, async () => {
  const engine = await postgresEngine.create();
  after(() => engine.dispose());
  const { kills } = await killScenario(engine, { items: 80, rounds: 2 });
  assert.deepEqual(
    kills.map((k) => k.point),
    [...KILL_POINTS, ...KILL_POINTS],
  );
});
