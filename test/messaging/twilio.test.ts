import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { STATUS_CALLBACK_PATH } from '../../src/messaging/channels/twilio.ts';
import type { Messaging } from '../../src/messaging/messaging.ts';
import { registerTwilioWebhooks } from '../../src/service/twilio/webhooks.ts';
import {
  type RunningTwilioSimulator,
  startTwilioSimulator,
  twilioSignature,
} from '../../src/simulator/twilio/index.ts';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { clearMessages, messaging, TestClock } from './helpers.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const offer = (key: string, to = '303-555-0142') => ({
  key,
  to,
  body: 'Open shift Tue 9:00-13:00 in Lakewood. Reply YES to take it, NO to pass.',
  urgent: true,
  purpose: 'fill-offer',
});

for (const factory of engines) {
  describe(`twilio channel on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    let sim: RunningTwilioSimulator;
    let server: FastifyInstance;
    let m: Messaging;
    let publicUrl = '';
    const seen: string[] = [];

    before(async () => {
      engine = await factory.create();
      store = await engine.open();
      sim = await startTwilioSimulator();
      const port = await freePort();
      publicUrl = `http://127.0.0.1:${port}`;
      m = messaging(store, new TestClock(), {
        channel: 'twilio',
        twilio: {
          accountSid: sim.accountSid,
          authToken: sim.authToken,
          from: sim.number,
          messagingServiceSid: undefined,
          publicUrl,
          apiBaseUrl: sim.url,
        },
      });
      m.registerInboundHandler(async (t) => {
        seen.push(t.text);
        return { handled: true, action: 'accepted' };
      });
      server = Fastify();
      registerTwilioWebhooks(server, () => m);
      await server.listen({ port, host: '127.0.0.1' });
      sim.control.setInboundUrl(`${publicUrl}/webhooks/twilio/sms`);
    });
    after(async () => {
      await server?.close();
      await sim?.close();
      await store?.close();
      await engine?.dispose();
    });
    beforeEach(async () => {
      await clearMessages(store);
      seen.length = 0;
    });

    it('sends through the real SDK to the local Twilio endpoint, with a status callback URL', async () => {
      const r = await m.send(offer('tw-1'));
      assert.equal(r.state, 'sent');
      const stored = await m.repo.get(r.messageId);
      const sent = sim.control.messages().find((x) => x.sid === stored?.provider_message_id);
      assert.ok(sent, 'the simulator received the message the SDK created');
      assert.equal(sent.to, '+13035550142');
      assert.equal(sent.from, sim.number);
      assert.match(sent.body, /Reply YES/);
      assert.equal(sent.statusCallback, `${publicUrl}${STATUS_CALLBACK_PATH}`);
    });

    it('a status callback moves the message forward; an older one arriving late does not move it back', async () => {
      const r = await m.send(offer('tw-2'));
      const sid = (await m.repo.get(r.messageId))?.provider_message_id ?? '';
      assert.equal((await sim.control.sendStatus({ sid, status: 'delivered' })).status, 200);
      assert.equal((await m.get(r.messageId))?.state, 'delivered');
      assert.equal((await sim.control.sendStatus({ sid, status: 'sent' })).status, 200);
      assert.equal((await sim.control.sendStatus({ sid, status: 'failed', errorCode: '30003' })).status, 200);
      assert.equal((await m.get(r.messageId))?.state, 'delivered');
      const history = await m.repo.history(r.messageId);
      assert.deepEqual(
        history.map((h) => h.to_state),
        ['queued', 'sent', 'delivered'],
      );
    });

    it('undelivered becomes failed with the reason', async () => {
      const r = await m.send(offer('tw-3'));
      const sid = (await m.repo.get(r.messageId))?.provider_message_id ?? '';
      await sim.control.sendStatus({ sid, status: 'undelivered', errorCode: '30003' });
      const after = await m.repo.get(r.messageId);
      assert.equal(after?.state, 'failed');
      assert.match(after?.reason ?? '', /undelivered \(error 30003\)/);
    });

    it('Twilio 21610 (opted out) and 21211 (invalid number) fail in plain words', async () => {
      sim.control.setNumber('+17205550111', 'opted-out');
      sim.control.setNumber('+17205550122', 'invalid');
      const out = await m.send(offer('tw-21610', '720-555-0111'));
      assert.equal(out.state, 'failed');
      assert.match(out.reason ?? '', /opted out .*Twilio 21610/);
      assert.equal(await m.isOptedOut('7205550111'), true, 'recorded locally too');
      const bad = await m.send(offer('tw-21211', '720-555-0122'));
      assert.equal(bad.state, 'failed');
      assert.equal(bad.reason, 'not a valid phone number (Twilio 21211)');
    });

    it('a correctly signed inbound text is stored once and processed; TwiML answers', async () => {
      const first = await sim.control.sendInbound({ from: '+13035550142', body: 'YES', sid: 'SMin1' });
      assert.equal(first.status, 200);
      assert.match(first.body, /<Response\/>/);
      const again = await sim.control.sendInbound({ from: '+13035550142', body: 'YES', sid: 'SMin1' });
      assert.equal(again.status, 200);
      assert.deepEqual(seen, ['YES']);
      const rows = await store.db.selectFrom('inbound_messages').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.state, 'processed');
      assert.equal(rows[0]?.provider, 'twilio');
    });

    it('HELP that came through Twilio is left to Twilio to answer; STOP through Twilio opts out here too', async () => {
      await sim.control.sendInbound({ from: '+13035550142', body: 'HELP', sid: 'SMhelp' });
      await sim.control.sendInbound({ from: '+13035550142', body: 'STOP', sid: 'SMstop' });
      const rows = await store.db.selectFrom('inbound_messages').selectAll().orderBy('received_at').execute();
      assert.deepEqual(
        rows.map((r) => [r.action, r.reply_message_id]),
        [
          ['help', null],
          ['opted-out', null],
        ],
      );
      assert.equal(await m.isOptedOut('3035550142'), true);
      assert.equal((await m.send(offer('tw-after-stop'))).state, 'not-sent');
      assert.deepEqual(seen, []);
      sim.control.setNumber('+13035550142', 'ok'); // Twilio's block too, for the tests after this one
    });

    it('a wrong signature is refused with 403 and nothing is stored', async () => {
      const params = {
        MessageSid: 'SMforged',
        AccountSid: sim.accountSid,
        From: '+13035550142',
        To: sim.number,
        Body: 'YES',
      };
      const post = (signature: string) =>
        fetch(`${publicUrl}/webhooks/twilio/sms`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: new URLSearchParams(params).toString(),
        });
      assert.equal((await post('bm90IGEgc2lnbmF0dXJl')).status, 403);
      // Signed with the right token but for another host (what trusting a Host header would accept).
      const elsewhere = twilioSignature(
        sim.authToken,
        'https://attacker.example/webhooks/twilio/sms',
        params,
      );
      assert.equal((await post(elsewhere)).status, 403);
      const wrongToken = twilioSignature('0'.repeat(32), `${publicUrl}/webhooks/twilio/sms`, params);
      assert.equal((await post(wrongToken)).status, 403);
      const status = await fetch(`${publicUrl}${STATUS_CALLBACK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'MessageSid=SMx&MessageStatus=delivered',
      });
      assert.equal(status.status, 403);
      assert.equal((await store.db.selectFrom('inbound_messages').selectAll().execute()).length, 0);
      assert.deepEqual(seen, []);
    });

    it('an attempt a crash interrupted is not resent blindly: failed, outcome unknown', async () => {
      const now = new Date();
      const { message } = await m.repo.insertOutbound(
        {
          key: 'tw-crash',
          toPhone: '3035550142',
          body: 'x',
          purpose: 'reply',
          refs: {},
          urgent: true,
          channel: 'twilio',
          state: 'queued',
          reason: null,
          notBefore: new Date(0),
        },
        now,
      );
      await m.repo.claimDue('dead', { limit: 1, leaseMs: 1, now: new Date(0), ids: [message.id] });
      await m.repo.beginAttempt(message.id, 'dead', new Date(0));
      const before = sim.control.messages().length;
      await m.tick();
      const after = await m.repo.get(message.id);
      assert.equal(after?.state, 'failed');
      assert.match(after?.reason ?? '', /outcome unknown/);
      assert.equal(sim.control.messages().length, before, 'nothing sent again');
    });
  });
}
