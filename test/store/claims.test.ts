import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DocumentationRepo, type Store, TransitionRefusedError } from '../../src/store/index.ts';
import { clearItems, engines, type TestEngine } from '../helpers/stores.ts';

for (const factory of engines) {
  describe(`claims on ${factory.name}`, () => {
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

    const t0 = new Date('2025-03-01T08:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    async function seed(n: number, prefix: string): Promise<string[]> {
      const clocked = new DocumentationRepo(store, { clock: () => t0 });
      const ids: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const { item } = await clocked.submit({
          idempotencyKey: `${prefix}-${i}`,
          kind: 'caregiver-note',
          occurredAt: t0,
          caregiverId: 'c-1',
          text: `n${i}`,
        });
        ids.push(item.id);
      }
      return ids;
    }

    it('hands each of 500 items to exactly one of two concurrent workers', async () => {
      const ids = await seed(500, 'many');
      const claimed = new Map<string, string[]>();
      const work = async (worker: string) => {
        for (;;) {
          const batch = await repo.claimDue(worker, { limit: 25, leaseMs: 600_000, now: at(1) });
          if (batch.length === 0) return;
          for (const item of batch) claimed.set(item.id, [...(claimed.get(item.id) ?? []), worker]);
        }
      };
      await Promise.all([work('w1'), work('w2')]);
      assert.equal(claimed.size, 500);
      assert.deepEqual([...claimed.keys()].sort(), [...ids].sort());
      for (const [id, workers] of claimed)
        assert.equal(workers.length, 1, `item ${id} claimed by ${workers}`);
    });

    it('does not claim items that are not yet due, and returns a dead worker’s items after the lease', async () => {
      const [id] = await seed(1, 'lease');
      assert.deepEqual(await repo.claimDue('w1', { limit: 5, leaseMs: 1000, now: at(-1) }), []);
      assert.equal((await repo.claimDue('w1', { limit: 5, leaseMs: 1000, now: at(0) })).length, 1);
      assert.deepEqual(await repo.claimDue('w2', { limit: 5, leaseMs: 1000, now: at(999) }), []);
      const taken = await repo.claimDue('w2', { limit: 5, leaseMs: 1000, now: at(1000) });
      assert.deepEqual(
        taken.map((i) => [i.id, i.claimed_by]),
        [[id, 'w2']],
      );
      // The first worker comes back to life: its claim is gone and its outcome is refused.
      assert.equal(await repo.renewClaim(id!, 'w1', { leaseMs: 1000, now: at(1001) }), false);
      await assert.rejects(
        repo.markDelivered(id!, 'w1', { route: 'tasklog', wellskyId: 'T-9', now: at(1002) }),
        (error: Error) => error instanceof TransitionRefusedError && error.reason === 'not-claimant',
      );
      await assert.rejects(
        repo.beginAttempt(id!, 'w1', { now: at(1002) }),
        (error: Error) => error instanceof TransitionRefusedError && error.reason === 'not-claimant',
      );
      assert.deepEqual(await repo.attempts(id!), []);
      assert.equal((await repo.get(id!))?.state, 'pending');
    });

    it('lets only the claimant record an outcome, and renew or release', async () => {
      const [id] = await seed(1, 'only');
      await repo.claimDue('w1', { limit: 1, leaseMs: 1000, now: at(0) });
      await assert.rejects(
        repo.markFailed(id!, 'w2', { message: 'nope', now: at(1) }),
        /claimed by w1, not by w2/,
      );
      await assert.rejects(repo.markHeld(id!, null, 'policy', { now: at(1) }), /being worked on by w1/);
      assert.equal(await repo.renewClaim(id!, 'w1', { leaseMs: 5000, now: at(900) }), true);
      assert.deepEqual(await repo.claimDue('w2', { limit: 1, leaseMs: 1000, now: at(2000) }), []);
      assert.equal(await repo.releaseClaim(id!, 'w2'), false);
      assert.equal(await repo.releaseClaim(id!, 'w1'), true);
      const [again] = await repo.claimDue('w2', { limit: 1, leaseMs: 1000, now: at(2001) });
      assert.equal(again?.claimed_by, 'w2');
      const done = await repo.markDelivered(id!, 'w2', {
        route: 'tasklog',
        wellskyId: 'T-1',
        targetId: 'E-4',
        now: at(2002),
      });
      assert.equal(done.state, 'delivered');
      assert.equal(done.claimed_by, null);
      assert.deepEqual(await repo.claimDue('w1', { limit: 1, leaseMs: 1000, now: at(9e9) }), []);
    });
  });
}
