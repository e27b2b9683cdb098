import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { AuditLog } from '../../src/service/audit.ts';
import { pgliteEngine, postgresEngine } from '../helpers/stores.ts';

const AT = new Date('2026-02-12T17:00:00Z');

for (const engine of [pgliteEngine, postgresEngine]) {
  test(`${engine.name}: 300 reads audited at once are each durable when their answer may leave, none lost, none doubled`, async () => {
    const fixture = await engine.create();
    after(() => fixture.dispose());
    const store = await fixture.open();
    after(() => store.close());
    const log = new AuditLog(store, () => AT);

    const reads = Array.from({ length: 300 }, (_, i) => ({
      keyId: null,
      method: 'GET',
      route: `/api/v1/identify/${i}`,
      status: 200,
      subjectIds: [`client-${i}`, `client-${i}`],
    }));
    // Each request checks, as soon as its record resolves, that its own row is already in the table.
    const seen = await Promise.all(
      reads.map(async (read) => {
        await log.record(read);
        const row = await store.db
          .selectFrom('audit_log')
          .select(['subject_ids'])
          .where('route', '=', read.route)
          .executeTakeFirst();
        return row?.subject_ids;
      }),
    );
    assert.deepEqual(
      seen,
      reads.map((_, i) => [`client-${i}`]),
    );
    const recent = await log.recent(1_000);
    assert.equal(recent.length, 300);
    assert.equal(new Set(recent.map((r) => r.route)).size, 300);
    assert.ok(recent.every((r) => r.at === AT.toISOString()));
  });
}

test('a read whose audit row cannot be written is not answered as audited', async () => {
  const fixture = await pgliteEngine.create();
  after(() => fixture.dispose());
  const store = await fixture.open();
  const log = new AuditLog(store);
  await log.record({ keyId: null, method: 'GET', route: '/api/v1/people', status: 200, subjectIds: [] });
  await store.close();
  const results = await Promise.allSettled(
    [1, 2, 3].map(() =>
      log.record({ keyId: null, method: 'GET', route: '/api/v1/people', status: 200, subjectIds: ['7'] }),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected', 'rejected'],
  );
});

test('the reads answered in one turn of the event loop share one INSERT; a lone read is written alone', async () => {
  const fixture = await pgliteEngine.create();
  after(() => fixture.dispose());
  const store = await fixture.open();
  after(() => store.close());
  const batches: number[] = [];
  const log = new AuditLog(
    store,
    () => AT,
    (rows) => batches.push(rows),
  );
  const read = (i: number) => ({
    keyId: null,
    method: 'GET',
    route: '/api/v1/identify',
    status: 200,
    subjectIds: [`client-${i}`],
  });

  // Fifty requests finishing in the same turn (as when one poll of the sockets yields many requests).
  await Promise.all(Array.from({ length: 50 }, (_, i) => log.record(read(i))));
  await log.record(read(50));

  assert.deepEqual(batches, [50, 1]);
  assert.equal((await log.recent(100)).length, 51);
});
