import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { pgliteEngine } from '../helpers/stores.ts';

/** A port nothing listens on: WellSky is unreachable. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('WellSky unreachable at start: the service still starts, and a note is stored and pending, not lost', async () => {
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const store = await engine.open();
  const steps: string[] = [];
  const app = await SkybridgeApp.create({
    demo: 'never',
    store,
    env: {
      WELLSKY_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
      WELLSKY_CLIENT_ID: 'agency-app',
      WELLSKY_CLIENT_SECRET: 'not-a-real-secret',
      WELLSKY_AGENCY_ID: '1001',
    },
  });
  after(async () => {
    await app.close();
    await store.close();
  });
  await app.start({ onStep: (step) => steps.push(step) });
  assert.equal(app.ready, true);
  assert.equal(app.lastSync?.status, 'failed', 'the failed first sync is recorded as failed, not ok');
  assert.ok(steps.includes('starting the delivery worker and the scheduled sync'), steps.join('\n'));
  const { item } = await app.docs.service.submit({ kind: 'office-task', title: 'Call the family back' });
  assert.equal(item.state, 'pending');
  const stored = await app.docs.service.get(item.id);
  assert.equal(stored?.title, 'Call the family back');
});
