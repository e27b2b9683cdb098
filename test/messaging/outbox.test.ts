import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { clearMessages, MORNING, messaging, TestClock } from './helpers.ts';

const offer = (key: string, overrides: Record<string, unknown> = {}) => ({
  key,
  to: '(303) 555-0142',
  body: 'Open shift Tue 9:00–13:00 in Lakewood. Reply YES to take it, NO to pass.',
  urgent: false,
  purpose: 'fill-offer',
  refs: { caregiverId: '17', campaignId: 'fc_1' },
  ...overrides,
});

for (const factory of engines) {
  describe(`outbox on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    before(async () => {
      engine = await factory.create();
      store = await engine.open();
    });
    after(async () => {
      await store?.close();
      await engine?.dispose();
    });
    beforeEach(() => clearMessages(store));

    it('sends a logical message once: the same key again returns the first message, repeated', async () => {
      const m = messaging(store, new TestClock());
      const first = await m.send(offer('fill:fc_1:offer:17'));
      assert.deepEqual(
        { state: first.state, repeated: first.repeated, reason: first.reason },
        {
          state: 'delivered',
          repeated: false,
          reason: null,
        },
      );
      const again = await m.send(offer('fill:fc_1:offer:17', { body: 'something else' }));
      assert.equal(again.messageId, first.messageId);
      assert.equal(again.repeated, true);
      const rows = await store.db.selectFrom('outbound_messages').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.to_phone, '3035550142');
      assert.equal(rows[0]?.attempts, 1);
      const history = await m.repo.history(first.messageId);
      assert.deepEqual(
        history.map((h) => [h.from_state, h.to_state]),
        [
          [null, 'queued'],
          ['queued', 'sent'],
          ['sent', 'delivered'],
        ],
      );
    });

    it('defers a non-urgent message in quiet hours and sends it when they end; urgent goes at once', async () => {
      const clock = new TestClock(new Date('2026-03-03T05:30:00Z')); // 22:30 in Denver
      const m = messaging(store, clock);
      const deferred = await m.send(offer('night-offer'));
      assert.equal(deferred.state, 'queued');
      assert.match(deferred.reason ?? '', /quiet hours: held until 07:00/);
      const urgent = await m.send(offer('night-urgent', { urgent: true, purpose: 'fill-confirmation' }));
      assert.equal(urgent.state, 'delivered');

      clock.set(new Date('2026-03-03T13:59:00Z')); // 06:59
      await m.tick();
      assert.equal((await m.get(deferred.messageId))?.state, 'queued');
      clock.set(new Date('2026-03-03T14:00:00Z')); // 07:00
      await m.tick();
      assert.equal((await m.get(deferred.messageId))?.state, 'delivered');
    });

    it('two senders working the same outbox send each of 40 messages exactly once', async () => {
      const clock = new TestClock(new Date('2026-03-03T05:30:00Z')); // 22:30: everything waits
      const a = messaging(store, clock);
      const b = messaging(store, clock);
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await a.send(offer(`both-${i}`, { to: `720555${String(1000 + i)}` }));
        assert.equal(r.state, 'queued');
        ids.push(r.messageId);
      }
      clock.set(new Date('2026-03-03T14:00:00Z'));
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      const rows = await store.db.selectFrom('outbound_messages').select(['state', 'attempts']).execute();
      assert.equal(rows.length, 40);
      assert.ok(rows.every((r) => r.state === 'delivered' && r.attempts === 1));
      const sent = await store.db
        .selectFrom('message_transitions')
        .select(['message_id'])
        .where('to_state', '=', 'sent')
        .execute();
      assert.equal(sent.length, 40);
      assert.equal(new Set(sent.map((s) => s.message_id)).size, 40);
    });

    it('quiet hours "off" sends at night', async () => {
      const clock = new TestClock(new Date('2026-03-03T05:30:00Z'));
      const m = messaging(store, clock, { quietHours: null });
      assert.equal((await m.send(offer('night-off'))).state, 'delivered');
    });

    it('STOP opts the phone out (no handler sees it); START opts it back in', async () => {
      const clock = new TestClock();
      const m = messaging(store, clock);
      const seen: string[] = [];
      m.registerInboundHandler(async (t) => {
        seen.push(t.text);
        return { handled: true, action: 'accepted' };
      });
      const stop = await m.receive({ from: '+1 303 555 0142', text: ' stop ' });
      assert.equal(stop.message.action, 'opted-out');
      assert.equal(await m.isOptedOut('303-555-0142'), true);
      const refused = await m.send(offer('after-stop'));
      assert.equal(refused.state, 'not-sent');
      assert.match(refused.reason ?? '', /opted out/);
      // Even urgent texts honour an opt-out.
      assert.equal((await m.send(offer('after-stop-urgent', { urgent: true }))).state, 'not-sent');

      await m.receive({ from: '3035550142', text: 'START' });
      assert.equal(await m.isOptedOut('3035550142'), false);
      assert.equal((await m.send(offer('after-start'))).state, 'delivered');
      await m.receive({ from: '3035550142', text: 'ALTO' });
      assert.equal(await m.isOptedOut('3035550142'), true);
      assert.deepEqual(seen, [], 'keywords never reach a handler');
    });

    it('a message queued before STOP is not sent after it', async () => {
      const clock = new TestClock(new Date('2026-03-03T05:30:00Z'));
      const m = messaging(store, clock);
      const deferred = await m.send(offer('deferred-then-stop'));
      await m.receive({ from: '3035550142', text: 'UNSUBSCRIBE' });
      clock.set(new Date('2026-03-03T14:00:00Z'));
      await m.tick();
      const after = await m.get(deferred.messageId);
      assert.equal(after?.state, 'not-sent');
    });

    it('with no channel nothing pretends to be sent: not-sent with the reason, canContact false', async () => {
      const m = messaging(store, new TestClock(), {
        channel: 'none',
        noChannelReason: 'no messaging channel is configured (set SKYBRIDGE_MESSAGING to twilio or webhook)',
      });
      assert.equal(m.canContact, false);
      assert.equal(m.channel, 'none');
      const r = await m.send(offer('no-channel', { urgent: true }));
      assert.equal(r.state, 'not-sent');
      assert.match(r.reason ?? '', /no messaging channel is configured/);
    });

    it('an invalid phone is not-sent, said plainly', async () => {
      const m = messaging(store, new TestClock());
      const r = await m.send(offer('bad-phone', { to: '555-01' }));
      assert.equal(r.state, 'not-sent');
      assert.equal(r.reason, 'not a valid US phone number');
    });

    it('lists both directions newest first, filtered by phone and direction', async () => {
      const clock = new TestClock(MORNING);
      const m = messaging(store, clock);
      await m.send(offer('list-1'));
      clock.advance(1000);
      await m.send(offer('list-2', { to: '7205550199' }));
      clock.advance(1000);
      await m.receive({ from: '3035550142', text: 'yes' });
      const all = await m.list();
      assert.equal(all.length, 4, 'two offers, one inbound, one polite reply');
      const mine = await m.list({ phone: '(303) 555-0142' });
      assert.ok(mine.every((x) => x.phone === '3035550142'));
      const inbound = await m.list({ direction: 'inbound' });
      assert.deepEqual(
        inbound.map((x) => x.direction),
        ['inbound'],
      );
      const since = await m.list({ since: new Date(MORNING.getTime() + 1500) });
      assert.ok(since.every((x) => x.at >= new Date(MORNING.getTime() + 1500).toISOString()));
    });
  });
}
