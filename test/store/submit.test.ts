import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DocumentationRepo, type Store, SubmitValidationError } from '../../src/store/index.ts';
import { clearItems, engines, type TestEngine } from '../helpers/stores.ts';

for (const factory of engines) {
  describe(`submit and read on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    let repo: DocumentationRepo;
    before(async () => {
      engine = await factory.create();
      store = await engine.open();
      repo = new DocumentationRepo(store);
    });
    after(async () => {
      await store?.close();
      await engine?.dispose();
    });
    beforeEach(() => clearItems(store));

    const note = (key: string, text = 'Client ate lunch') => ({
      idempotencyKey: key,
      kind: 'client-note' as const,
      occurredAt: '2025-03-01T12:30:00Z',
      clientId: 'p-1',
      caregiverId: 'c-9',
      appointmentId: 'a-7',
      occurrenceStart: '2025-03-01T12:00:00Z',
      text,
    });

    it('creates a pending item with a marker, due now', async () => {
      const { item, created } = await repo.submit(note('k1'));
      assert.equal(created, true);
      assert.equal(item.state, 'pending');
      assert.match(item.marker, /^SB-[0-9A-HJKMNP-TV-Z]{10}$/);
      assert.ok(item.next_attempt_at);
      assert.equal(item.attempt_count, 0);
      assert.equal((await repo.getByKey('k1'))?.id, item.id);
      assert.deepEqual(
        (await repo.history(item.id)).map((h) => h.to_state),
        ['pending'],
      );
    });

    it('returns the existing item unchanged for a repeated key', async () => {
      const first = await repo.submit(note('k2', 'first text'));
      const second = await repo.submit(note('k2', 'different text'));
      assert.equal(second.created, false);
      assert.deepEqual(second.item, first.item);
      const rows = await store.db.selectFrom('documentation_items').select('id').execute();
      assert.equal(rows.length, 1);
    });

    it('keeps one row when 20 submits of one key race', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => repo.submit(note('race'))));
      assert.equal(new Set(results.map((r) => r.item.id)).size, 1);
      assert.equal(results.filter((r) => r.created).length, 1);
      const rows = await store.db.selectFrom('documentation_items').select('id').execute();
      assert.equal(rows.length, 1);
    });

    it('stores submits made together in one statement, each answered with its own item', async () => {
      let statements = 0;
      const counted = new DocumentationRepo({
        ...store,
        db: store.db.withPlugin({
          transformQuery: (args) => args.node,
          transformResult: async (args) => {
            statements += 1;
            return args.result;
          },
        }),
        transaction: () => {
          throw new Error('a submit needs no transaction of its own');
        },
      });
      const keys = Array.from({ length: 10 }, (_, i) => `together-${i}`);
      const results = await Promise.all(keys.map((key) => counted.submit(note(key, `text ${key}`))));
      assert.equal(statements, 1);
      assert.deepEqual(
        results.map((r) => [r.created, r.item.idempotency_key, r.item.text]),
        keys.map((key) => [true, key, `text ${key}`]),
      );
      for (const { item } of results) {
        assert.deepEqual(
          (await repo.history(item.id)).map((h) => [h.from_state, h.to_state]),
          [[null, 'pending']],
        );
      }
    });

    it('fails only the submit the store refuses when others were sent with it', async () => {
      // A NUL character passes the repository's checks but PostgreSQL refuses it in a text column.
      const results = await Promise.allSettled([
        repo.submit(note('good-1')),
        repo.submit(note('refused', 'bad \u0000 text')),
        repo.submit(note('good-2')),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((await repo.getByKey('good-1'))?.state, 'pending');
      assert.equal((await repo.getByKey('good-2'))?.state, 'pending');
      assert.equal(await repo.getByKey('refused'), undefined);
    });

    it('rejects invalid input before touching the store', async () => {
      await assert.rejects(repo.submit({ ...note('bad'), kind: 'memo' as never }), SubmitValidationError);
      await assert.rejects(repo.submit({ ...note('bad'), occurredAt: 'yesterday' }), /occurredAt/);
      await assert.rejects(repo.submit({ ...note(' ') }), /idempotencyKey/);
      await assert.rejects(repo.submit({ ...note('bad'), initialState: 'held' }), /stateReason/);
      assert.equal(await repo.getByKey('bad'), undefined);
    });

    it('lists held and failed first, newest first within a state, and pages with a cursor', async () => {
      const clock = { now: new Date('2025-03-01T00:00:00Z') };
      const timed = new DocumentationRepo(store, { clock: () => clock.now });
      const ids: Record<string, string> = {};
      for (const [i, key] of ['p1', 'h1', 'p2', 'f1', 'h2', 'd1'].entries()) {
        clock.now = new Date(Date.UTC(2025, 2, 1, 0, i));
        const { item } = await timed.submit(note(key));
        ids[key] = item.id;
      }
      await timed.markHeld(ids['h1']!, null, 'no visit matches the note time');
      await timed.markHeld(ids['h2']!, null, 'no write access to TaskLog');
      const [f1] = await timed.claimDue('w', { limit: 10, leaseMs: 60_000, now: new Date('2030-01-01') });
      assert.ok(f1);
      for (const item of await store.db.selectFrom('documentation_items').select('id').execute()) {
        if (item.id !== ids['f1'] && item.id !== ids['d1']) await timed.releaseClaim(item.id, 'w');
      }
      await timed.markFailed(ids['f1']!, 'w', {
        message: 'WellSky says the client does not exist',
        httpStatus: 404,
      });
      await timed.markDelivered(ids['d1']!, 'w', { route: 'tasklog', wellskyId: 'T-1', targetId: 'E-1' });

      const all = await repo.list();
      assert.deepEqual(
        all.map((i) => i.idempotency_key),
        ['h2', 'h1', 'f1', 'p2', 'p1', 'd1'],
      );
      const page1 = await repo.list({ limit: 4 });
      const page2 = await repo.list({ limit: 4, before: page1.at(-1)!.id });
      assert.deepEqual(
        [...page1, ...page2].map((i) => i.idempotency_key),
        ['h2', 'h1', 'f1', 'p2', 'p1', 'd1'],
      );
      assert.deepEqual(
        (await repo.list({ state: 'pending' })).map((i) => i.idempotency_key),
        ['p2', 'p1'],
      );
      assert.deepEqual((await repo.list({ kind: 'call-out' })).length, 0);
    });
  });
}
