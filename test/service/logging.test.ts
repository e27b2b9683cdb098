import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { logFormat, serializers, serviceLogger } from '../../src/service/logger.ts';
import { pgliteEngine } from '../helpers/stores.ts';
import { samples, serviceFixture, WEBHOOK_SECRET } from './fixture.ts';

// Logging does not depend on the store engine; one engine keeps this file quick.
describe('service logs carry no PHI, key, token or secret', async () => {
  const lines: string[] = [];
  const logger = serviceLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
  });
  const f = await serviceFixture(pgliteEngine, { logger });
  const { client, phone } = samples(f.app);

  test('requests with a phone, a note, an API key and a WellSky token leave none of them in the log', async () => {
    const sim = f.app.simulator!;
    const minted = await fetch(`${sim.url}/oauth/accesstoken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
      }),
    });
    const wellskyToken = ((await minted.json()) as { access_token: string }).access_token;
    assert.ok(wellskyToken && wellskyToken.length > 10);
    const noteText = 'Mrs client said her daughter calls on 720-555-0199 about the fall';
    const secrets = [
      phone,
      '720-555-0199',
      'daughter calls',
      f.tokens.write,
      f.tokens.read,
      wellskyToken,
      WEBHOOK_SECRET,
    ];

    const answers = [
      await f.server.inject({
        method: 'GET',
        url: `/api/v1/identify?phone=${phone}`,
        headers: f.auth('read'),
      }),
      await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: f.auth('write'),
        payload: { kind: 'client-note', clientId: client.id, text: noteText },
      }),
      // A note with a bad field: the error path logs too.
      await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: f.auth('write'),
        payload: { kind: 'client-note', clientId: client.id, text: noteText, at: 'yesterday-ish' },
      }),
      await f.server.inject({
        method: 'GET',
        url: `/api/v1/identify?phone=${phone}`,
        headers: { authorization: `Bearer ${wellskyToken}` },
      }),
      await f.server.inject({
        method: 'POST',
        url: '/webhooks/wellsky',
        headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
        payload: { resourceType: 'Patient', id: Number(client.id) },
      }),
    ];
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 201, 422, 401, 200],
    );
    await f.server.skybridge.webhook!.idle();
    const log = lines.join('');
    assert.ok(lines.length >= answers.length, 'requests were logged');
    assert.match(log, /\/api\/v1\/identify/, 'the log names the route');
    for (const secret of secrets)
      assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 12)}…`);
    assert.ok(!/[?&]phone=/.test(log), 'no query strings in the log');
  });

  test('each answered request is one line: method, path, route template, status and time', async () => {
    const before = lines.length;
    const answer = await f.server.inject({
      method: 'GET',
      url: `/api/v1/identify?phone=${phone}`,
      headers: f.auth('read'),
    });
    assert.equal(answer.statusCode, 200);
    const written = lines.slice(before).map((line) => JSON.parse(line));
    assert.equal(written.length, 1, 'one line, not an "incoming" and a "completed" one');
    const [line] = written;
    assert.equal(line.msg, 'request completed');
    assert.deepEqual(line.req, { method: 'GET', url: '/api/v1/identify', route: '/api/v1/identify' });
    assert.deepEqual(line.res, { statusCode: 200 });
    assert.equal(typeof line.responseTime, 'number');
  });

  test('a phone number typed into a path, matched route or not, is not in the log', async () => {
    const before = lines.length;
    const paths = [
      '/api/v1/documentation/7195553052',
      '/api/v1/people/(719)%20555-3052',
      '/api/v1/people/719.555.3052/shifts',
    ];
    for (const url of paths) {
      const answer = await f.server.inject({ method: 'GET', url, headers: f.auth('read') });
      assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, `${url}: ${answer.statusCode}`);
    }
    const written = lines.slice(before).join('');
    assert.equal(lines.length - before, paths.length, 'each request still logged');
    assert.ok(!/555.{0,3}3052/.test(written), `a phone number in the log: ${written}`);
    assert.match(written, /\/api\/v1\/documentation\/\[phone\]/, 'the path is kept, the number replaced');
    // A malformed escape elsewhere in the path must not keep the number encoded (fastify refuses such a
    // URL before routing today; the serializer does not count on it).
    for (const url of ['/api/v1/people/(719)%20555-3052/%', '/api/v1/people/719%2E555%2E3052/x%zz']) {
      const line = JSON.stringify(serializers.req({ method: 'GET', url } as FastifyRequest));
      assert.ok(!/555.{0,3}3052/.test(line), line);
    }
  });

  test('a terminal gets readable lines, a file or pipe JSON; LOG_FORMAT overrides; both redact', () => {
    assert.equal(logFormat({}, true), 'pretty');
    assert.equal(logFormat({}, false), 'json');
    assert.equal(logFormat({ LOG_FORMAT: 'json' }, true), 'json');
    assert.equal(logFormat({ LOG_FORMAT: 'pretty' }, false), 'pretty');
    const out: string[] = [];
    const readable = serviceLogger({
      format: 'pretty',
      destination: new Writable({
        write(chunk, _encoding, done) {
          out.push(String(chunk));
          done();
        },
      }),
    });
    readable.info({ phone: '303-555-0100', route: '/api/v1/identify' }, 'request completed');
    const line = out.join('');
    assert.match(line, /INFO.*request completed/);
    assert.doesNotMatch(line, /^\{/, 'not JSON');
    assert.ok(!line.includes('303-555-0100'), 'redacted in the readable format too');
  });
});
