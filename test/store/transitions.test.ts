import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CapabilityRepo, DocumentationRepo, type Store } from '../../src/store/index.ts';
import { clearItems, engines, type TestEngine } from '../helpers/stores.ts';

for (const factory of engines) {
  describe(`transitions on ${factory.name}`, () => {
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
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const submit = async (key: string) =>
      (
        await new DocumentationRepo(store, { clock: () => t0 }).submit({
          idempotencyKey: key,
          kind: 'client-note',
          occurredAt: t0,
          clientId: 'p-1',
          text: 'Private note text',
        })
      ).item;
    const claim = async (worker: string, s: number) =>
      repo.claimDue(worker, { limit: 10, leaseMs: 30_000, now: at(s) });

    it('records every attempt, flags unknown outcomes for verification, and ends delivered', async () => {
      const item = await submit('life');
      await claim('w1', 1);
      assert.equal(await repo.beginAttempt(item.id, 'w1', { route: 'tasklog', now: at(2) }), 1);
      assert.equal((await repo.get(item.id))?.needs_verification, true);
      const unknown = await repo.markOutcomeUnknown(item.id, 'w1', {
        nextAttemptAt: at(60),
        error: { message: 'timed out after 30 s', kind: 'timeout' },
        now: at(32),
      });
      assert.equal(unknown.state, 'pending');
      assert.equal(unknown.needs_verification, true);
      assert.equal(unknown.claimed_by, null);
      assert.deepEqual(await claim('w2', 59), []);

      await claim('w2', 60);
      await repo.beginAttempt(item.id, 'w2', { route: 'tasklog', now: at(61) });
      const retry = await repo.markRetry(item.id, 'w2', {
        nextAttemptAt: at(120),
        error: { message: 'WellSky answered 503', kind: 'http', httpStatus: 503 },
        now: at(62),
      });
      assert.equal(retry.needs_verification, false);
      assert.equal(retry.last_error, 'WellSky answered 503');
      assert.equal(retry.next_attempt_at?.toISOString(), at(120).toISOString());

      await claim('w1', 120);
      const delivered = await repo.markDelivered(item.id, 'w1', {
        route: 'tasklog',
        wellskyId: 'TL-42',
        targetId: 'ENC-7',
        httpStatus: 201,
        now: at(121),
      });
      assert.equal(delivered.state, 'delivered');
      assert.equal(delivered.wellsky_id, 'TL-42');
      assert.equal(delivered.wellsky_target_id, 'ENC-7');
      assert.equal(delivered.delivered_route, 'tasklog');
      assert.equal(delivered.delivered_at?.toISOString(), at(121).toISOString());
      assert.equal(delivered.attempt_count, 3);
      assert.equal(delivered.updated_at.toISOString(), at(121).toISOString());

      const attempts = await repo.attempts(item.id);
      assert.deepEqual(
        attempts.map((a) => [a.attempt_no, a.worker_id, a.outcome, a.http_status]),
        [
          [1, 'w1', 'unknown', null],
          [2, 'w2', 'retry', 503],
          [3, 'w1', 'delivered', 201],
        ],
      );
      assert.ok(attempts.every((a) => a.finished_at !== null));
      assert.ok(!JSON.stringify(attempts).includes('Private note text'), 'attempts never hold the note text');
      assert.deepEqual(
        (await repo.history(item.id)).map((h) => h.to_state),
        ['pending', 'delivered'],
      );
      await assert.rejects(
        repo.markRetry(item.id, 'w1', { nextAttemptAt: at(200), error: { message: 'x' } }),
        /is delivered/,
      );
    });

    it('closes an attempt a dead worker began as unknown', async () => {
      const item = await submit('dangling');
      await claim('w1', 1);
      await repo.beginAttempt(item.id, 'w1', { now: at(2) });
      await claim('w2', 40); // w1's lease ran out
      assert.equal((await repo.get(item.id))?.needs_verification, true);
      await repo.beginAttempt(item.id, 'w2', { now: at(41) });
      await repo.markDelivered(item.id, 'w2', { route: 'tasklog', wellskyId: 'TL-1', now: at(42) });
      assert.deepEqual(
        (await repo.attempts(item.id)).map((a) => [a.worker_id, a.outcome, a.error_kind]),
        [
          ['w1', 'unknown', 'abandoned'],
          ['w2', 'delivered', null],
        ],
      );
    });

    it('holds with a reason, requeues held items by filter, and fails permanently', async () => {
      const a = await submit('held-a');
      const b = await submit('held-b');
      const c = await submit('fail-c');
      await repo.markHeld(a.id, null, 'No visit matches the note time', { now: at(1) });
      await claim('w1', 2);
      await repo.markHeld(b.id, 'w1', 'No write access to TaskLog', {
        route: 'tasklog',
        httpStatus: 403,
        now: at(3),
      });
      const failed = await repo.markFailed(c.id, 'w1', {
        message: 'client not found',
        httpStatus: 404,
        now: at(3),
      });
      assert.equal(failed.state, 'failed');
      assert.equal(failed.state_reason, 'client not found');
      assert.equal((await repo.get(b.id))?.state_reason, 'No write access to TaskLog');
      await assert.rejects(repo.markHeld(a.id, null, ' '), /reason/);

      const requeued = await repo.requeueHeld({ filter: { reasonContains: 'write access' }, now: at(10) });
      assert.deepEqual(
        requeued.map((i) => i.id),
        [b.id],
      );
      const back = await repo.get(b.id);
      assert.equal(back?.state, 'pending');
      assert.equal(back?.state_reason, null);
      assert.equal(back?.next_attempt_at?.toISOString(), at(10).toISOString());
      assert.equal((await repo.get(a.id))?.state, 'held');
      assert.equal((await repo.requeueHeld({ now: at(11) })).length, 1);
      assert.equal((await repo.get(c.id))?.state, 'failed', 'requeue touches held items only');
      assert.deepEqual(
        (await repo.history(b.id)).map((h) => `${h.from_state}->${h.to_state}`),
        ['null->pending', 'pending->held', 'held->pending'],
      );
    });

    it('resolves manually, truthfully', async () => {
      const entered = await submit('manual-1');
      const dismissed = await submit('manual-2');
      await repo.markHeld(entered.id, null, 'No visit matches', { now: at(1) });
      const one = await repo.resolveManually(entered.id, {
        outcome: 'entered-in-wellsky',
        comment: 'typed it into the care log',
        by: 'dana',
        now: at(5),
      });
      assert.equal(one.state, 'delivered');
      assert.equal(one.delivered_route, 'manual');
      assert.equal(one.wellsky_id, null);
      assert.equal(one.resolved_by, 'dana');
      const two = await repo.resolveManually(dismissed.id, {
        outcome: 'dismissed',
        comment: 'duplicate',
        by: 'dana',
      });
      assert.equal(two.state, 'failed');
      assert.match(two.state_reason ?? '', /dismissed by dana: duplicate/);
      await assert.rejects(
        repo.resolveManually(one.id, { outcome: 'dismissed', comment: 'x', by: 'dana' }),
        /is delivered/,
      );
    });

    it('saves and loads the capability matrix, replacing rows by id', async () => {
      const caps = new CapabilityRepo(store.db);
      const checkedAt = new Date('2025-03-01T09:00:00Z');
      await caps.saveCapabilities([
        {
          capabilityId: 'tasklog.write',
          status: 'denied',
          httpStatus: 403,
          explanation: 'gateway 403',
          checkedAt,
        },
        { capabilityId: 'patient.read', status: 'allowed', httpStatus: 200, explanation: 'ok', checkedAt },
      ]);
      await caps.saveCapabilities([
        {
          capabilityId: 'tasklog.write',
          status: 'allowed',
          httpStatus: 201,
          explanation: 'granted',
          checkedAt,
          details: { probe: 'dry-run' },
        },
      ]);
      const rows = await caps.loadCapabilities();
      assert.deepEqual(
        rows.map((r) => [r.capabilityId, r.status, r.httpStatus, r.details]),
        [
          ['patient.read', 'allowed', 200, {}],
          ['tasklog.write', 'allowed', 201, { probe: 'dry-run' }],
        ],
      );
      assert.equal(rows[0]?.checkedAt.toISOString(), checkedAt.toISOString());
    });
  });
}
