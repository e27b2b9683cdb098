import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { reportCallOut } from '../../src/operations/callout.ts';
import { type CampaignView, FillEngine } from '../../src/operations/fill/index.ts';
import { operationsOf } from '../../src/runtime/operations.ts';
import type { EngineFactory, TestEngine } from '../helpers/stores.ts';
import { type FillScenario, fillScenario } from './fixture.ts';

/** The fill scenarios on one engine (each engine has its own test file, to keep each file short). */
export function fillCases(factory: EngineFactory) {
  describe(`fill campaigns (${factory.name})`, { timeout: 600_000 }, () => {
    let engine: TestEngine;
    let s: FillScenario;
    before(async () => {
      engine = await factory.create();
      s = await fillScenario(await engine.open());
    });
    after(async () => {
      await s?.app.close();
      await s?.app.store.close();
      await engine?.dispose();
    });

    /**
     * A campaign for `shift` that leaves out everyone who won a shift in an earlier case, so whoever it texts
     * holds no won shift elsewhere (a later "can't" from them is a back-out of this one, not a question of
     * which). Left in, the earlier winners can take every place in the first wave: they rank first for every
     * open shift (nearest, ties by id), and one of them is whichever of the 50 simultaneous YESes got
     * through first, which differs from run to run.
     */
    async function startWithoutWinners(shift: { id: string; date: string }) {
      const winners = (await s.app.fills.service.list()).flatMap((f) =>
        f.winnerCaregiverId ? [f.winnerCaregiverId] : [],
      );
      const { campaignId, created } = await s.app.fills.engine.start(
        { shiftId: shift.id, date: shift.date },
        { origin: 'request', exclude: winners },
      );
      assert.equal(created, true);
      const campaign = await s.app.fills.service.require(campaignId);
      assert.ok(
        !campaign.offers.some((o) => winners.includes(o.caregiverId)),
        `no offer to an earlier winner (${winners.join(', ')}): ${JSON.stringify(campaign.offers)}`,
      );
      return campaign;
    }

    /**
     * The caregivers a campaign from `startWithoutWinners` texted who have no other offer waiting (their YES
     * is this shift's), and `w`, the first of them.
     */
    async function soleOfferHolders(campaign: CampaignView) {
      const sent: string[] = [];
      for (const o of campaign.offers)
        if (o.state === 'sent' && (await s.app.fills.engine.repo.pendingFor(o.caregiverId)).length === 1)
          sent.push(o.caregiverId);
      const w = sent[0]!;
      assert.ok(w, `a texted caregiver with only this offer waiting: ${JSON.stringify(campaign.offers)}`);
      return { sent, w };
    }

    test('an open shift is offered in waves; the first YES is assigned in WellSky and read back; everyone hears the outcome', async () => {
      const shift = s.open[0]!;
      const { campaign, created } = await s.app.fills.service.start({ shiftId: shift.id, date: shift.date });
      assert.equal(created, true);
      assert.equal(campaign.state, 'open');
      assert.equal(campaign.offers.length, 5, 'first wave: 5');
      assert.ok(
        campaign.offers.every((o) => o.state === 'sent'),
        JSON.stringify(campaign.offers),
      );
      const first = await s.outbound(s.phoneOf(campaign.offers[0]!.caregiverId));
      const offerText = first.find((m) => m.purpose === 'fill-offer')!.body;
      assert.match(offerText, /Fri Feb 13, 10am-2pm in Aurora/);
      assert.match(offerText, /Reply YES to take it or NO/);
      assert.doesNotMatch(offerText, /Rosalind|Quimby|Hidden/);
      assert.ok(offerText.length <= 160 && /^[\x20-\x7E]*$/.test(offerText), offerText);

      // A second start finds the open campaign.
      const again = await s.app.fills.service.start({ shiftId: shift.id, date: shift.date });
      assert.equal(again.created, false);
      assert.equal(again.campaign.id, campaign.id);

      s.clock.advance(9);
      await s.app.fills.engine.advance();
      assert.equal(
        (await s.app.fills.service.require(campaign.id)).offers.length,
        5,
        'nothing before 10 min',
      );
      s.clock.advance(1);
      await s.app.fills.engine.advance();
      const second = await s.app.fills.service.require(campaign.id);
      assert.equal(second.offers.length, 15, 'second wave: 10 more after 10 min');
      assert.equal(second.wavesSent, 2);

      const [winner, loser] = [second.offers[6]!, second.offers[1]!];
      const puts = s.puts();
      const yes = await s.app.messaging.receive({ from: s.phoneOf(winner.caregiverId), text: 'Yes!' });
      assert.equal(yes.message.action, 'accepted');
      const filled = await s.app.fills.service.require(campaign.id, { history: true });
      assert.equal(filled.state, 'filled', filled.stateReason ?? '');
      assert.equal(filled.winnerCaregiverId, winner.caregiverId);
      assert.equal(s.puts() - puts, 1, 'one assignment written');
      assert.equal(await s.caregiverOn(shift.id, shift.date), winner.caregiverId, 'WellSky shows the winner');
      assert.ok(filled.timeToFillSeconds! > 0);
      const confirmation = (await s.outbound(s.phoneOf(winner.caregiverId))).find(
        (m) => m.purpose === 'fill-confirmation',
      );
      assert.match(confirmation!.body, /Confirmed: the shift Fri Feb 13, 10am-2pm in Aurora is yours/);
      // Everyone else's offer is withdrawn and they are told.
      assert.ok(
        filled.offers
          .filter((o) => o.caregiverId !== winner.caregiverId)
          .every((o) => o.state === 'withdrawn'),
      );
      const notice = (await s.outbound(s.phoneOf(loser.caregiverId))).find(
        (m) => m.purpose === 'fill-withdrawn',
      );
      assert.match(notice!.body, /has been filled/);

      // A YES after that: thanked, told it is taken, nothing changes.
      const late = await s.app.messaging.receive({ from: s.phoneOf(loser.caregiverId), text: 'yes' });
      assert.equal(late.message.action, 'late-yes');
      const reply = await s.app.messaging.get(late.message.replyMessageId!);
      assert.match((reply as { body: string }).body, /already been taken/);
      assert.equal(s.puts() - puts, 1);
      assert.equal((await s.app.fills.service.require(campaign.id)).winnerCaregiverId, winner.caregiverId);
      assert.ok(filled.history!.some((h) => h.to === 'filled'));
    });

    test('a call-out that leaves the shift open starts a campaign without the caller', async () => {
      const { id, date, callerId } = s.assigned;
      const result = await reportCallOut(
        operationsOf(s.app),
        { caregiver: callerId, shiftId: id, date },
        { now: s.clock.now() },
      );
      assert.equal(result.status, 'recorded');
      if (result.status !== 'recorded') return;
      assert.equal(result.shiftOpen.state, 'opened');
      const fill = result.fill as { started: boolean; campaignId: string };
      assert.equal(fill.started, true, JSON.stringify(result.fill));
      const campaign = await s.app.fills.service.require(fill.campaignId);
      assert.equal(campaign.origin, 'call-out');
      assert.ok(campaign.excludedCaregiverIds.includes(callerId));
      assert.ok(!campaign.offers.some((o) => o.caregiverId === callerId));
      const taker = campaign.offers.find((o) => o.state === 'sent')!.caregiverId;
      await s.app.messaging.receive({ from: s.phoneOf(taker), text: 'yep' });
      assert.equal((await s.app.fills.service.require(campaign.id)).state, 'filled');
      assert.equal(await s.caregiverOn(id, date), taker);
    });

    test('NO, STOP, an unclear answer, an unknown sender, and a YES to one of several offers', async () => {
      const fills = s.app.fills.service;
      const b = (await fills.start({ shiftId: s.open[1]!.id, date: s.open[1]!.date })).campaign;
      const [a, stopper, vague, d, e] = b.offers.map((o) => o.caregiverId) as [
        string,
        string,
        string,
        string,
        string,
      ];
      const no = await s.app.messaging.receive({ from: s.phoneOf(a), text: 'No thanks' });
      assert.equal(no.message.action, 'declined');
      await s.app.messaging.receive({ from: s.phoneOf(stopper), text: 'STOP' });
      assert.equal(await s.app.messaging.isOptedOut(s.phoneOf(stopper)), true);
      const unclear = await s.app.messaging.receive({ from: s.phoneOf(vague), text: 'what time again?' });
      assert.equal(unclear.message.action, 'clarify');
      const unclearAgain = await s.app.messaging.receive({ from: s.phoneOf(vague), text: 'hmm' });
      assert.equal(unclearAgain.message.action, 'needs-person', 'one clarification, then a person');
      const stranger = await s.app.messaging.receive({ from: '(303) 555-9999', text: 'YES' });
      assert.equal(
        stranger.message.state,
        'unmatched',
        'an unknown sender is recorded, answered, never acted on',
      );
      let now = await fills.require(b.id);
      assert.equal(now.state, 'open');
      assert.equal(now.offers.find((o) => o.caregiverId === a)!.state, 'declined');

      // A second campaign: the opted-out caregiver is not texted; d now has two offers waiting.
      const c = (await fills.start({ shiftId: s.open[2]!.id, date: s.open[2]!.date })).campaign;
      const stopped = c.offers.find((o) => o.caregiverId === stopper);
      if (stopped) assert.equal(stopped.state, 'not-sent');
      assert.ok(c.offers.some((o) => o.caregiverId === d && o.state === 'sent'));
      const which = await s.app.messaging.receive({ from: s.phoneOf(d), text: 'yes' });
      assert.equal(which.message.action, 'which');
      const question = (await s.app.messaging.get(which.message.replyMessageId!)) as { body: string };
      assert.match(question.body, /Reply 1 for Mon Feb 16, 10am-2pm in Aurora; Reply 2 for Tue Feb 17/);
      const two = await s.app.messaging.receive({ from: s.phoneOf(d), text: '2' });
      assert.equal(two.message.action, 'accepted');
      assert.equal((await fills.require(c.id)).winnerCaregiverId, d);
      now = await fills.require(b.id);
      assert.equal(now.state, 'open', 'the other shift is still open');
      const si = await s.app.messaging.receive({ from: s.phoneOf(e), text: 'Sí' });
      assert.equal(si.message.action, 'accepted');
      assert.equal((await fills.require(b.id)).winnerCaregiverId, e);
    });

    test('50 caregivers answer YES at the same moment: exactly one is assigned in WellSky', async () => {
      const fills = s.app.fills.service;
      const { campaign } = await fills.start({ shiftId: s.soon.id, date: s.soon.date });
      assert.equal(campaign.state, 'escalated', 'starts in 90 min: a person is told at once');
      const sent = campaign.offers.filter((o) => o.state === 'sent').map((o) => o.caregiverId);
      assert.ok(sent.length >= 50, `everyone eligible asked at once (${sent.length})`);
      const puts = s.puts();
      const answers = await Promise.all(
        sent.slice(0, 50).map((id) => s.app.messaging.receive({ from: s.phoneOf(id), text: 'YES' })),
      );
      const actions = answers.map((a) => a.message.action);
      assert.equal(actions.filter((a) => a === 'accepted').length, 1, actions.join(','));
      assert.equal(actions.filter((a) => a === 'late-yes').length, 49, actions.join(','));
      assert.equal(s.puts() - puts, 1, 'one assignment written to WellSky');
      const done = await fills.require(campaign.id);
      assert.equal(done.state, 'filled');
      assert.equal(await s.caregiverOn(s.soon.id, s.soon.date), done.winnerCaregiverId);
      assert.equal(done.offers.filter((o) => o.state === 'accepted').length, 1);
      assert.equal(done.counts.saidYes, 50);
    });

    test('WellSky refuses the assignment: accepted-unassigned, and an office task says exactly what to do', async () => {
      const control = s.app.simulator!.control;
      control.setPermissions({ appointmentsWrite: false });
      try {
        const fills = s.app.fills.service;
        const shift = s.open[3]!;
        const { campaign } = await fills.start({ shiftId: shift.id, date: shift.date });
        const winner = campaign.offers.find((o) => o.state === 'sent')!.caregiverId;
        const yes = await s.app.messaging.receive({ from: s.phoneOf(winner), text: 'ok' });
        assert.equal(yes.message.action, 'accepted');
        const done = await fills.require(campaign.id);
        assert.equal(done.state, 'accepted-unassigned', done.stateReason ?? '');
        assert.match(done.stateReason!, /refused/);
        assert.equal(
          await s.caregiverOn(shift.id, shift.date),
          null,
          'never "filled" unless WellSky says so',
        );
        const task = await s.app.docs.service.get(done.officeItemId!);
        assert.ok(task, 'an office task');
        assert.match(task.title ?? '', new RegExp(`Assign caregiver ${winner} to shift ${shift.id}`));
        assert.match(task.text ?? '', /To do: in WellSky, open shift/);
        const told = (await s.outbound(s.phoneOf(winner))).find(
          (m) => m.purpose === 'fill-confirmation' && m.refs.campaignId === campaign.id,
        );
        assert.match(told!.body, /office will put it in your schedule/);
      } finally {
        control.setPermissions({ appointmentsWrite: true });
      }
    });

    test('the winner backs out: unassigned in WellSky, the campaign resumes without them', async () => {
      const fills = s.app.fills.service;
      const shift = s.open[4]!;
      const campaign = await startWithoutWinners(shift);
      const [w, x] = campaign.offers.filter((o) => o.state === 'sent').map((o) => o.caregiverId) as [
        string,
        string,
      ];
      assert.ok(w && x, `two caregivers texted: ${JSON.stringify(campaign.offers)}`);
      const wYes = await s.app.messaging.receive({ from: s.phoneOf(w), text: 'yes' });
      assert.equal(wYes.message.action, 'accepted');
      assert.equal((await fills.require(campaign.id)).state, 'filled');
      assert.equal(await s.caregiverOn(shift.id, shift.date), w);
      const out = await s.app.messaging.receive({
        from: s.phoneOf(w),
        text: "sorry I can't make it anymore",
      });
      assert.equal(out.message.action, 'backed-out');
      const reopened = await fills.require(campaign.id);
      assert.equal(reopened.state, 'open');
      assert.equal(await s.caregiverOn(shift.id, shift.date), null, 'opened again in WellSky');
      assert.ok(reopened.excludedCaregiverIds.includes(w));
      assert.equal(reopened.offers.find((o) => o.caregiverId === w)!.state, 'declined');
      assert.ok(reopened.offers.length > campaign.offers.length, 'a new wave went out');
      const fresh = reopened.offers.find((o) => o.state === 'sent' && o.caregiverId !== x)!.caregiverId;
      await s.app.messaging.receive({ from: s.phoneOf(fresh), text: 'I can take it' });
      const refilled = await fills.require(campaign.id);
      assert.equal(refilled.state, 'filled');
      assert.equal(await s.caregiverOn(shift.id, shift.date), fresh);
    });

    test('cancelling a campaign withdraws its offers and tells whoever was texted', async () => {
      const fills = s.app.fills.service;
      const shift = s.open[5]!;
      const { campaign } = await fills.start({ shiftId: shift.id, date: shift.date });
      const cancelled = await fills.cancel(campaign.id, 'Test');
      assert.equal(cancelled.state, 'cancelled');
      assert.ok(cancelled.offers.every((o) => o.state === 'withdrawn' || o.state === 'not-sent'));
      const texted = campaign.offers.find((o) => o.state === 'sent')!.caregiverId;
      const told = (await s.outbound(s.phoneOf(texted))).filter(
        (m) => m.purpose === 'fill-withdrawn' && m.refs.campaignId === campaign.id,
      );
      assert.equal(told.length, 1);
      assert.match(told[0]!.body, /no longer open/);
      const late = await s.app.messaging.receive({
        from: s.phoneOf(campaign.offers[0]!.caregiverId),
        text: 'yes',
      });
      assert.notEqual(late.message.action, 'accepted');
    });

    test('nobody answers: escalated at the deadline (office task, staff webhook), expired at the start', async () => {
      const notices: unknown[] = [];
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          notices.push(JSON.parse(body));
          res.end('ok');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      s.app.env.SKYBRIDGE_STAFF_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/staff`;
      try {
        const fills = s.app.fills.service;
        const shift = s.open[6]!; // 2026-02-14 10:00 local
        const { campaign } = await fills.start({ shiftId: shift.id, date: shift.date });
        assert.equal(campaign.escalateAt, '2026-02-14T15:00:00.000Z', '2 h before the start');
        s.clock.set('2026-02-12T17:45:00Z');
        await s.app.fills.engine.advance();
        s.clock.set('2026-02-12T18:30:00Z');
        await s.app.fills.engine.advance();
        s.clock.set('2026-02-14T14:59:00Z');
        await s.app.fills.engine.advance();
        const before = await fills.require(campaign.id);
        assert.equal(before.state, 'open');
        assert.equal(before.wavesSent, 3);
        s.clock.set('2026-02-14T15:00:00Z');
        await s.app.fills.engine.advance();
        const escalated = await fills.require(campaign.id);
        assert.equal(escalated.state, 'escalated', escalated.stateReason ?? '');
        assert.match(escalated.stateReason!, /nobody has taken the shift 120 min before it starts/);
        const task = await s.app.docs.service.get(escalated.officeItemId!);
        assert.equal(task?.priority, 'urgent');
        const notice = notices.find(
          (n) => (n as { campaignId: string }).campaignId === campaign.id,
        ) as Record<string, unknown>;
        assert.equal(notice.event, 'fill-escalated');
        assert.equal(notice.minutesToStart, 120);
        assert.doesNotMatch(JSON.stringify(notice), /Rosalind|303555/);
        s.clock.set('2026-02-14T17:00:00Z');
        await s.app.fills.engine.advance();
        const expired = await fills.require(campaign.id);
        assert.equal(expired.state, 'expired');
        assert.ok(expired.offers.every((o) => ['expired', 'not-sent'].includes(o.state)));
      } finally {
        server.close();
      }
    });

    test('after the one clarification, an unclear answer goes to a person: recorded, not asked again, an office task with the words', async () => {
      const fills = s.app.fills.service;
      const shift = s.open[7]!;
      const { campaign } = await fills.start({ shiftId: shift.id, date: shift.date });
      let vague = '';
      for (const o of campaign.offers)
        if (
          !vague &&
          o.state === 'sent' &&
          (await s.app.fills.engine.repo.pendingFor(o.caregiverId)).length === 1
        )
          vague = o.caregiverId;
      assert.ok(vague, 'a caregiver with only this offer waiting');
      const phone = s.phoneOf(vague);
      const say = (text: string) => s.app.messaging.receive({ from: phone, text });
      const bodyOf = async (id: string | null) =>
        id ? ((await s.app.messaging.get(id)) as { body: string }).body : null;
      const tasks = () =>
        s.app.store.db
          .selectFrom('documentation_items')
          .selectAll()
          .where('kind', '=', 'office-task')
          .where('caregiver_id', '=', vague)
          .where('appointment_id', '=', shift.id)
          .orderBy('created_at')
          .execute();

      const first = await say('what time again?');
      assert.equal(first.message.action, 'clarify');
      assert.equal((await tasks()).length, 0, 'the first unclear answer is the engine’s to clarify');

      const second = await say('I can only do 3 hours');
      assert.equal(second.message.action, 'needs-person');
      assert.match(
        (await bodyOf(second.message.replyMessageId)) ?? '',
        /Someone from the office will get back/,
      );
      const [task] = await tasks();
      assert.ok(task, 'an office task: a person reads what the caregiver said');
      assert.equal(task.priority, 'high');
      assert.equal(task.client_id, s.clientId);
      assert.match(task.title ?? '', new RegExp(`caregiver ${vague}.*shift ${shift.id}`));
      assert.match(task.text, /"I can only do 3 hours"/);
      assert.match(task.text, new RegExp(campaign.id));
      assert.match(task.text, /To do: /);

      // Later unclear answers: each recorded and handed on, never a second clarification nor a repeated reply.
      const third = await say('from 10 to 1 ok?');
      assert.equal(third.message.action, 'needs-person');
      assert.equal(third.message.replyMessageId, null, 'no second canned answer');
      const all = await tasks();
      assert.equal(all.length, 2);
      assert.ok(
        all.some((t) => t.text.includes('"from 10 to 1 ok?"')),
        all.map((t) => t.text).join('\n'),
      );
      const clarifications = (await s.outbound(phone)).filter(
        (m) => m.purpose === 'reply' && /did not understand/.test(m.body),
      );
      assert.equal(clarifications.length, 1, 'asked once');
      const offer = (await fills.require(campaign.id)).offers.find((o) => o.caregiverId === vague)!;
      assert.equal(offer.state, 'sent', 'the offer still waits: a YES still takes it');
      const yes = await say('yes');
      assert.equal(yes.message.action, 'accepted');
      assert.equal((await fills.require(campaign.id)).winnerCaregiverId, vague);
    });

    test('after a back-out the campaign offers the shift again to those whose offers the fill withdrew, not to those who said NO nor the one who backed out', async () => {
      const fills = s.app.fills.service;
      const shift = s.open[8]!;
      const campaign = await startWithoutWinners(shift);
      const { sent, w } = await soleOfferHolders(campaign);
      const [no, late, ...rest] = sent.filter((id) => id !== w) as [string, string, ...string[]];
      assert.ok(rest.length >= 1);
      const texts = async (id: string, purpose: string) =>
        (await s.outbound(s.phoneOf(id))).filter(
          (m) => m.purpose === purpose && m.refs.campaignId === campaign.id,
        );

      assert.equal(
        (await s.app.messaging.receive({ from: s.phoneOf(no), text: 'no' })).message.action,
        'declined',
      );
      assert.equal(
        (await s.app.messaging.receive({ from: s.phoneOf(w), text: 'yes' })).message.action,
        'accepted',
      );
      assert.equal((await fills.require(campaign.id)).state, 'filled');
      const lateYes = await s.app.messaging.receive({ from: s.phoneOf(late), text: 'yes' });
      assert.equal(lateYes.message.action, 'late-yes');
      const out = await s.app.messaging.receive({ from: s.phoneOf(w), text: "can't do it after all, sorry" });
      assert.equal(out.message.action, 'backed-out');

      const reopened = await fills.require(campaign.id, { history: true });
      assert.equal(reopened.state, 'open');
      const stateOf = (id: string) => reopened.offers.find((o) => o.caregiverId === id)!.state;
      assert.equal(stateOf(w), 'declined', 'the one who backed out is not asked again');
      assert.equal(stateOf(no), 'declined', 'a NO stands');
      for (const id of [late, ...rest]) {
        assert.equal(
          stateOf(id),
          'sent',
          `caregiver ${id}, withdrawn when the shift was filled, is offered it again`,
        );
        const offers = await texts(id, 'fill-offer');
        assert.equal(offers.length, 2, `caregiver ${id} is texted the offer again`);
        // Same clock instant for both: found by their words, not their order.
        const again = offers.find((m) => /^Open again: Thu Feb 26, 10am-2pm in Aurora/.test(m.body));
        assert.ok(again, offers.map((m) => m.body).join(' | '));
        assert.ok(again.body.length <= 160 && /^[\x20-\x7E]*$/.test(again.body), again.body);
      }
      assert.equal((await texts(no, 'fill-offer')).length, 1, 'no second text to a NO');
      assert.equal((await texts(w, 'fill-offer')).length, 1);
      assert.ok(reopened.history!.some((h) => h.from === 'withdrawn' && h.to === 'queued'));

      // The shift goes to one of them; the others hear again that it has been filled.
      const taker = rest[0]!;
      const yes = await s.app.messaging.receive({ from: s.phoneOf(taker), text: 'yes' });
      assert.equal(yes.message.action, 'accepted');
      const refilled = await fills.require(campaign.id);
      assert.equal(refilled.state, 'filled');
      assert.equal(refilled.winnerCaregiverId, taker);
      assert.equal(await s.caregiverOn(shift.id, shift.date), taker);
      assert.equal((await texts(late, 'fill-withdrawn')).length, 2, 'told each time the shift was filled');
      assert.equal((await texts(no, 'fill-withdrawn')).length, 0);
    });

    test('killed after a back-out re-opened the withdrawn offers, before texting them: the next advance texts each once', async () => {
      const fills = s.app.fills.service;
      const shift = s.open[9]!;
      const campaign = await startWithoutWinners(shift);
      const { sent, w } = await soleOfferHolders(campaign);
      const others = sent.filter((id) => id !== w);
      assert.ok(others.length >= 1);
      const offersTo = async (id: string) =>
        (await s.outbound(s.phoneOf(id))).filter(
          (m) => m.purpose === 'fill-offer' && m.refs.campaignId === campaign.id,
        );
      assert.equal(
        (await s.app.messaging.receive({ from: s.phoneOf(w), text: 'yes' })).message.action,
        'accepted',
      );

      // The process dies right after the back-out's transaction (an engine whose pause hook throws there).
      const app = s.app.fills.engine;
      const dying = new FillEngine(app.ports, app.config, s.app.store.db, {
        pause: async (point) => {
          if (point === 'after-reoffer-recorded') throw new Error('killed after-reoffer-recorded');
        },
      });
      const filled = await dying.repo.campaign(campaign.id);
      await assert.rejects(dying.acceptance.backOut(filled!, w), /killed after-reoffer-recorded/);
      const reopened = await fills.require(campaign.id);
      assert.equal(reopened.state, 'open');
      for (const id of others) {
        assert.equal(reopened.offers.find((o) => o.caregiverId === id)!.state, 'queued');
        assert.equal((await offersTo(id)).length, 1, 'not texted again yet');
      }

      // A restart's tick, once the lease has run out: each is texted the offer again, once.
      s.clock.advance(2);
      await app.advance();
      await app.advance();
      const resumed = await fills.require(campaign.id);
      for (const id of others) {
        assert.equal(resumed.offers.find((o) => o.caregiverId === id)!.state, 'sent');
        const texts = await offersTo(id);
        assert.equal(texts.length, 2, `caregiver ${id}: the first offer and one "open again"`);
        assert.ok(texts.some((m) => m.body.startsWith('Open again:')));
      }
    });
  });
}
