import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pgliteEngine } from '../helpers/stores.ts';
import { killScenario } from './kill-scenario.ts';

test('embedded store: 50 kill -9s of the delivery worker lose nothing and duplicate nothing', async () => {
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const { killedWhileWorking } = await killScenario(engine, { items: 300, kills: 50 });
  assert.ok(
    killedWhileWorking >= 10,
    `only ${killedWhileWorking} kills landed while notes were being delivered`,
  );
});
