import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { hashKey, KeyRepo } from '../../src/service/keys.ts';
import { buildServer } from '../../src/service/server.ts';
import { engines } from '../helpers/stores.ts';
import { samples, serviceFixture, WEBHOOK_SECRET } from './fixture.ts';

for (const engine of engines) {
  describe(`keys, scopes and the audit log (${engine.name})`, async () => {
    const f = await serviceFixture(engine);
    const { caregiver, client, phone } = samples(f.app);
    const get = (url: string, headers: Record<string, string> = {}) =>
      f.server.inject({ method: 'GET', url, headers });

    test('no key or a bad key → 401 with a message saying what to send; the header says simulated', async () => {
      const none = await get(`/api/v1/identify?phone=${phone}`);
      assert.equal(none.statusCode, 401);
      assert.match(none.json().error.message, /Authorization: Bearer/);
      assert.equal(none.headers['x-skybridge-wellsky'], 'simulated');
      const bad = await get(`/api/v1/identify?phone=${phone}`, {
        authorization: `Bearer sk_${'A'.repeat(43)}`,
      });
      assert.equal(bad.statusCode, 401);
      const notBearer = await get(`/api/v1/identify?phone=${phone}`, { authorization: f.tokens.admin });
      assert.equal(notBearer.statusCode, 401);
    });

    test('scopes: read < write < admin, and 403 names the scope needed', async () => {
      assert.equal((await get(`/api/v1/identify?phone=${phone}`, f.auth('read'))).statusCode, 200);
      const submit = (scope: 'read' | 'write') =>
        f.server.inject({
          method: 'POST',
          url: '/api/v1/documentation',
          headers: f.auth(scope),
          payload: { kind: 'office-task', title: 'Scope test' },
        });
      const denied = await submit('read');
      assert.equal(denied.statusCode, 403);
      assert.match(denied.json().error.message, /needs a key with the write scope/);
      assert.equal((await submit('write')).statusCode, 201);
      const audit = await get('/api/v1/audit', f.auth('write'));
      assert.equal(audit.statusCode, 403);
      assert.match(audit.json().error.message, /admin scope/);
      assert.equal((await get('/api/v1/audit', f.auth('admin'))).statusCode, 200);
    });

    test('only a hash of a key is stored, and a revoked key gets 401 at once', async () => {
      const { key, token } = await f.keys.create('temporary', 'read');
      const row = await f.app.store.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.key_hash, hashKey(token));
      assert.ok(!JSON.stringify(row).includes(token.slice(10)), 'the key itself is not stored');
      const headers = { authorization: `Bearer ${token}` };
      assert.equal((await get(`/api/v1/caregivers/${caregiver.id}/next-shift`, headers)).statusCode, 200);
      assert.equal((await f.keys.revoke('temporary'))?.id, key.id);
      assert.equal((await get(`/api/v1/caregivers/${caregiver.id}/next-shift`, headers)).statusCode, 401);
      await assert.rejects(() => f.keys.create('reader', 'read'), /exists already/);
    });

    test('reads of client and caregiver data are audited: key, route template, subject ids, no PHI', async () => {
      const reader = (await f.keys.list()).find((k) => k.name === 'reader')!;
      await f.app.store.db.deleteFrom('audit_log').execute();
      assert.equal((await get(`/api/v1/identify?phone=${phone}`, f.auth('read'))).statusCode, 200);
      assert.equal((await get(`/api/v1/clients/${client.id}/shifts`, f.auth('read'))).statusCode, 200);
      assert.equal(
        (await get(`/api/v1/people?name=${encodeURIComponent(caregiver.familyName)}`, f.auth('read')))
          .statusCode,
        200,
      );
      assert.equal((await get('/api/v1/capabilities', f.auth('read'))).statusCode, 200);
      const entries = (await get('/api/v1/audit?limit=10', f.auth('admin'))).json().entries as {
        keyId: string;
        route: string;
        subjectIds: string[];
      }[];
      const routes = entries.map((e) => e.route).reverse();
      assert.deepEqual(routes, ['/api/v1/identify', '/api/v1/clients/{id}/shifts', '/api/v1/people']);
      assert.ok(entries.every((e) => e.keyId === reader.id));
      const [people, shifts, identify] = entries;
      assert.ok(identify!.subjectIds.includes(caregiver.id), 'identify lists who was found');
      assert.ok(shifts!.subjectIds.includes(client.id));
      assert.ok(people!.subjectIds.includes(caregiver.id));
      const raw = JSON.stringify(await f.app.store.db.selectFrom('audit_log').selectAll().execute());
      assert.ok(
        !raw.includes(phone) && !raw.includes(caregiver.familyName),
        'no phone or name in the audit log',
      );
    });

    test('unknown ids → 404, bad input → 400 naming the field, intake refusals → 422', async () => {
      const missing = await get('/api/v1/caregivers/999999999/shifts', f.auth('read'));
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().error.field, 'id');
      assert.equal((await get('/api/v1/documentation/nope', f.auth('read'))).statusCode, 404);
      const badDay = await get(`/api/v1/clients/${client.id}/shifts?date=tomorrow`, f.auth('read'));
      assert.equal(badDay.statusCode, 400);
      assert.equal(badDay.json().error.field, 'date');
      const badPhone = await get('/api/v1/identify?phone=12', f.auth('read'));
      assert.equal(badPhone.statusCode, 400);
      assert.equal(badPhone.json().error.field, 'phone');
      const noClient = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: f.auth('write'),
        payload: { kind: 'client-note', text: 'no client given' },
      });
      assert.equal(noClient.statusCode, 422);
      assert.equal(noClient.json().error.field, 'clientId');
      const huge = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: f.auth('write'),
        payload: { kind: 'client-note', clientId: client.id, text: 'x'.repeat(400_000) },
      });
      assert.equal(huge.statusCode, 413);
      const notJson = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: { ...f.auth('write'), 'content-type': 'application/json' },
        payload: '{"kind":',
      });
      assert.equal(notJson.statusCode, 400);
      assert.match(notJson.json().error.message, /^the body is not valid JSON/);
    });

    test('webhook with a wrong secret → 401 and nothing refreshed; the right one → 200 and a refresh', async () => {
      const runs = () =>
        f.app.store.db.selectFrom('sync_runs').select('id').where('kind', '=', 'webhook').execute();
      const before = (await runs()).length;
      const body = { resourceType: 'Patient', id: Number(client.id) };
      const wrong = await f.server.inject({
        method: 'POST',
        url: '/webhooks/wellsky',
        headers: { authorization: 'Bearer not-the-secret-at-all' },
        payload: body,
      });
      assert.equal(wrong.statusCode, 401);
      await f.server.skybridge.webhook!.idle();
      assert.equal((await runs()).length, before, 'a wrong secret changed nothing');
      const right = await f.server.inject({
        method: 'POST',
        url: '/webhooks/wellsky',
        headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
        payload: body,
      });
      assert.equal(right.statusCode, 200);
      await f.server.skybridge.webhook!.idle();
      assert.equal((await runs()).length, before + 1);
    });

    test('keys over HTTP: an admin creates, lists and revokes; other scopes are refused', async () => {
      const post = (url: string, payload: object, scope: 'write' | 'admin' = 'admin') =>
        f.server.inject({ method: 'POST', url, headers: f.auth(scope), payload });
      assert.equal((await post('/api/v1/keys', { name: 'x', scope: 'read' }, 'write')).statusCode, 403);
      const created = await post('/api/v1/keys', { name: 'assistant', scope: 'write' });
      assert.equal(created.statusCode, 201, created.body);
      const { key, token } = created.json() as { key: { id: string; prefix: string }; token: string };
      assert.ok(token.startsWith(key.prefix));
      assert.equal(created.headers['cache-control'], 'no-store');
      const again = await post('/api/v1/keys', { name: 'assistant', scope: 'read' });
      assert.equal(again.statusCode, 409);
      assert.match(again.json().error.message, /exists already/);
      assert.equal((await post('/api/v1/keys', { name: 'x', scope: 'root' })).json().error.field, 'scope');

      const asNew = { authorization: `Bearer ${token}` };
      assert.equal((await get(`/api/v1/identify?phone=${phone}`, asNew)).statusCode, 200);
      const listed = (await get('/api/v1/keys', f.auth('admin'))).json().keys as {
        id: string;
        lastUsedAt: string | null;
      }[];
      const mine = listed.find((k) => k.id === key.id)!;
      assert.ok(mine.lastUsedAt, 'last use is recorded');
      assert.ok(!JSON.stringify(listed).includes(token), 'a listing never shows a key');

      assert.equal((await post(`/api/v1/keys/${key.id}/revoke`, {})).statusCode, 200);
      assert.equal((await get(`/api/v1/identify?phone=${phone}`, asNew)).statusCode, 401);
      assert.equal((await post(`/api/v1/keys/${key.id}/revoke`, {})).statusCode, 404);
      assert.equal((await post('/api/v1/keys/../../etc/revoke', {})).statusCode, 404);
      assert.equal((await post('/api/v1/keys/not-a-uuid/revoke', {})).statusCode, 400);
    });

    test('the last live admin key cannot be revoked', async () => {
      const admins = (await f.keys.list()).filter((k) => k.scope === 'admin');
      assert.equal(admins.length, 1);
      const refused = await f.server.inject({
        method: 'POST',
        url: `/api/v1/keys/${admins[0]!.id}/revoke`,
        headers: f.auth('admin'),
        payload: {},
      });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().error.message, /last live admin key/);
    });

    test('last_used_at is written at most once a minute per key', async () => {
      let now = new Date('2026-03-02T10:00:00Z');
      const repo = new KeyRepo(f.app.store, () => now);
      const { key } = await repo.create('touched', 'read');
      const lastUsed = async () =>
        (await f.app.store.db
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('id', '=', key.id)
          .executeTakeFirstOrThrow())!.last_used_at?.toISOString();
      await repo.touch(key);
      assert.equal(await lastUsed(), '2026-03-02T10:00:00.000Z');
      now = new Date('2026-03-02T10:00:59Z');
      await repo.touch(key);
      assert.equal(await lastUsed(), '2026-03-02T10:00:00.000Z', 'not again within the minute');
      now = new Date('2026-03-02T10:01:00Z');
      await repo.touch(key);
      assert.equal(await lastUsed(), '2026-03-02T10:01:00.000Z');
      await repo.revoke(key.id);
    });

    test('requests finding a key out of the cache share one lookup; a revocation here is at once', async () => {
      let lookups = 0;
      const counting: KyselyPlugin = {
        transformQuery(args) {
          if (args.node.kind === 'SelectQueryNode') lookups += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const repo = new KeyRepo({ ...f.app.store, db: f.app.store.db.withPlugin(counting) });
      const { token } = await repo.create('shared-lookup', 'read');
      lookups = 0;
      const found = await Promise.all(Array.from({ length: 20 }, () => repo.verify(token)));
      assert.equal(lookups, 1, 'one SELECT for twenty requests');
      assert.ok(found.every((key) => key?.name === 'shared-lookup'));
      assert.equal((await repo.verify(token))?.name, 'shared-lookup', 'cached');
      assert.equal(lookups, 1);
      await repo.revoke('shared-lookup');
      assert.equal(await repo.verify(token), null);
    });

    test('requests are limited per key: 429 with Retry-After, another key unaffected', async () => {
      const limited = buildServer(f.app, { keys: f.keys, extensions: [], rateLimitPerMinute: 3 });
      const ask = (scope: 'read' | 'write') =>
        limited.inject({ method: 'GET', url: `/api/v1/identify?phone=${phone}`, headers: f.auth(scope) });
      try {
        for (let i = 0; i < 3; i++) assert.equal((await ask('read')).statusCode, 200);
        const refused = await ask('read');
        assert.equal(refused.statusCode, 429);
        assert.match(String(refused.headers['retry-after']), /^\d+$/);
        assert.match(refused.json().error.message, /key "reader" may make 3 a minute/);
        assert.equal((await ask('write')).statusCode, 200, 'the limit is per key');
        // Health probes and metric scrapes carry no key and come every few seconds: never refused.
        for (let i = 0; i < 10; i++) {
          for (const url of ['/healthz', '/readyz', '/metrics']) {
            const probe = await limited.inject({ method: 'GET', url });
            assert.notEqual(probe.statusCode, 429, `${url}, probe ${i + 1}`);
          }
        }
      } finally {
        await limited.close();
      }
    });

    test('/readyz, /metrics', async () => {
      assert.equal((await get('/readyz')).statusCode, 200);
      const metrics = await get('/metrics');
      assert.equal(metrics.statusCode, 200);
      assert.match(
        metrics.body,
        /skybridge_http_requests_total\{method="GET",route="\/api\/v1\/identify",status="200"\} \d+/,
      );
      assert.match(metrics.body, /skybridge_documentation_items\{state="pending"\} \d+/);
      assert.match(metrics.body, /skybridge_wellsky_requests_total [1-9]\d*/);
      assert.match(metrics.body, /skybridge_sync_age_seconds \d/);
      assert.ok(
        !metrics.body.includes(phone) && !metrics.body.includes(caregiver.id),
        'route templates only',
      );
    });
  });
}
