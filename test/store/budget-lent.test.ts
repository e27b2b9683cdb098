import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { shareRateBudget } from '../../src/runtime/budget.ts';
import { connectStoreBridge } from '../../src/store/bridge-client.ts';
import { serveStoreBridge } from '../../src/store/bridge-server.ts';
import { LocalSlotBudget } from '../../src/store/budget-local.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import { pgliteEngine } from '../helpers/stores.ts';

// The embedded store is held by one process (the service), but lent to the commands run beside it: a
// `skybridge sync --full` beside `npm start` must draw from the service's budget, not pace itself alone.
const fixture = await pgliteEngine.create();
after(() => fixture.dispose());
const owner = await fixture.open();
after(() => owner.close());
const bridge = await serveStoreBridge(owner, fixture.dataDir!);
assert.ok(bridge, 'the data folder path is short enough for a socket');
after(() => bridge.close());
const borrower = await connectStoreBridge(bridge.path);
after(() => borrower.close());

test('the holder of the embedded store and a command beside it claim from one budget', async () => {
  assert.equal(owner.rateBudget?.kind, 'embedded');
  assert.equal(borrower.rateBudget?.kind, 'borrowed');
  // Slots a minute ahead of the clock, so that the claims below are for them whatever the time; at
  // 2,000 a second every slot of the local budget holds the same share.
  const now = await owner.rateBudget!.claim('probe', 2_000, 1, 0);
  const ahead = now.slot + Math.round(60_000 / now.slotMs);
  const alone = await owner.rateBudget!.claim('credential', 2_000, 1_000, ahead);
  assert.ok(alone.slot === ahead && alone.granted > 0, 'one process alone fills a slot');
  const granted = { owner: 0, borrower: 0 };
  for (let i = 0; i < 6; i++) {
    const grants = [
      await borrower.rateBudget!.claim('credential', 2_000, 5, ahead + 1),
      await owner.rateBudget!.claim('credential', 2_000, 5, ahead + 1),
    ];
    // Once the slot is full, a claim gets the next slot with room.
    for (const g of grants) assert.ok(g.slot === ahead + 1 || (g.slot > ahead + 1 && g.granted > 0));
    granted.borrower += grants[0]!.slot === ahead + 1 ? grants[0]!.granted : 0;
    granted.owner += grants[1]!.slot === ahead + 1 ? grants[1]!.granted : 0;
  }
  assert.equal(granted.owner + granted.borrower, alone.granted, 'the slot is filled once, not once each');
  assert.ok(granted.owner > 0 && granted.borrower > 0, JSON.stringify(granted));
  // Another credential has a budget of its own.
  assert.equal((await borrower.rateBudget!.claim('another', 2_000, 5, ahead + 1)).granted, 5);
  const usage = await borrower.rateBudget!.usage('credential', 10);
  assert.equal(usage.lastSeconds.length, 10);
});

test('a fraction of a request a second is spread over the seconds; a higher rate is held to the lowest asked', async () => {
  let now = 1_000_000;
  const budget = new LocalSlotBudget(() => now);
  // Half a request a second: claims come back for slots 2 s apart, never an endless run of refusals.
  const starts: number[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const grant = await budget.claim('slow', 0.5, 1, from);
    assert.equal(grant.granted, 1);
    starts.push(now + grant.startsInMs);
    from = grant.slot + 1;
  }
  const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
  assert.deepEqual(gaps, [2_000, 2_000, 2_000, 2_000]);
  // 90 a second, then a claimer asking for 1,000: still at most 90 granted in a second.
  await budget.claim('fast', 90, 1, 0);
  let second = 0;
  const end = Math.floor(now / 10) + 100;
  for (let slot = Math.floor(now / 10); slot < end; slot++) {
    now = slot * 10;
    const grant = await budget.claim('fast', 1_000, 1_000, slot);
    if (grant.slot < end) second += grant.granted;
  }
  assert.ok(second <= 90, `${second} granted in one second`);
});

test('two WellSky clients, one on the store and one beside it, together stay within the budget', async () => {
  // A budget of 20/s against a simulator that would let 100/s through: paced alone, each client would
  // send 20 a second and the two 40.
  const sim = await simulator({ clients: 4, caregivers: 3, weeks: 1 });
  const perSecond = 20;
  const clients = [owner, borrower].map((store) => {
    const client = clientFor(sim, { config: { rateLimitPerSecond: perSecond } });
    assert.equal(shareRateBudget(client, store, {}), true);
    return client;
  });
  assert.match(clients[1]!.governor.describe().sharedThrough ?? '', /running Skybridge service/);
  const patient = String(sim.control.data.patients()[0]!.id);
  sim.control.resetStats();
  await Promise.all(
    clients.map((client) =>
      Promise.all(Array.from({ length: 30 }, () => client.relatedPersons.ofPatient(patient))),
    ),
  );
  const stats = sim.control.stats();
  assert.equal(stats.rateLimited, 0);
  // An upper bound: a slow machine only sends fewer. The simulator counts by the wall clock's seconds and a
  // grant may be spent up to half a 10 ms slot late, so the request granted last before a second's end may
  // land in the next one: at 20/s (one request every 50 ms) that is at most one request per second.
  assert.ok(stats.busiestSecond <= perSecond + 1, `busiest second ${stats.busiestSecond}`);
});
