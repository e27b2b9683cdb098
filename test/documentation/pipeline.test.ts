import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { IntakeError } from '../../src/documentation/intake.ts';
import { clock, logsWith, pipeline, until, visitsOf } from '../helpers/docs.ts';
import { simulator } from '../helpers/sim.ts';
import { pgliteEngine, postgresEngine } from '../helpers/stores.ts';

// submit() answers as soon as the first delivery attempt settles; the long bound only matters on a busy
// machine, where a short one would turn slowness into a wrong state.
const SETTLE = { waitMs: 120_000 };

for (const factory of [pgliteEngine, postgresEngine]) {
  describe(`documentation pipeline on ${factory.name}`, async () => {
    const engine = await factory.create();
    after(() => engine.dispose());
    const store = await engine.open();
    after(() => store.close());
    const sim = await simulator({ clients: 30, caregivers: 20, weeks: 4, now: clock, seed: 11 });
    sim.control.setQuirks({ encounterRejectsTaskLog: false });
    const { service, worker, repo } = pipeline(store, sim);
    const recent = visitsOf(sim, '2026-02-09', '2026-02-11');

    test("a client note goes as a task log on that client's visit at the note's time, once, with nobody clocked in", async () => {
      const visit = recent[0]!;
      const { item } = await service.submit(
        {
          kind: 'client-note',
          clientId: visit.clientId,
          text: 'Ate well, walked to the mailbox.',
          at: visit.middle,
        },
        SETTLE,
      );
      assert.equal(item.state, 'delivered', item.reason ?? item.lastError ?? '');
      assert.equal(item.route, 'task-log');
      assert.equal(item.visitId, visit.id);
      const logs = logsWith(sim, item.reference);
      assert.equal(logs.length, 1);
      assert.equal(String(logs[0]!.encounterId), visit.id);
      assert.equal(String(logs[0]!.id), item.wellskyId);
      assert.equal(sim.control.clockIns().length, 0, 'no clock-in to make room for a note');
    });

    test('the note names a caregiver: only that caregiver’s visit is used', async () => {
      const visit = recent[1]!;
      const other = recent.find((v) => v.caregiverId !== visit.caregiverId)!;
      const { item } = await service.submit(
        {
          kind: 'client-note',
          clientId: visit.clientId,
          caregiverId: other.caregiverId,
          text: 'Note',
          at: visit.middle,
        },
        SETTLE,
      );
      assert.equal(item.state, 'held');
      assert.match(item.reason!, /no visit of this client with caregiver/);
    });

    test('the same idempotency key twice returns the same item and writes once', async () => {
      const visit = recent[2]!;
      const request = {
        kind: 'client-note',
        clientId: visit.clientId,
        text: 'Once only',
        at: visit.middle,
        key: `k-${factory.name}`,
      };
      const first = await service.submit(request, SETTLE);
      const second = await service.submit(request, SETTLE);
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.item.id, first.item.id);
      assert.equal(logsWith(sim, first.item.reference).length, 1);
    });

    test('a note with no matching visit is held with the reason; a visit that appears later lifts the hold', async () => {
      const client = sim.control.createPatient({ name: [{ family: 'Newman', given: ['Ada'] }] });
      const caregiver = recent[0]!.caregiverId;
      const { item } = await service.submit(
        {
          kind: 'client-note',
          clientId: String(client.id),
          text: 'Fell asleep early.',
          at: '2026-02-12T08:30',
        },
        SETTLE,
      );
      assert.equal(item.state, 'held');
      assert.equal(item.holdCode, 'no-visit');
      assert.match(item.reason!, /no visit of this client on 2026-02-12 \(America\/Denver\) around 08:30/);
      assert.equal(sim.control.clockIns().length, 0);
      sim.control.addOneOffShift({
        clientId: client.id,
        caregiverId: caregiver,
        start: '2026-02-12T14:00:00Z',
        end: '2026-02-12T16:00:00Z',
      });
      await worker!.replay(['no-visit']);
      await worker!.runOnce();
      const after = (await service.get(item.id))!;
      assert.equal(after.state, 'delivered', after.reason ?? '');
      assert.equal(logsWith(sim, item.reference).length, 1);
    });

    test('caregiver and prospect notes are held with a reason; the agency setting sends them as office tasks', async () => {
      const caregiverNote = await service.submit(
        { kind: 'caregiver-note', caregiverId: recent[0]!.caregiverId, text: 'Wants more weekend hours' },
        SETTLE,
      );
      assert.equal(caregiverNote.item.state, 'held');
      assert.match(caregiverNote.item.reason!, /no route for notes on a caregiver's profile/);
      const prospect = sim.control.data
        .patients()
        .find((p) => p.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'false'))!;
      const prospectNote = await service.submit(
        { kind: 'prospect-note', prospectId: String(prospect.id), text: 'Called back' },
        SETTLE,
      );
      assert.equal(prospectNote.item.state, 'held');
      const withSetting = pipeline(store, sim, { env: { SKYBRIDGE_PROFILE_NOTES_AS_OFFICE_TASKS: 'true' } });
      const sent = await withSetting.service.submit(
        { kind: 'caregiver-note', caregiverId: recent[0]!.caregiverId, text: 'Renewed CPR card' },
        SETTLE,
      );
      assert.equal(sent.item.state, 'delivered');
      assert.equal(sent.item.route, 'admin-task');
      assert.ok(sim.control.adminTasks().some((t) => String(t.id) === sent.item.wellskyId));
    });

    test('office tasks refused by WellSky are held; granting the permission delivers them without re-submitting', async () => {
      sim.control.setPermissions({ adminTasksWrite: false });
      await worker!.refreshCapabilities();
      const before = sim.control.adminTasks().length;
      const { item } = await service.submit(
        {
          kind: 'office-task',
          title: 'Send the new care plan to the daughter',
          priority: 'high',
          due: '2026-02-13',
        },
        SETTLE,
      );
      assert.equal(item.state, 'held');
      assert.equal(item.holdCode, 'capability');
      assert.match(item.reason!, /may not create office tasks/);
      sim.control.setPermissions({ adminTasksWrite: true });
      await worker!.refreshCapabilities();
      await worker!.runOnce();
      const delivered = (await service.get(item.id))!;
      assert.equal(delivered.state, 'delivered');
      const created = sim.control.adminTasks();
      assert.equal(created.length, before + 1);
      assert.match(String(created.at(-1)!.body.description), /^\[HIGH\] Send the new care plan/);
    });

    test('a long note is split into ordered parts on one visit, nothing cut', async () => {
      const visit = recent[3]!;
      const sentences = Array.from({ length: 400 }, (_, i) => `Sentence ${i + 1} of the long note.`);
      const text = sentences.join(' ');
      const { item } = await service.submit(
        { kind: 'client-note', clientId: visit.clientId, text, at: visit.middle },
        SETTLE,
      );
      assert.equal(item.state, 'delivered');
      const logs = logsWith(sim, item.reference);
      assert.ok(logs.length >= 3, `${logs.length} parts`);
      assert.deepEqual(
        item.wellskyId!.split(','),
        logs.map((l) => String(l.id)),
      );
      const rebuilt = logs
        .map((l) => l.description.replace(/\n\nRef SB-\w+ \(part \d+\/\d+\)$/, ''))
        .join(' ');
      assert.equal(rebuilt, text);
      assert.ok(logs.every((l, i) => l.title.endsWith(`(${i + 1}/${logs.length})`)));
    });

    test('when WellSky wrote the note but the answer was lost, the next attempt finds it and does not write it again', async () => {
      const visit = recent[4]!;
      sim.control.setFaults({ lostResponseRate: 1 });
      const { item } = await service.submit(
        { kind: 'client-note', clientId: visit.clientId, text: 'Answer lost', at: visit.middle },
        SETTLE,
      );
      sim.control.setFaults({ lostResponseRate: 0 });
      assert.equal(item.state, 'pending', 'not reported as delivered, not failed');
      assert.ok(item.lastError);
      assert.equal(logsWith(sim, item.reference).length, 1, 'WellSky has it');
      await until(
        async () => (await worker!.runOnce()) > 0 || (await service.get(item.id))!.state !== 'pending',
        120_000,
        'retry',
      );
      await until(async () => {
        await worker!.runOnce();
        return (await service.get(item.id))!.state === 'delivered';
      });
      assert.equal(logsWith(sim, item.reference).length, 1, 'still exactly one');
    });

    test('an office task whose answer was lost is held for a person, never re-sent on its own', async () => {
      const before = sim.control.adminTasks().length;
      sim.control.setFaults({ lostResponseRate: 1 });
      const { item } = await service.submit({ kind: 'office-task', title: 'Lost answer task' }, SETTLE);
      sim.control.setFaults({ lostResponseRate: 0 });
      await until(async () => {
        await worker!.runOnce();
        return (await service.get(item.id))!.state !== 'pending';
      });
      const held = (await service.get(item.id))!;
      assert.equal(held.state, 'held');
      assert.equal(held.holdCode, 'outcome-unknown');
      await worker!.replay();
      await worker!.runOnce();
      assert.equal((await service.get(item.id))!.state, 'held', 'an automatic replay does not touch it');
      assert.equal(sim.control.adminTasks().length, before + 1, 'WellSky has exactly one');
      const resolved = await service.resolve(item.id, {
        comment: 'found it on the Tasks panel',
        by: 'Dana',
        outcome: 'entered-in-wellsky',
        wellskyId: String(sim.control.adminTasks().at(-1)!.id),
      });
      assert.equal(resolved.state, 'delivered');
      assert.equal(resolved.route, 'manual');
    });

    test('bad input gets a clear error and stores nothing; control characters are replaced, not stored', async () => {
      const count = async () => (await repo.list({ limit: 1000 })).length;
      const before = await count();
      const visit = recent[5]!;
      const bad: [Record<string, unknown>, RegExp][] = [
        [{ kind: 'client-note', clientId: visit.clientId, text: '  \u0007 ' }, /text is empty/],
        [{ kind: 'client-note', clientId: visit.clientId, text: 'x'.repeat(30_000) }, /at most/],
        [{ kind: 'client-note', clientId: '999999', text: 'Who?' }, /no client 999999/],
        [
          { kind: 'client-note', clientId: visit.clientId, text: 'When?', at: '31/02/2026 10:00' },
          /not a time/,
        ],
        [
          { kind: 'client-note', clientId: visit.clientId, text: 'Later', at: '2026-02-20T10:00' },
          /in the future/,
        ],
        [{ kind: 'client-note', text: 'For whom?' }, /needs the client/],
        [{ kind: 'office-task', text: 'no title' }, /needs a title/],
        [{ kind: 'shift-note', text: 'x' }, /kind/],
        [{ kind: 'client-note', clientId: 'abc', text: 'x' }, /numeric WellSky id/],
        [{ kind: 'client-note', clientId: visit.clientId, text: 'x', extra: 1 }, /extra/],
      ];
      for (const [request, message] of bad) {
        let rejected: unknown;
        try {
          await service.submit(request);
        } catch (error) {
          rejected = error;
        }
        const what = JSON.stringify(request).slice(0, 90);
        assert.ok(
          rejected instanceof IntakeError,
          `${what} was not refused as bad input: ${String(rejected)}`,
        );
        assert.match(rejected.message, message, what);
      }
      assert.equal(await count(), before, 'no row for any rejected request');
      const { item, sanitized } = await service.submit(
        {
          kind: 'client-note',
          clientId: visit.clientId,
          text: 'Bell\u0007 rang\u0000 twice',
          at: visit.middle,
        },
        SETTLE,
      );
      assert.equal(sanitized, 2);
      assert.equal(item.state, 'delivered');
      assert.match(logsWith(sim, item.reference)[0]!.description, /^Bell {2}rang {2}twice/);
    });

    /** A pipeline on a store of its own (no other test's worker claims its notes), timing each claim. */
    const timedPipeline = async (worker: { pollMs: number; nudgeDelayMs: number }) => {
      const ownEngine = await factory.create();
      after(() => ownEngine.dispose());
      const own = await ownEngine.open();
      after(() => own.close());
      const timed = pipeline(own, sim, { worker });
      const claims: number[] = [];
      const claimDue = timed.repo.claimDue.bind(timed.repo);
      timed.repo.claimDue = (...args) => {
        claims.push(performance.now());
        return claimDue(...args);
      };
      return { ...timed, claims };
    };

    test('a sleeping worker claims a new note only after the nudge delay, so the answer goes out first; then delivers it', async () => {
      const nudgeDelayMs = 500;
      const delayed = await timedPipeline({ pollMs: 600_000, nudgeDelayMs });
      const { claims } = delayed;
      const note = (text: string) =>
        delayed.service.submit({
          kind: 'client-note',
          clientId: recent[3]!.clientId,
          text,
          at: recent[3]!.middle,
        });
      const first = await note('Before the worker started');
      delayed.worker!.start();
      // Its first drain delivers what was waiting; then it sleeps for the (long) poll interval.
      await until(async () => (await delayed.repo.get(first.item.id))?.state === 'delivered');
      // The state is visible a moment before the worker, which wrote it, has gone back to sleep.
      await until(() => delayed.worker!.sleeping);
      claims.length = 0;
      const { item } = await note('While the worker sleeps');
      const answeredAt = performance.now();
      // Delivered long before the poll interval: the nudge woke the worker.
      await until(async () => (await delayed.repo.get(item.id))?.state !== 'pending', 60_000);
      assert.equal((await delayed.repo.get(item.id))?.state, 'delivered');
      assert.equal(claims.length, 1, 'one claim for the nudge');
      // A timer never fires early; the margin covers what submit does after its nudge.
      assert.ok(claims[0]! - answeredAt >= nudgeDelayMs - 100, `claimed ${claims[0]! - answeredAt} ms after`);
      await delayed.worker!.stop();
    });

    test('a nudge answered by the poll does not cut the next poll interval short', async () => {
      // The nudge's wake-up is due after the poll has already woken the worker: it must not fire into the
      // sleep that follows.
      const pollMs = 400;
      const polled = await timedPipeline({ pollMs, nudgeDelayMs: 600 });
      const { claims } = polled;
      polled.worker!.start();
      await until(() => polled.worker!.sleeping);
      polled.worker!.nudge();
      await until(() => claims.length >= 3, 60_000);
      await polled.worker!.stop();
      // Timers never fire early: after the poll's claim, the next one waits a whole interval.
      assert.ok(claims[2]! - claims[1]! >= pollMs - 5, `${claims[2]! - claims[1]!} ms between claims`);
    });

    test('after a store failure the worker backs off in full: a nudge does not end the back-off', async () => {
      // A failing store must not be hammered because notes keep arriving (each submit nudges).
      const pollMs = 100;
      const failing = await timedPipeline({ pollMs, nudgeDelayMs: 5 });
      const { claims } = failing;
      const claimDue = failing.repo.claimDue;
      let failures = 1;
      failing.repo.claimDue = (...args) => {
        const claimed = claimDue(...args);
        if (failures-- > 0) return Promise.reject(new Error('the store is unreachable'));
        return claimed;
      };
      failing.worker!.start();
      await until(() => claims.length >= 1 && failing.worker!.sleeping);
      failing.worker!.nudge();
      await until(() => claims.length >= 2, 60_000);
      await failing.worker!.stop();
      // Timers never fire early: the back-off is five poll intervals from the failed claim.
      assert.ok(claims[1]! - claims[0]! >= pollMs * 5 - 5, `${claims[1]! - claims[0]!} ms between claims`);
    });
  });
}
