import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { DocumentationRepo, openStore, StoreConfigError } from '../../src/store/index.ts';
import { migrationProvider } from '../../src/store/migrations/index.ts';
import { type EngineFactory, engines, type TestEngine } from '../helpers/stores.ts';

for (const factory of engines as EngineFactory[]) {
  describe(`openStore on ${factory.name}`, () => {
    let engine: TestEngine;
    before(async () => {
      // From nothing, not a migrated template: the first open must run initdb and every migration itself.
      engine = await factory.create({ empty: true });
    });
    after(async () => engine?.dispose());

    it('applies migrations once and keeps data across reopen', async () => {
      const first = await engine.open();
      const { item } = await new DocumentationRepo(first).submit({
        idempotencyKey: 'reopen-1',
        kind: 'office-task',
        occurredAt: '2025-03-01T10:00:00Z',
        text: 'call the family',
        dueAt: '2025-03-02T17:00:00Z',
        priority: 'high',
        payload: { assignee: 'office' },
      });
      await first.close();
      const second = await engine.open();
      try {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(
          second.db,
        );
        const defined = Object.keys(await migrationProvider.getMigrations()).length;
        assert.ok(defined >= 2);
        assert.equal(rows[0]?.n, defined, 'each migration ran exactly once');
        const again = await new DocumentationRepo(second).get(item.id);
        assert.equal(again?.text, 'call the family');
        assert.deepEqual(again?.payload, { assignee: 'office' });
        assert.equal(again?.due_at?.toISOString(), '2025-03-02T17:00:00.000Z');
      } finally {
        await second.close();
      }
    });

    it('reports its durability truthfully', async () => {
      const store = await engine.open();
      try {
        assert.equal(store.engine, factory.name);
        assert.equal(store.durability.engine, factory.name);
        assert.equal(store.durability.survivesProcessKill, true);
        assert.equal(store.durability.survivesPowerLoss, true);
        assert.match(store.durability.explanation, factory.name === 'pglite' ? /journal/ : /write-ahead log/);
        assert.equal(store.journal === null, factory.name === 'postgres');
      } finally {
        await store.close();
      }
    });

    it('enforces the state machine in the schema itself', async () => {
      const store = await engine.open();
      try {
        const { item } = await new DocumentationRepo(store).submit({
          idempotencyKey: 'check-1',
          kind: 'call-out',
          occurredAt: new Date(),
          text: 'sick',
        });
        const set = (values: Record<string, unknown>) =>
          store.db.updateTable('documentation_items').set(values).where('id', '=', item.id).execute();
        await assert.rejects(set({ state: 'done' }), /check/i);
        await assert.rejects(set({ state: 'held' }), /state_reason_when_needed/);
        await assert.rejects(set({ state: 'delivered', delivered_at: new Date() }), /delivered_has_proof/);
        await assert.rejects(set({ claimed_by: 'w1' }), /claim_has_lease/);
      } finally {
        await store.close();
      }
    });

    if (factory.name === 'pglite') {
      it('refuses a second open of one embedded data folder', async () => {
        const store = await engine.open();
        try {
          await assert.rejects(engine.open(), /already open in process \d+ \(this one\)/);
        } finally {
          await store.close();
        }
      });
    }
  });
}

describe('openStore configuration errors', () => {
  it('names DATABASE_URL when it is not a URL', async () => {
    await assert.rejects(openStore({ env: { DATABASE_URL: 'not a url' } }), (error: Error) => {
      assert.ok(error instanceof StoreConfigError);
      assert.match(error.message, /DATABASE_URL is not a valid URL/);
      assert.match(error.message, /postgres:\/\//);
      return true;
    });
  });

  it('names DATABASE_URL when it is not a PostgreSQL URL', async () => {
    await assert.rejects(
      openStore({ env: { DATABASE_URL: 'mysql://u@h/db' } }),
      /DATABASE_URL must start with postgres/,
    );
  });

  it('says what to do when the server cannot be reached, without leaking the password', async () => {
    await assert.rejects(
      openStore({ env: { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/db' } }),
      (error: Error) => {
        assert.ok(error instanceof StoreConfigError);
        assert.match(error.message, /Cannot connect to the PostgreSQL server in DATABASE_URL/);
        assert.match(error.message, /running and reachable/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
  });
});
