import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockIn } from '../../src/operations/clock.ts';
import { operationsOf } from '../../src/runtime/operations.ts';
import type { WatchRuntime } from '../../src/runtime/watch.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { at, buildWatchScenario, type Person, type WatchScenario } from './scenario.ts';

// Shifts start at 10:30 Denver (17:30Z) on Thursday 2026-02-12; the clock is moved by hand.
const S = at('2026-02-12T17:30:00Z');
const plus = (minutes: number) => new Date(S.getTime() + minutes * 60_000);

for (const factory of engines) {
  describe(`the watch on ${factory.name}`, () => {
    let engine: TestEngine;
    let s: WatchScenario;
    let w: WatchRuntime;
    let noShow: Person;
    let arrives: Person;
    let optedOut: Person;
    let late: Person;
    let yes: Person;
    let no: Person;
    let silent: Person;
    let twin: Person;
    const shifts: Record<string, string> = {};

    const outbound = async (phone: string) =>
      (await s.app.messaging.list({ direction: 'outbound', phone })).filter(
        (m) => m.direction === 'outbound',
      );
    const actions = (appointmentId: string) =>
      s.app.store.db
        .selectFrom('watch_actions')
        .selectAll()
        .where('appointment_id', '=', appointmentId)
        .orderBy('created_at')
        .execute();
    const tickAt = async (when: Date) => {
      s.clock.set(when);
      return w.watch.tick();
    };

    before(async () => {
      engine = await factory.create();
      s = await buildWatchScenario(await engine.open());
      noShow = s.caregiver('Nora');
      arrives = s.caregiver('Ari');
      optedOut = s.caregiver('Olga');
      late = s.caregiver('Lena');
      shifts.noShow = s.shift(noShow.id, '2026-02-12T17:30:00Z', '2026-02-12T21:30:00Z');
      shifts.arrives = s.shift(arrives.id, '2026-02-12T17:30:00Z', '2026-02-12T19:30:00Z');
      shifts.optedOut = s.shift(optedOut.id, '2026-02-12T17:30:00Z', '2026-02-12T19:30:00Z');
      shifts.late = s.shift(late.id, '2026-02-12T17:30:00Z', '2026-02-12T20:30:00Z');
      yes = s.caregiver('Yara');
      no = s.caregiver('Noel');
      silent = s.caregiver('Sam');
      twin = s.caregiver('Tess');
      // Friday: Yara works twice, Noel and Sam once each, Tess once (for the two-worker check).
      shifts.yes1 = s.shift(yes.id, '2026-02-13T15:00:00Z', '2026-02-13T17:00:00Z');
      shifts.yes2 = s.shift(yes.id, '2026-02-13T20:00:00Z', '2026-02-13T22:00:00Z');
      shifts.no = s.shift(no.id, '2026-02-13T16:00:00Z', '2026-02-13T19:00:00Z');
      shifts.silent = s.shift(silent.id, '2026-02-13T16:00:00Z', '2026-02-13T18:00:00Z');
      shifts.twin = s.shift(twin.id, '2026-02-13T17:30:00Z', '2026-02-13T19:30:00Z');
      await s.sync();
      w = s.watch();
      // Olga texted STOP last week: she gets no texts, but staff still hear about her shift.
      await s.app.messaging.receive({ from: optedOut.phone, text: 'STOP' });
    });
    after(async () => {
      const store = s?.app.store;
      await s?.close();
      await store?.close();
      await engine?.dispose();
    });

    it('does nothing before the grace period is over', async () => {
      const r = await tickAt(plus(9));
      assert.ok(r.ran);
      const mine = r.actions.filter((a) => Object.values(shifts).includes(a.appointmentId ?? ''));
      assert.deepEqual(mine, []);
      assert.equal((await outbound(noShow.phone)).length, 0);
    });

    it('a caregiver running late says so: recorded on the shift, no client notice (off by default)', async () => {
      s.clock.set(plus(5));
      const got = await w.handler({
        messageId: 'in_test_late',
        from: late.phone,
        text: 'running 20 min late',
        receivedAt: plus(5),
      });
      assert.equal(got.handled, true);
      assert.match(got.reply ?? '', /20 min late.*10:50/);
      const rows = await actions(shifts.late!);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.rule, 'running-late');
      assert.equal(rows[0]!.detail.minutes, 20);
      assert.equal((await outbound(s.contactPhone)).length, 0, 'the client is not told unless enabled');
    });

    it('texts once at +10, and not again on later ticks', async () => {
      await tickAt(plus(10));
      await tickAt(plus(11));
      await tickAt(plus(15));
      const texts = await outbound(noShow.phone);
      assert.equal(texts.length, 1);
      assert.equal(texts[0]!.purpose, 'clock-in-reminder');
      assert.match(texts[0]!.body, /due at 10:30 AM for Rosa.*LATE.*CANT/);
      const rows = await actions(shifts.noShow!);
      assert.deepEqual(
        rows.map((r) => [r.rule, r.state]),
        [['clock-in-text', 'sent']],
      );
      // Lena said 20 minutes late: her reminder waits for 10:50 + 10.
      assert.deepEqual(
        (await actions(shifts.late!)).map((r) => r.rule),
        ['running-late'],
      );
    });

    it('respects an opt-out: the text is recorded as not sent, and why', async () => {
      const rows = await actions(shifts.optedOut!);
      assert.equal(rows[0]!.rule, 'clock-in-text');
      assert.equal(rows[0]!.state, 'not-sent');
      assert.match(rows[0]!.outcome ?? '', /opted out/);
      const sent = (await outbound(optedOut.phone)).filter((m) => m.state !== 'not-sent');
      assert.equal(sent.length, 0);
    });

    it('a caregiver who clocks in after the text is not escalated', async () => {
      await clockIn(operationsOf(s.app), { shiftId: shifts.arrives!, at: plus(12).toISOString() }, plus(12));
      const rows = await actions(shifts.arrives!);
      assert.deepEqual(
        rows.map((r) => r.rule),
        ['clock-in-text'],
      );
    });

    it('a restart between the text and the escalation does not repeat the text', async () => {
      // A new process: a new watch object over the same store, nothing in memory.
      w = s.watch({ holder: 'test-watch', register: false });
      await tickAt(plus(20));
      assert.equal((await outbound(noShow.phone)).length, 1);
    });

    it('escalates once at +25 (urgent office task), then nothing more', async () => {
      await tickAt(plus(25));
      await tickAt(plus(26));
      // Lena said 20 minutes late: 10:50 + 10 is when her reminder is due, not 10:40.
      await tickAt(plus(29));
      assert.deepEqual(
        (await actions(shifts.late!)).map((r) => r.rule),
        ['running-late'],
      );
      await tickAt(plus(30));
      assert.deepEqual(
        (await actions(shifts.late!)).map((r) => r.rule),
        ['running-late', 'clock-in-text'],
      );
      await tickAt(plus(60));
      const rows = await actions(shifts.noShow!);
      assert.deepEqual(
        rows.map((r) => [r.rule, r.state]),
        [
          ['clock-in-text', 'sent'],
          ['clock-in-escalation', 'escalated'],
        ],
      );
      const task = await s.app.docs.service.get(rows[1]!.item_id!);
      assert.equal(task?.kind, 'office-task');
      assert.equal(task?.priority, 'urgent');
      assert.match(rows[1]!.outcome ?? '', /staff webhook not-configured/);
      assert.equal((await outbound(noShow.phone)).length, 1, 'no second text');
      // The opted-out caregiver's shift reaches staff all the same.
      const olga = await actions(shifts.optedOut!);
      assert.deepEqual(
        olga.map((r) => r.rule),
        ['clock-in-text', 'clock-in-escalation'],
      );
      assert.deepEqual(
        (await actions(shifts.arrives!)).map((r) => r.rule),
        ['clock-in-text'],
      );
    });

    it("the late caregiver's report becomes a client note on the visit she clocks in to", async () => {
      assert.ok(
        !(await actions(shifts.late!)).some((r) => r.rule === 'clock-in-escalation' && r.acted_at < plus(55)),
      );
      const clocked = await clockIn(
        operationsOf(s.app),
        { shiftId: shifts.late!, at: plus(61).toISOString() },
        plus(61),
      );
      assert.ok(clocked.visitId);
      await tickAt(plus(62));
      const rows = await actions(shifts.late!);
      const note = rows.find((r) => r.rule === 'late-note');
      assert.ok(note?.item_id, `a late note was submitted: ${JSON.stringify(rows.map((r) => r.rule))}`);
      await s.app.docs.worker!.runOnce({ ids: [note.item_id] });
      const item = await s.app.docs.service.get(note.item_id);
      assert.equal(item?.kind, 'client-note');
      assert.equal(item?.state, 'delivered', `the note was delivered: ${item?.reason}`);
      assert.equal(item?.visitId, clocked.visitId, 'on the visit of that shift');
    });

    it('a crash after the intent was recorded does not send twice', async () => {
      const key = 'watch:clock-in-text:crash-test';
      const first = await s.app.messaging.send({
        key,
        to: noShow.phone,
        body: 'x',
        urgent: false,
        purpose: 'clock-in-reminder',
      });
      const again = await w.watch.send({
        key,
        to: noShow.phone,
        body: 'x',
        urgent: false,
        purpose: 'clock-in-reminder',
      });
      assert.equal(again.messageId, first.messageId);
      assert.equal(again.outcome, 'sent (earlier attempt)');
    });
    it('at 17:00 each caregiver with shifts tomorrow gets one message listing them', async () => {
      await tickAt(at('2026-02-12T23:59:00Z'));
      assert.equal((await outbound(yes.phone)).length, 0, 'not before 17:00');
      await tickAt(at('2026-02-13T00:00:00Z'));
      await tickAt(at('2026-02-13T00:05:00Z'));
      const texts = await outbound(yes.phone);
      assert.equal(texts.length, 1);
      assert.match(
        texts[0]!.body,
        /Tomorrow \(Fri Feb 13\).*1\) 8:00 AM–10:00 AM Rosa; 2\) 1:00 PM–3:00 PM Rosa.*YES.*NO 2/,
      );
      assert.equal((await outbound(no.phone)).length, 1);
      assert.equal((await outbound(silent.phone)).length, 1);
    });

    it('YES confirms every listed shift', async () => {
      s.clock.set(at('2026-02-13T00:30:00Z'));
      const got = await w.handler({
        messageId: 'in_yes',
        from: yes.phone,
        text: 'Yes',
        receivedAt: s.clock.now(),
      });
      assert.equal(got.handled, true);
      assert.equal(got.action, 'confirmed');
      const rows = await s.app.store.db
        .selectFrom('watch_confirmations')
        .selectAll()
        .where('caregiver_id', '=', yes.id)
        .execute();
      assert.deepEqual(
        rows.map((r) => r.state),
        ['confirmed', 'confirmed'],
      );
    });

    it('NO starts the call-out path for the listed shift', async () => {
      const got = await w.handler({
        messageId: 'in_no',
        from: no.phone,
        text: 'NO',
        receivedAt: s.clock.now(),
      });
      assert.equal(got.handled, true);
      assert.equal(got.action, 'declined');
      const callOut = await s.app.store.db
        .selectFrom('call_outs')
        .selectAll()
        .where('appointment_id', '=', shifts.no!)
        .executeTakeFirst();
      assert.ok(callOut, 'a call-out was recorded');
      assert.equal(callOut.caregiver_id, no.id);
      const row = await s.app.store.db
        .selectFrom('watch_confirmations')
        .selectAll()
        .where('caregiver_id', '=', no.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.state, 'declined');
      assert.equal(row.call_out_id, callOut.id);
    });

    it('a text that is not for the watch is left to other handlers', async () => {
      const got = await w.handler({
        messageId: 'in_other',
        from: silent.phone,
        text: 'what time is it',
        receivedAt: s.clock.now(),
      });
      assert.equal(got.handled, false);
      const stranger = await w.handler({
        messageId: 'in_str',
        from: '3035550000',
        text: 'YES',
        receivedAt: s.clock.now(),
      });
      assert.equal(stranger.handled, false);
    });

    it('no answer by 20:00 shows as unconfirmed', async () => {
      await tickAt(at('2026-02-13T02:59:00Z'));
      const r = await tickAt(at('2026-02-13T03:00:00Z'));
      assert.ok(r.unconfirmedMarked >= 1);
      const row = await s.app.store.db
        .selectFrom('watch_confirmations')
        .selectAll()
        .where('caregiver_id', '=', silent.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.state, 'unanswered');
    });

    it('leaves the shift Noel called out alone at its start, asking for call-outs once per tick', async () => {
      // The call-out port asked once per tick whatever the number of shifts (it was once per shift, which
      // held the event loop for seconds at agency scale).
      const port = w.ports.callOuts;
      const calledOut = port.calledOut.bind(port);
      let asked = 0;
      port.calledOut = (from, to) => {
        asked += 1;
        return calledOut(from, to);
      };
      // Friday 09:00 Denver + 15 min: Noel's shift is past its grace period, and Sam's (same start) too.
      const r = await tickAt(at('2026-02-13T16:15:00Z'));
      assert.ok(r.ran);
      assert.ok(r.shiftsChecked > 1, `${r.shiftsChecked} shifts checked`);
      assert.equal(asked, 1);
      // Noel's answer itself is on record (the confirmation); nothing about a missed clock-in is.
      assert.deepEqual(
        (await actions(shifts.no!)).map((a) => a.rule),
        ['confirmation-answer'],
        'nothing done about the called-out shift',
      );
      assert.ok(
        (await actions(shifts.silent!)).some((a) => a.rule === 'clock-in-text'),
        'the shift beside it, not called out, got its reminder',
      );
    });
  });
}
