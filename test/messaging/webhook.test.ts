import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { clearMessages, messaging, TestClock } from './helpers.ts';

const SECRET = `whsec_${Buffer.from('skybridge-test-secret-0123456789').toString('base64')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The agency's phone system: answers each delivery with the next status of its script. */
function receiver() {
  const received: Received[] = [];
  let script: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = script.shift() ?? 200;
      res.end();
    });
  });
  return {
    received,
    server,
    answer(statuses: number[]) {
      script = [...statuses];
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
    },
  };
}

for (const factory of engines) {
  describe(`webhook channel on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    const phone = receiver();
    let url = '';
    before(async () => {
      engine = await factory.create();
      store = await engine.open();
      url = await phone.listen();
    });
    after(async () => {
      phone.server.close();
      await store?.close();
      await engine?.dispose();
    });
    beforeEach(async () => {
      await clearMessages(store);
      phone.received.length = 0;
    });

    // Webhook.verify checks the timestamp against the real clock, so this clock starts at the real time;
    // every step after that is moved by hand.
    const clock = () => new TestClock(new Date());
    const settings = (maxAttempts = 5) => ({
      channel: 'webhook' as const,
      quietHours: null,
      webhook: { url, secret: SECRET, maxAttempts, timeoutMs: 5_000 },
    });

    it('posts signed JSON, retries with backoff under the same webhook-id, then records sent', async () => {
      const c = clock();
      const m = messaging(store, c, settings());
      phone.answer([500, 503, 200]);
      const r = await m.send({
        key: 'fill:fc_9:offer:4',
        to: '303-555-0142',
        body: 'Open shift tomorrow 9–1. Reply YES or NO.',
        urgent: false,
        purpose: 'fill-offer',
        refs: { campaignId: 'fc_9' },
      });
      assert.equal(r.state, 'queued');
      assert.match(r.reason ?? '', /will try again .*HTTP 500/);
      await m.tick();
      assert.equal(phone.received.length, 1, 'not due yet: nothing sent again');
      c.advance(10_000);
      await m.tick();
      c.advance(40_000);
      await m.tick();
      assert.equal(phone.received.length, 3);
      assert.equal((await m.get(r.messageId))?.state, 'sent');

      const verifier = new Webhook(SECRET);
      for (const delivery of phone.received) {
        assert.equal(delivery.headers['webhook-id'], r.messageId);
        const payload = verifier.verify(delivery.body, delivery.headers as Record<string, string>) as {
          to: string;
          body: string;
          id: string;
        };
        assert.equal(payload.to, '+13035550142');
        assert.equal(payload.id, r.messageId);
      }
      assert.throws(() =>
        verifier.verify(
          phone.received[0]!.body.replace('YES', 'NO!'),
          phone.received[0]!.headers as Record<string, string>,
        ),
      );
    });

    it('gives up after the bounded number of attempts: failed, with the reason', async () => {
      const c = clock();
      const m = messaging(store, c, settings(2));
      phone.answer([500, 500, 500]);
      const r = await m.send({ key: 'k-fail', to: '3035550142', body: 'x', urgent: true, purpose: 'reply' });
      c.advance(10_000);
      await m.tick();
      const after = await m.get(r.messageId);
      assert.equal(after?.state, 'failed');
      assert.match(
        after?.direction === 'outbound' ? (after.reason ?? '') : '',
        /gave up after 2 attempt\(s\).*HTTP 500/,
      );
      assert.equal(phone.received.length, 2);
    });

    it('an attempt cut short by a crash is repeated with the same webhook-id (the receiver deduplicates)', async () => {
      const c = clock();
      const m = messaging(store, c, settings());
      phone.answer([200]);
      // The message was claimed and its attempt recorded by a process that then died.
      const { message } = await m.repo.insertOutbound(
        {
          key: 'k-crash',
          toPhone: '3035550142',
          body: 'x',
          purpose: 'reply',
          refs: {},
          urgent: true,
          channel: 'webhook',
          state: 'queued',
          reason: null,
          notBefore: c.now(),
        },
        c.now(),
      );
      await m.repo.claimDue('dead', { limit: 1, leaseMs: 60_000, now: c.now(), ids: [message.id] });
      await m.repo.beginAttempt(message.id, 'dead', c.now());
      c.advance(61_000);
      await m.tick();
      assert.equal((await m.get(message.id))?.state, 'sent');
      assert.equal(phone.received[0]?.headers['webhook-id'], message.id);
    });
  });
}
