import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { serviceLogger } from '../../src/service/logger.ts';
import { createMcpServer } from '../../src/service/mcp/server.ts';
import { engines } from '../helpers/stores.ts';
import { samples, serviceFixture } from '../service/fixture.ts';
import { call, newClient } from '../service/mcp-helpers.ts';

for (const factory of engines) {
  describe(`messages over HTTP and MCP (${factory.name})`, async () => {
    const lines: string[] = [];
    const logger = serviceLogger({
      level: 'debug',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const f = await serviceFixture(factory, { logger });
    const { phone } = samples(f.app);
    const phoneKey = (await f.keys.create('phone-system', 'messages.write')).token;
    const asPhone = { authorization: `Bearer ${phoneKey}` };

    test('the demo texts through the simulated channel', () => {
      assert.equal(f.app.messaging.channel, 'simulated');
      assert.equal(f.app.messaging.canContact, true);
    });

    test('a messages.write key passes a reply in; the same id again does nothing; it may read nothing', async () => {
      const body = { from: phone, text: 'Running late, sorry', id: 'ring-1' };
      const first = await f.server.inject({
        method: 'POST',
        url: '/api/v1/messages/inbound',
        headers: asPhone,
        payload: body,
      });
      assert.equal(first.statusCode, 201, first.body);
      const answer = first.json();
      assert.equal(answer.duplicate, false);
      assert.equal(answer.message.state, 'unmatched');
      assert.equal(answer.reply.state, 'delivered');
      const again = await f.server.inject({
        method: 'POST',
        url: '/api/v1/messages/inbound',
        headers: asPhone,
        payload: body,
      });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().message.id, answer.message.id);
      const read = await f.server.inject({ method: 'GET', url: '/api/v1/messages', headers: asPhone });
      assert.equal(read.statusCode, 403);
      const byReader = await f.server.inject({
        method: 'POST',
        url: '/api/v1/messages/inbound',
        headers: f.auth('read'),
        payload: body,
      });
      assert.equal(byReader.statusCode, 403);
    });

    test('GET /api/v1/messages filters by direction, phone and since; bad filters are named', async () => {
      const list = await f.server.inject({
        method: 'GET',
        url: `/api/v1/messages?phone=${encodeURIComponent(`+1 ${phone}`)}`,
        headers: f.auth('read'),
      });
      assert.equal(list.statusCode, 200);
      const messages = list.json().messages as { direction: string; phone: string }[];
      assert.ok(messages.length >= 2);
      assert.ok(messages.every((m) => m.phone === phone));
      const inbound = await f.server.inject({
        method: 'GET',
        url: '/api/v1/messages?direction=inbound',
        headers: f.auth('read'),
      });
      assert.ok((inbound.json().messages as { direction: string }[]).every((m) => m.direction === 'inbound'));
      const future = await f.server.inject({
        method: 'GET',
        url: '/api/v1/messages?since=2999-01-01T00:00:00Z',
        headers: f.auth('read'),
      });
      assert.deepEqual(future.json().messages, []);
      const bad = await f.server.inject({
        method: 'GET',
        url: '/api/v1/messages?phone=12',
        headers: f.auth('read'),
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.field, 'phone');
    });

    test('MCP record_text_reply stores and acts on the text (STOP opts the phone out); read scope refuses', async () => {
      const connect = async (scope: 'read' | 'write') => {
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await createMcpServer(f.app, { scope }).connect(serverSide);
        const client = newClient();
        await client.connect(clientSide);
        after(() => client.close());
        return client;
      };
      const writer = await connect('write');
      const stop = await call(writer, 'record_text_reply', { from: phone, text: 'STOP', messageId: 'mcp-1' });
      assert.equal(stop.data.action, 'opted-out', stop.text);
      assert.equal(await f.app.messaging.isOptedOut(phone), true);
      const start = await call(writer, 'record_text_reply', {
        from: phone,
        text: 'START',
        messageId: 'mcp-2',
      });
      assert.equal(start.data.action, 'opted-in');
      const reader = await connect('read');
      const refused = await call(reader, 'record_text_reply', { from: phone, text: 'YES' });
      assert.equal(refused.result.isError, true);
    });

    test('no phone number and no message text reaches the log', async () => {
      await f.server.inject({
        method: 'POST',
        url: '/api/v1/messages/inbound',
        headers: asPhone,
        payload: { from: phone, text: 'my daughter is sick', id: 'ring-log' },
      });
      await f.server.inject({
        method: 'GET',
        url: `/api/v1/messages?phone=${phone}`,
        headers: f.auth('read'),
      });
      logger.info(
        { message: { to: phone, body: 'my daughter is sick', from_phone: phone } },
        'a careless line',
      );
      logger.info({ to: phone, from: phone, body: 'my daughter is sick', Body: 'x', From: phone }, 'another');
      logger.flush?.();
      const log = lines.join('');
      assert.ok(lines.length > 2, 'requests were logged');
      assert.ok(!log.includes(phone), 'no phone in the log');
      assert.ok(!log.includes('daughter'), 'no text in the log');
    });
  });
}
