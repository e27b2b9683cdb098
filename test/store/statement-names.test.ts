import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DocumentationRepo, type Store } from '../../src/store/index.ts';
import { StatementNames } from '../../src/store/statement-names.ts';
import { pgliteEngine, type TestEngine } from '../helpers/stores.ts';

describe('statement names', () => {
  it('names a text the second time it runs, and keeps that name', () => {
    const names = new StatementNames();
    assert.equal(names.nameFor('select $1'), undefined);
    const name = names.nameFor('select $1');
    assert.ok(name);
    assert.equal(names.nameFor('select $1'), name);
    assert.notEqual(names.nameFor('select $2') ?? names.nameFor('select $2'), name);
  });

  it('never names a text longer than the limit, nor more texts than it keeps', () => {
    const names = new StatementNames({ limit: 2, maxLength: 20 });
    const long = `select ${'$1, '.repeat(10)}$1`;
    names.nameFor(long);
    assert.equal(names.nameFor(long), undefined);
    for (const text of ['select 1 + $1', 'select 2 + $1', 'select 3 + $1']) {
      names.nameFor(text);
      names.nameFor(text);
    }
    assert.equal(names.size, 2);
    assert.equal(names.nameFor('select 3 + $1'), undefined, 'the third text stays unnamed');
    assert.ok(names.nameFor('select 1 + $1'), 'the first two keep their names');
  });

  it('never gives out a retired name again (it stays prepared on the connection)', () => {
    const names = new StatementNames();
    const twice = (text: string) => names.nameFor(text) ?? names.nameFor(text);
    const first = twice('select $1 + 1');
    const second = twice('select $1 + 2');
    names.retire('select $1 + 1');
    const third = twice('select $1 + 3');
    assert.equal(new Set([first, second, third]).size, 3, `${first}, ${second}, ${third}`);
  });

  it('never names an upsert whose conflict target holds a parameter; other upserts are named', () => {
    const names = new StatementNames();
    const twice = (text: string) => names.nameFor(text) ?? names.nameFor(text);
    assert.equal(
      twice('insert into "t" ("k", "state") values ($1, $2) on conflict ("k") where "state" = $3 do nothing'),
      undefined,
    );
    assert.equal(
      twice('INSERT INTO t VALUES ($1) ON CONFLICT (k)\n  WHERE state = $2 DO UPDATE SET n = 1'),
      undefined,
    );
    assert.equal(
      twice('insert into "t" ("e") values ($1) on conflict (lower("e")) where "state" = $2 do nothing'),
      undefined,
      'an expression in the conflict target',
    );
    assert.ok(
      twice('insert into "t" ("k") values ($1) on conflict ("k") where "state" = \'open\' do nothing'),
    );
    assert.ok(
      twice('insert into "t" ("k") values ($1) on conflict ("k") do update set "n" = $2 where "t"."h" = $3'),
      'a WHERE on the update, not on the conflict target',
    );
  });
});

describe('statement names on the embedded store', () => {
  let engine: TestEngine;
  let store: Store;
  before(async () => {
    engine = await pgliteEngine.create();
    store = await engine.open();
  });
  after(async () => {
    await store?.close();
    await engine?.dispose();
  });

  const prepared = async () =>
    (
      await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(store.db)
    ).rows.map((row) => row.statement);

  it('prepares a repeated parameterised statement once and runs it by name with new values', async () => {
    const query = (key: string) =>
      store.db
        .selectFrom('documentation_items')
        .select('id')
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
    await query('first');
    assert.ok(!(await prepared()).some((text) => text.includes('"idempotency_key" = $1')));
    await query('second');
    await query('third');
    const named = (await prepared()).filter((text) => text.includes('"idempotency_key" = $1'));
    assert.equal(named.length, 1, 'one prepared statement for the three runs');
    const { item: note } = await new DocumentationRepo(store).submit({
      idempotencyKey: 'named-key',
      kind: 'client-note',
      occurredAt: '2026-01-01T10:00:00Z',
      clientId: 'p-1',
      text: 'a note',
    });
    assert.equal((await query('named-key'))?.id, note.id, 'the named statement sees its new value');
  });

  it('lets PostgreSQL keep a generic plan for a statement it runs by name', async () => {
    const lookup = (key: string) =>
      store.db.selectFrom('documentation_items').select('id').where('marker', '=', key).execute();
    for (let run = 1; run <= 10; run += 1) await lookup(`marker-${run}`);
    const plans = await sql<{ generic: number }>`
      SELECT generic_plans::int AS generic FROM pg_prepared_statements WHERE statement LIKE '%"marker" = $1%'`.execute(
      store.db,
    );
    assert.equal(plans.rows.length, 1);
    assert.ok((plans.rows[0]?.generic ?? 0) > 0, 'runs after the fifth use the kept plan');
  });

  it('never names an upsert whose partial unique index is named by a parameter: it works on every run', async () => {
    await sql`CREATE TABLE named_upsert (k int, state text)`.execute(store.db);
    await sql`CREATE UNIQUE INDEX named_upsert_open ON named_upsert (k) WHERE state = 'open'`.execute(
      store.db,
    );
    // A generic plan (PostgreSQL may switch to one after five runs) cannot match `state = $2` to the index.
    for (let run = 1; run <= 10; run += 1) {
      await sql`INSERT INTO named_upsert VALUES (${run % 3}, ${'open'})
        ON CONFLICT (k) WHERE state = ${'open'} DO NOTHING`.execute(store.db);
    }
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM named_upsert`.execute(store.db);
    assert.equal(rows.rows[0]?.n, 3);
  });

  it('runs a statement unnamed from then on once a generic plan of it was refused (42P10)', async () => {
    await sql`CREATE TABLE nested_upsert (e text, state text)`.execute(store.db);
    await sql`CREATE UNIQUE INDEX nested_upsert_open ON nested_upsert (lower(trim(e))) WHERE state = 'open'`.execute(
      store.db,
    );
    // Two levels of parentheses in the conflict target: past what the name rule recognises.
    const refused: string[] = [];
    for (let run = 1; run <= 12; run += 1) {
      await sql`INSERT INTO nested_upsert VALUES (${`E${run % 3}`}, ${'open'})
        ON CONFLICT (lower(trim(e))) WHERE state = ${'open'} DO NOTHING`
        .execute(store.db)
        .catch((error: { code?: string }) => refused.push(error.code ?? '?'));
    }
    assert.ok(refused.length <= 1, `refused ${refused.length} times`);
    assert.ok(refused.every((code) => code === '42P10'));
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM nested_upsert`.execute(store.db);
    assert.equal(rows.rows[0]?.n, 3);
  });

  it('keeps running a statement after one of its runs had a value that cannot be sent', async () => {
    const echo = (value: unknown) => sql<{ v: unknown }>`SELECT ${value}::jsonb AS v`.execute(store.db);
    await echo({ n: 1 });
    await echo({ n: 2 });
    // node-postgres cannot serialise a BigInt inside a JSON value: it fails before the database sees it.
    await assert.rejects(echo({ n: 3n }), /BigInt/);
    assert.deepEqual((await echo({ n: 4 })).rows[0]?.v, { n: 4 });
    assert.deepEqual((await echo({ n: 5 })).rows[0]?.v, { n: 5 });
  });

  it('runs statements without parameters (transactions, DDL) as they are', async () => {
    await store.transaction(async (trx) => {
      await sql`SELECT 1`.execute(trx);
    });
    assert.ok(!(await prepared()).some((text) => /^\s*(begin|commit|select 1)\s*$/i.test(text)));
  });
});
