import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pgliteEngine } from '../helpers/stores.ts';
import { KILL_POINTS, killScenario } from './kill-scenario.ts';

// Each kill lands at a chosen point of an attempt (see KILL_POINTS) and the scenario proves it did, so
// one kill per point covers what fifty kills at random moments only made likely, and never proved.
test('embedded store: a delivery worker SIGKILLed at each point of an attempt loses nothing and duplicates nothing', {
  timeout: 600_000,
}, async () => {
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const { kills } = await killScenario(engine, { items: 40, rounds: 1 });
  assert.deepEqual(
    kills.map((kill) => kill.point),
    KILL_POINTS,
  );
});
