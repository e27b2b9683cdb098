import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { until } from '../helpers/docs.ts';
import { engines } from '../helpers/stores.ts';
import { serviceFixture } from './fixture.ts';

for (const engine of engines) {
  describe(`graceful shutdown (${engine.name})`, async () => {
    const f = await serviceFixture(engine);

    test('closing while the worker is delivering leaves no item claimed and none lost', async () => {
      // Slow WellSky: deliveries are in flight when the shutdown starts.
      f.app.simulator!.control.setFaults({ latencyMs: 250 });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const answer = await f.server.inject({
          method: 'POST',
          url: '/api/v1/documentation',
          headers: f.auth('write'),
          payload: {
            kind: 'office-task',
            title: `Shutdown test ${i}`,
            text: 'please call back',
            key: `shutdown-${i}`,
          },
        });
        assert.equal(answer.statusCode, 201, answer.body);
        ids.push(answer.json().item.id);
      }
      const db = f.app.store.db;
      await until(
        async () =>
          (
            await db
              .selectFrom('documentation_items')
              .select('id')
              .where('claimed_by', 'is not', null)
              .execute()
          ).length > 0,
        120_000,
        'the worker to claim an item',
      );
      await f.shutdown();
      const rows = await db
        .selectFrom('documentation_items')
        .select(['id', 'state', 'claimed_by'])
        .where('id', 'in', ids)
        .execute();
      assert.equal(rows.length, ids.length, 'every acknowledged item is still there');
      assert.deepEqual(
        rows.filter((r) => r.claimed_by !== null).map((r) => r.id),
        [],
        'no item left claimed',
      );
      assert.ok(
        rows.every((r) => r.state === 'delivered' || r.state === 'pending'),
        JSON.stringify(rows),
      );
      assert.equal(f.app.ready, false, 'no longer ready');
    });
  });
}
