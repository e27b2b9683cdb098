import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { RequestFirstPool, servingRequest } from '../../src/store/request-lane.ts';
import { pgliteEngine, TEST_DATABASE_URL } from '../helpers/stores.ts';

test('embedded store: a request waiting for the connection goes before background work queued earlier', async () => {
  const fixture = await pgliteEngine.create();
  after(() => fixture.dispose());
  const store = await fixture.open();
  after(() => store.close());

  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held!: () => void;
  const holding = new Promise<void>((resolve) => {
    held = resolve;
  });
  const transaction = store.db.transaction().execute(async (trx) => {
    await sql`SELECT 1`.execute(trx);
    held();
    await released;
  });
  await holding;
  const order: string[] = [];
  const background = [1, 2, 3].map((n) =>
    sql`SELECT ${n}::int AS n`.execute(store.db).then(() => order.push(`background ${n}`)),
  );
  const request = servingRequest(() => sql`SELECT 4 AS n`.execute(store.db)).then(() =>
    order.push('request'),
  );
  release();
  await Promise.all([transaction, request, ...background]);
  assert.deepEqual(order, ['request', 'background 1', 'background 2', 'background 3']);
});

test('a background caller goes first once 8 requests have gone before it', async () => {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  const lanes = new RequestFirstPool(pool);
  after(() => lanes.end());
  const order: string[] = [];
  const take = (name: string) => (client: { release: () => void }) => {
    order.push(name);
    client.release();
  };
  const first = await lanes.connect();
  const waiting = [lanes.connect().then(take('background'))];
  for (let n = 1; n <= 9; n++) waiting.push(servingRequest(() => lanes.connect()).then(take(`request ${n}`)));
  first.release();
  await Promise.all(waiting);
  assert.deepEqual(order, [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `request ${n}`),
    'background',
    'request 9',
  ]);
  const fresh = await lanes.connect();
  assert.equal(
    (await fresh.query('SELECT 1 AS one')).rows[0].one,
    1,
    'the connection is handed on, not lost',
  );
  fresh.release();
});
