import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ItemView } from '../../src/documentation/view.ts';
import { clock, logsWith, pipeline, until, visitsOf } from '../helpers/docs.ts';
import { simulator } from '../helpers/sim.ts';
import { pgliteEngine, postgresEngine } from '../helpers/stores.ts';

for (const factory of [pgliteEngine, postgresEngine]) {
  describe(`a WellSky outage on ${factory.name}`, () => {
    test('all 5xx, then 429 bursts, then a revoked token: every note is delivered exactly once after recovery', async () => {
      const engine = await factory.create();
      after(() => engine.dispose());
      const store = await engine.open();
      after(() => store.close());
      const sim = await simulator({
        clients: 30,
        caregivers: 20,
        weeks: 4,
        now: clock,
        seed: 31,
        rateLimit: 2000,
      });
      sim.control.setQuirks({ encounterRejectsTaskLog: false });
      const { service, worker } = pipeline(store, sim);
      await worker!.refreshCapabilities();
      const visits = visitsOf(sim, '2026-02-02', '2026-02-11');

      sim.control.setFaults({ errorRate: 1 });
      const items: ItemView[] = [];
      for (let i = 0; i < 30; i++) {
        const visit = visits[i % visits.length]!;
        const { item } = await service.submit({
          kind: 'client-note',
          clientId: visit.clientId,
          text: `Outage note ${i}`,
          at: visit.middle,
        });
        assert.equal(item.state, 'pending');
        items.push(item);
      }
      worker!.start();
      // Wait until every note was tried against the broken WellSky, however long that takes here.
      await until(
        async () => (await Promise.all(items.map((i) => service.get(i.id)))).every((i) => i!.lastError),
        120_000,
        'every note tried during the outage',
      );
      const during = await Promise.all(items.map((i) => service.get(i.id)));
      assert.ok(
        during.every((i) => i!.state === 'pending'),
        'nothing is reported delivered while WellSky is down',
      );
      assert.ok(
        during.some((i) => i!.lastError),
        'the last error is visible',
      );

      sim.control.setFaults({ errorRate: 0, force429Rate: 0.7 });
      await until(() => sim.control.stats().rateLimited > 0, 120_000, 'a 429 answered');
      sim.control.revokeTokens();
      sim.control.setFaults({ force429Rate: 0 });

      await until(
        async () => {
          const states = await Promise.all(items.map((i) => service.get(i.id)));
          return states.every((i) => i!.state === 'delivered');
        },
        120_000,
        'every note delivered',
      );
      for (const item of items)
        assert.equal(logsWith(sim, item.reference).length, 1, `${item.reference} once`);
      assert.ok(sim.control.stats().rateLimited > 0, 'the 429 phase happened');
      await worker!.stop();
    });
  });
}
