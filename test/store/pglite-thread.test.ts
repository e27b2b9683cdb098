import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { pgliteEngine } from '../helpers/stores.ts';

// The embedded store talks to PGlite in its own thread (src/store/pglite-thread.ts): what a caller sees must
// be what PGlite in-process gave — errors with their SQLSTATE, transactions that commit or roll back whole.

test('embedded store in its thread: errors keep their fields, transactions commit or roll back whole', async () => {
  const fixture = await pgliteEngine.create();
  after(() => fixture.dispose());
  const store = await fixture.open();
  after(() => store.close());
  const db = store.db;
  await sql`CREATE TABLE thread_check (id integer PRIMARY KEY, note text)`.execute(db);
  await sql`INSERT INTO thread_check VALUES (1, 'one')`.execute(db);

  const duplicate = await sql`INSERT INTO thread_check VALUES (1, 'again')`.execute(db).then(
    () => undefined,
    (error: unknown) => error as Record<string, unknown> & Error,
  );
  assert.ok(duplicate, 'a duplicate key is refused');
  assert.equal(duplicate.code, '23505');
  assert.equal(duplicate.constraint, 'thread_check_pkey');
  assert.match(duplicate.message, /duplicate key value violates unique constraint/);

  // The BEGIN is answered at once and sent with the first statement: the transaction is still one.
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await sql`INSERT INTO thread_check VALUES (2, 'two')`.execute(trx);
      throw new Error('changed my mind');
    }),
    /changed my mind/,
  );
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await sql`INSERT INTO thread_check VALUES (3, 'three')`.execute(trx);
      await sql`INSERT INTO thread_check VALUES (1, 'clash')`.execute(trx);
    }),
    /duplicate key/,
  );
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO thread_check VALUES (4, 'four')`.execute(trx);
    await sql`UPDATE thread_check SET note = 'uno' WHERE id = 1`.execute(trx);
  });
  const rows = await sql<{ id: number; note: string }>`SELECT id, note FROM thread_check ORDER BY id`.execute(
    db,
  );
  assert.deepEqual(rows.rows, [
    { id: 1, note: 'uno' },
    { id: 4, note: 'four' },
  ]);
  const status = await sql<{ now: Date }>`SELECT now() AS now`.execute(db);
  assert.ok(status.rows[0]!.now instanceof Date, 'outside any transaction again, types still parsed');
});
