import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { InboundText } from '../../src/messaging/types.ts';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { clearMessages, messaging, TestClock } from './helpers.ts';

for (const factory of engines) {
  describe(`inbox on ${factory.name}`, () => {
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

    it('the first handler that takes a text wins; its reply goes out through the outbox', async () => {
      const m = messaging(store, new TestClock());
      const calls: string[] = [];
      m.registerInboundHandler(async () => {
        calls.push('first');
        return { handled: false };
      });
      m.registerInboundHandler(async (t) => {
        calls.push(`second:${t.from}:${t.text}`);
        return { handled: true, action: 'accepted', reply: 'You have the shift. Thank you!' };
      });
      m.registerInboundHandler(async () => {
        calls.push('third');
        return { handled: true };
      });
      const r = await m.receive({ from: '+13035550142', text: 'Yes', providerMessageId: 'SMabc' });
      assert.deepEqual(calls, ['first', 'second:3035550142:Yes']);
      assert.equal(r.message.state, 'processed');
      assert.equal(r.message.action, 'accepted');
      assert.ok(r.message.replyMessageId);
      const reply = await m.get(r.message.replyMessageId);
      assert.equal(reply?.direction, 'outbound');
      assert.equal(reply?.state, 'delivered');
      assert.equal(reply?.body, 'You have the shift. Thank you!');
      const stored = await m.repo.get(r.message.replyMessageId);
      assert.equal(stored?.key, `reply:${r.message.id}`);
    });

    it('a text stored twice under one provider id is acted on once', async () => {
      const m = messaging(store, new TestClock());
      let calls = 0;
      m.registerInboundHandler(async () => {
        calls += 1;
        return { handled: true, action: 'declined' };
      });
      const first = await m.receive({ from: '3035550142', text: 'no', providerMessageId: 'SMdup' });
      const second = await m.receive({ from: '3035550142', text: 'no', providerMessageId: 'SMdup' });
      assert.equal(first.duplicate, false);
      assert.equal(second.duplicate, true);
      assert.equal(second.message.id, first.message.id);
      assert.equal(calls, 1);
      const rows = await store.db.selectFrom('inbound_messages').selectAll().execute();
      assert.equal(rows.length, 1);
    });

    it('a text no handler takes stays visible as unmatched and gets a polite reply', async () => {
      const m = messaging(store, new TestClock());
      m.registerInboundHandler(async () => ({ handled: false }));
      const r = await m.receive({ from: '7205550199', text: 'who is this?' });
      assert.equal(r.message.state, 'unmatched');
      const reply = await m.get(r.message.replyMessageId ?? '');
      assert.match(reply?.body ?? '', /could not match this to anything waiting for your answer/);
      const listed = await m.list({ direction: 'inbound' });
      assert.equal(listed[0]?.state, 'unmatched');
    });

    it('HELP is answered by messaging and never passed on', async () => {
      const m = messaging(store, new TestClock());
      let calls = 0;
      m.registerInboundHandler(async () => {
        calls += 1;
        return { handled: true };
      });
      const r = await m.receive({ from: '7205550199', text: 'help' });
      assert.equal(r.message.action, 'help');
      assert.match((await m.get(r.message.replyMessageId ?? ''))?.body ?? '', /Reply STOP/);
      assert.equal(calls, 0);
    });

    it('a text left `received` by a crash is dispatched again when messaging starts', async () => {
      const clock = new TestClock();
      const crashed = messaging(store, clock);
      let reached: () => void = () => undefined;
      const inHandler = new Promise<void>((resolve) => {
        reached = resolve;
      });
      // The first process stores the text, enters the handler and never comes back (it was killed).
      crashed.registerInboundHandler(() => {
        reached();
        return new Promise(() => undefined);
      });
      void crashed.receive({ from: '3035550142', text: 'YES', providerMessageId: 'SMcrash' });
      await inHandler;
      const stranded = await store.db.selectFrom('inbound_messages').selectAll().executeTakeFirstOrThrow();
      assert.equal(stranded.state, 'received');

      const restarted = messaging(store, clock);
      const seen: InboundText[] = [];
      restarted.registerInboundHandler(async (t) => {
        seen.push(t);
        return { handled: true, action: 'accepted' };
      });
      await restarted.start();
      assert.equal(seen.length, 0, 'the dead process still holds its lease');
      clock.advance(61_000);
      await restarted.tick();
      await restarted.stop();
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.messageId, stranded.id);
      assert.equal(seen[0]?.text, 'YES');
      const done = await restarted.get(stranded.id);
      assert.equal(done?.state, 'processed');
      assert.equal(done?.direction === 'inbound' ? done.action : null, 'accepted');
    });

    it('a handler that throws leaves the text received; a pass after its lease processes it', async () => {
      const clock = new TestClock();
      const m = messaging(store, clock);
      let fail = true;
      m.registerInboundHandler(async () => {
        if (fail) throw new Error('database busy');
        return { handled: true, action: 'declined' };
      });
      const r = await m.receive({ from: '3035550142', text: 'no' });
      assert.equal(r.message.state, 'received');
      fail = false;
      await m.tick();
      assert.equal((await m.get(r.message.id))?.state, 'received', 'not retried before its lease ran out');
      clock.advance(61_000);
      await m.tick();
      assert.equal((await m.get(r.message.id))?.state, 'processed');
    });
  });
}
