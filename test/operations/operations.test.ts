import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallOutRecorded } from '../../src/operations/callout.ts';
import {
  clockIn,
  clockOut,
  OperationError,
  rankCandidates,
  reportCallOut,
} from '../../src/operations/index.ts';
import { clock } from '../helpers/docs.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { buildScenario, type Scenario } from './scenario.ts';

for (const factory of engines) {
  describe(`shift operations on ${factory.name}`, () => {
    let engine: TestEngine;
    let s: Scenario;
    before(async () => {
      engine = await factory.create();
      s = await buildScenario(await engine.open());
    });
    after(async () => {
      const store = s?.app.store;
      await s?.app.close();
      await store?.close();
      await engine?.dispose();
    });

    it('ranks the caregiver with history above a closer stranger, names exclusions, penalises overtime', async () => {
      const r = await rankCandidates(
        s.ops,
        { shiftId: s.target, date: '2026-02-13', limit: 50 },
        { now: clock() },
      );
      assert.equal(r.replacing, s.ids.caller);
      assert.ok(!r.candidates.some((c) => c.caregiverId === s.ids.caller), 'the caller is not a candidate');
      const rank = (id: string) => r.candidates.find((c) => c.caregiverId === id);
      const history = rank(s.ids.history)!;
      const stranger = rank(s.ids.stranger)!;
      assert.ok(history && stranger, 'both are candidates');
      assert.ok(history.rank < stranger.rank, `history #${history.rank} above stranger #${stranger.rank}`);
      assert.ok(history.points.continuity > 0 && stranger.points.continuity === 0);
      assert.ok(stranger.points.distance > history.points.distance, 'the stranger is closer');
      assert.match(history.reason, /3 visits with this client/);
      const overlap = r.excluded.find((e) => e.caregiverId === s.ids.overlapping);
      assert.ok(overlap, 'the caregiver on an overlapping shift is excluded');
      assert.equal(overlap.reasons[0]!.code, 'overlapping-shift');
      assert.match(overlap.reasons[0]!.text, /overlapping/);
      const overtime = rank(s.ids.overtime)!;
      assert.ok(overtime.points.hours < 0, `overtime costs points: ${JSON.stringify(overtime.details)}`);
      assert.ok(stranger.points.hours > 0);
      assert.equal(overtime.details.weekHoursWithShift, 42);
      assert.match(overtime.reason, /overtime/);
      assert.ok(overtime.rank > stranger.rank);
    });

    it('clocks in without inventing a position, returns the same visit when repeated, clocks out once', async () => {
      const c = s.app.simulator!.control;
      const before = c.clockIns().length;
      const first = await clockIn(s.ops, { shiftId: s.clockShift }, clock());
      assert.equal(first.repeated, false);
      assert.equal(first.positionSent, false);
      const events = c.clockIns();
      assert.equal(events.length, before + 1);
      const sent = events.at(-1)!.body as Record<string, unknown>;
      assert.equal('position' in sent, false, 'no position sent');
      assert.match(String((sent.period as { start: string }).start), /Z$/, 'UTC sent');
      const again = await clockIn(s.ops, { shiftId: s.clockShift }, clock());
      assert.equal(again.visitId, first.visitId);
      assert.equal(again.repeated, true);
      assert.equal(c.clockIns().length, before + 1, 'nothing new sent');
      const out = await clockOut(s.ops, { shiftId: s.clockShift, lat: 39.7, lon: -104.95 }, clock());
      assert.equal(out.visitId, first.visitId);
      assert.equal(out.positionSent, true);
      await assert.rejects(
        clockOut(s.ops, { shiftId: s.clockShift }, clock()),
        (e: unknown) => e instanceof OperationError && e.code === 'already-clocked-out',
      );
      await assert.rejects(
        clockIn(s.ops, { shiftId: '999999999' }, clock()),
        (e: unknown) => e instanceof OperationError && e.code === 'no-such-shift',
      );
    });

    it('an ambiguous call-out changes nothing and returns the candidate shifts', async () => {
      const c = s.app.simulator!.control;
      const tasks = c.adminTasks().length;
      const r = await reportCallOut(
        s.ops,
        { caregiver: s.callerPhone, date: s.ambiguousDay, reason: 'sick' },
        { now: clock() },
      );
      assert.equal(r.status, 'ambiguous');
      assert.equal(r.shifts.length, 2);
      const rows = await s.app.store.db.selectFrom('call_outs').selectAll().execute();
      assert.equal(rows.length, 0);
      assert.equal(c.adminTasks().length, tasks);
    });

    it('a call-out 90 minutes before start is urgent; feb-2026 cannot open the shift and says so; a repeat duplicates nothing', async () => {
      const c = s.app.simulator!.control;
      const r = (await reportCallOut(
        s.ops,
        { caregiver: s.ids.caller, shiftId: s.soon, reason: 'car broke down' },
        { now: clock() },
      )) as CallOutRecorded;
      assert.equal(r.status, 'recorded');
      assert.equal(r.urgency, 'urgent');
      assert.equal(r.needsPersonNow, true);
      assert.ok(r.minutesToStart <= 90 && r.minutesToStart > 80);
      assert.equal(r.shiftOpen.state, 'needs-person');
      assert.match(r.shiftOpen.detail, /a person must unassign/);
      assert.equal(r.officeTask.state, 'delivered');
      assert.equal(r.careAlert.state, 'not-sent');
      assert.equal(r.notification.state, 'not-configured');
      assert.ok('candidates' in r.candidates && r.candidates.candidates.length > 0);
      const occ = c.data
        .appointmentsFor({ clientId: s.clientId, from: '2026-02-12', to: '2026-02-12' })
        .find((a) => String(a.id) === s.soon);
      assert.equal(String(occ?.caregiver?.id), s.ids.caller, 'still assigned in WellSky');
      const tasks = c.adminTasks().length;
      const again = (await reportCallOut(
        s.ops,
        { caregiver: s.ids.caller, shiftId: s.soon },
        { now: clock() },
      )) as CallOutRecorded;
      assert.equal(again.repeated, true);
      assert.equal(again.callOutId, r.callOutId);
      assert.equal(c.adminTasks().length, tasks, 'no second office task');
      assert.equal((await s.app.store.db.selectFrom('call_outs').selectAll().execute()).length, 1);
    });

    it('with full credentials the shift is open in WellSky afterwards', async () => {
      const c = s.app.simulator!.control;
      c.setProfile('full');
      await s.app.docs.capabilities!.refresh();
      const r = (await reportCallOut(
        s.ops,
        { caregiver: s.ids.caller, shiftId: s.target, date: '2026-02-13' },
        { now: clock() },
      )) as CallOutRecorded;
      assert.equal(r.urgency, 'normal');
      assert.equal(r.shiftOpen.state, 'opened');
      const occ = c.data
        .appointmentsFor({ clientId: s.clientId, from: '2026-02-13', to: '2026-02-13' })
        .find((a) => String(a.id) === s.target);
      assert.ok(occ);
      assert.equal(occ.caregiver ?? null, null);
    });
  });
}
