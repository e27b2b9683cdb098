import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type SharedBudget, SharedBudgetGovernor } from '../../src/connect/budget-governor.ts';
import { BudgetRepo, SLOTS_PER_SECOND, slotCapacity } from '../../src/store/budget-repo.ts';
import { engines, postgresEngine } from '../helpers/stores.ts';

const capacity = slotCapacity;

for (const engine of engines) {
  test(`${engine.name}: no slot grants more than its part of the budget; a second's parts add up to it, its end stays empty`, async () => {
    const fixture = await engine.create();
    after(() => fixture.dispose());
    const store = await fixture.open();
    after(() => store.close());
    const repo = new BudgetRepo(store.db);
    const grantedBySlot = new Map<number, number>();
    let fromSlot = 0;
    // Ask for far more than a second holds, always 4 at a time: full slots answer 0 and name themselves.
    while ([...grantedBySlot.values()].reduce((a, b) => a + b, 0) < 60) {
      const grant = await repo.claim('credential-a', 18, 4, fromSlot);
      assert.ok(grant.granted <= 4);
      grantedBySlot.set(grant.slot, (grantedBySlot.get(grant.slot) ?? 0) + grant.granted);
      if (grant.granted === 0) fromSlot = grant.slot + 1;
    }
    for (const [slot, granted] of grantedBySlot) {
      assert.ok(granted <= capacity(slot, 18), `slot ${slot} granted ${granted} of ${capacity(slot, 18)}`);
    }
    const parts = Array.from({ length: SLOTS_PER_SECOND }, (_, i) => capacity(1000 + i, 18));
    assert.equal(
      parts.reduce((a, b) => a + b, 0),
      18,
    );
    assert.deepEqual(parts.slice(-2), [0, 0], 'the end of each second stays empty');
    // Another credential has a budget of its own.
    const other = await repo.claim('credential-b', 18, 1, 0);
    assert.equal(other.granted, capacity(other.slot, 18) > 0 ? 1 : 0);
  });
}

test('postgres: two processes with one credential share one budget: together no slot exceeds its part', async () => {
  const fixture = await postgresEngine.create();
  after(() => fixture.dispose());
  // Two stores, as two processes have: each its own connections.
  const stores = [await fixture.open(), await fixture.open()];
  after(() => Promise.all(stores.map((s) => s.close())));
  const perSecond = 30;
  const claims: { slot: number; granted: number }[] = [];
  const governors = stores.map((store) => {
    const repo = new BudgetRepo(store.db);
    const budget: SharedBudget = {
      where: 'PostgreSQL',
      claim: async (want, fromSlot) => {
        const grant = await repo.claim('shared', perSecond, want, fromSlot);
        claims.push(grant);
        return grant;
      },
    };
    return new SharedBudgetGovernor({ budget, ratePerSecond: perSecond });
  });
  // 45 requests per process, all waiting at once: 90 requests at 30/s take about three seconds.
  await Promise.all(governors.flatMap((g) => Array.from({ length: 45 }, () => g.acquire())));
  const bySlot = new Map<number, number>();
  for (const c of claims) bySlot.set(c.slot, (bySlot.get(c.slot) ?? 0) + c.granted);
  for (const [slot, granted] of bySlot)
    assert.ok(
      granted <= capacity(slot, perSecond),
      `slot ${slot}: ${granted} > ${capacity(slot, perSecond)}`,
    );
  const total = [...bySlot.values()].reduce((a, b) => a + b, 0);
  assert.ok(total >= 90, `every request was granted (${total})`);
  const bySecond = new Map<number, number>();
  for (const [slot, granted] of bySlot) {
    const second = Math.floor(slot / SLOTS_PER_SECOND);
    bySecond.set(second, (bySecond.get(second) ?? 0) + granted);
  }
  assert.ok(Math.max(...bySecond.values()) <= perSecond, JSON.stringify([...bySecond]));
});

test('a budget that cannot be reached slows the process down instead of stopping it', async () => {
  let now = 0;
  const budget: SharedBudget = {
    where: 'PostgreSQL',
    claim: async () => {
      throw new Error('connection refused');
    },
  };
  const governor = new SharedBudgetGovernor({
    budget,
    ratePerSecond: 40,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  for (let i = 0; i < 20; i++) await governor.acquire();
  assert.equal(governor.fallbacks, 20);
  // Alone at a quarter of the budget (10/s): 20 requests take about two seconds of (virtual) time.
  assert.ok(now >= 1800, `took ${now} ms`);
});
