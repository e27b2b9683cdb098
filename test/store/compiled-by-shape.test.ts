import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { CompiledByShape } from '../../src/store/compiled-by-shape.ts';

interface Row {
  id: string;
  at: Date;
  note: string | null;
  payload: string;
  n?: number;
}

// Compiling needs no connection: the pool is never asked for one.
const db = new Kysely<{ items: Row }>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });
const build = (rows: Row[]) =>
  db
    .insertInto('items')
    .values(rows)
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll();

const row = (id: string, extra: Partial<Row> = {}): Row => ({
  id,
  at: new Date(`2026-01-0${id.length}T10:00:00Z`),
  note: id === 'b' ? null : `note ${id}`,
  payload: JSON.stringify({ id }),
  ...extra,
});

describe('compiled by shape', () => {
  it("gives Kysely's own text and parameters for rows of one shape, compiled once per shape", () => {
    let built = 0;
    const cache = new CompiledByShape((rows: Row[]) => {
      built += 1;
      return build(rows);
    });
    for (const rows of [[row('a')], [row('b')], [row('a'), row('bb')], [row('c'), row('dd')], [row('e')]]) {
      const expected = build(rows).compile();
      const got = cache.compile(rows);
      assert.equal(got.sql, expected.sql);
      assert.deepEqual(got.parameters, expected.parameters);
    }
    assert.equal(built, 2, 'one build for one row, one for two');
  });

  it('leaves rows of unlike shapes and undefined values (DEFAULT) to Kysely', () => {
    let built = 0;
    const cache = new CompiledByShape((rows: Row[]) => {
      built += 1;
      return build(rows);
    });
    const cases = [
      [row('a'), row('b', { n: 3 })],
      [row('a', { n: undefined })],
      [row('a', { n: undefined })],
    ];
    for (const rows of cases) {
      const expected = build(rows).compile();
      const got = cache.compile(rows);
      assert.equal(got.sql, expected.sql);
      assert.deepEqual(got.parameters, expected.parameters);
    }
    assert.equal(built, 3);
  });
});
