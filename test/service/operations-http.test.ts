import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KeyRepo } from '../../src/service/keys.ts';
import { buildServer, type SkybridgeServer } from '../../src/service/server.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { buildScenario, type Scenario } from '../operations/scenario.ts';

// The shift operations through the HTTP API (server.inject), on the scenario agency of
// test/operations (clock at 2026-02-12T10:00 Denver, feb-2026 profile: shifts cannot be opened).

for (const factory of engines) {
  describe(`operations over HTTP (${factory.name})`, () => {
    let engine: TestEngine;
    let s: Scenario;
    let server: SkybridgeServer;
    const tokens = { read: '', write: '' };
    const auth = (scope: 'read' | 'write') => ({ authorization: `Bearer ${tokens[scope]}` });

    before(async () => {
      engine = await factory.create();
      s = await buildScenario(await engine.open());
      const keys = new KeyRepo(s.app.store);
      tokens.read = (await keys.create('reader', 'read')).token;
      tokens.write = (await keys.create('writer', 'write')).token;
      server = buildServer(s.app, { logger: false, keys, extensions: [] });
    });
    after(async () => {
      const store = s?.app.store;
      await server?.close();
      await s?.app.close();
      await store?.close();
      await engine?.dispose();
    });

    it('clock-in without a position: 200, no position reaches WellSky; a repeat returns the same visit', async () => {
      const c = s.app.simulator!.control;
      const before = c.clockIns().length;
      const first = await server.inject({
        method: 'POST',
        url: `/api/v1/shifts/${s.clockShift}/clock-in`,
        headers: auth('write'),
        payload: {},
      });
      assert.equal(first.statusCode, 200, first.body);
      const body = first.json();
      assert.equal(body.action, 'clock-in');
      assert.equal(body.positionSent, false);
      assert.equal(body.repeated, false);
      assert.equal(c.clockIns().length, before + 1);
      const sent = c.clockIns().at(-1)!.body as Record<string, unknown>;
      assert.equal('position' in sent, false, 'no position sent');

      const again = await server.inject({
        method: 'POST',
        url: `/api/v1/shifts/${s.clockShift}/clock-in`,
        headers: auth('write'),
        payload: {},
      });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().visitId, body.visitId);
      assert.equal(again.json().repeated, true);
      assert.equal(c.clockIns().length, before + 1, 'nothing new sent');

      const out = await server.inject({
        method: 'POST',
        url: `/api/v1/shifts/${s.clockShift}/clock-out`,
        headers: auth('write'),
        payload: { comment: 'all fine', lat: 39.7, lon: -104.95 },
      });
      assert.equal(out.statusCode, 200, out.body);
      assert.equal(out.json().visitId, body.visitId);
      assert.equal(out.json().positionSent, true);
      const twice = await server.inject({
        method: 'POST',
        url: `/api/v1/shifts/${s.clockShift}/clock-out`,
        headers: auth('write'),
        payload: {},
      });
      assert.equal(twice.statusCode, 409, twice.body);
      assert.equal(twice.json().error.code, 'already-clocked-out');
    });

    it('errors map to their status and name the field', async () => {
      const half = await server.inject({
        method: 'POST',
        url: `/api/v1/shifts/${s.target}/clock-in`,
        headers: auth('write'),
        payload: { lat: 39.7 },
      });
      assert.equal(half.statusCode, 400, half.body);
      assert.equal(half.json().error.field, 'lat');
      const missing = await server.inject({
        method: 'POST',
        url: '/api/v1/shifts/999999999/clock-in',
        headers: auth('write'),
        payload: {},
      });
      assert.equal(missing.statusCode, 404, missing.body);
      assert.equal(missing.json().error.code, 'no-such-shift');
      assert.match(missing.json().error.message, /999999999/);
    });

    it('a read key may not clock in (403); no key at all is 401', async () => {
      const refused = await server.inject({
        method: 'POST',
        url: `/api/v1/shifts/${s.target}/clock-in`,
        headers: auth('read'),
        payload: {},
      });
      assert.equal(refused.statusCode, 403, refused.body);
      const anonymous = await server.inject({
        method: 'GET',
        url: `/api/v1/shifts/${s.target}/candidates?date=2026-02-13`,
      });
      assert.equal(anonymous.statusCode, 401);
    });

    it('candidates: a ranked list with points and reasons, and the excluded caregivers with why', async () => {
      const res = await server.inject({
        method: 'GET',
        url: `/api/v1/shifts/${s.target}/candidates?date=2026-02-13&limit=50`,
        headers: auth('read'),
      });
      assert.equal(res.statusCode, 200, res.body);
      const r = res.json() as {
        replacing: string;
        candidates: { rank: number; caregiverId: string; points: Record<string, number>; reason: string }[];
        excluded: { caregiverId: string; reasons: { code: string; text: string }[] }[];
      };
      assert.equal(r.replacing, s.ids.caller);
      assert.deepEqual(
        r.candidates.map((c) => c.rank),
        r.candidates.map((_, i) => i + 1),
      );
      const history = r.candidates.find((c) => c.caregiverId === s.ids.history)!;
      const stranger = r.candidates.find((c) => c.caregiverId === s.ids.stranger)!;
      assert.ok(history.rank < stranger.rank);
      assert.ok(history.points.continuity! > 0);
      assert.equal(typeof stranger.points.distance, 'number');
      assert.match(history.reason, /visits with this client/);
      const overlap = r.excluded.find((e) => e.caregiverId === s.ids.overlapping)!;
      assert.equal(overlap.reasons[0]!.code, 'overlapping-shift');
      const audit = await s.app.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('route', '=', '/api/v1/shifts/{id}/candidates')
        .execute();
      assert.ok(audit.length >= 1, 'the read is audited');
    });

    it('call-out: ambiguous changes nothing; a precise shift is recorded (201); a repeat creates nothing', async () => {
      const c = s.app.simulator!.control;
      const tasks = c.adminTasks().length;
      const ambiguous = await server.inject({
        method: 'POST',
        url: '/api/v1/callouts',
        headers: auth('write'),
        payload: { caregiver: s.callerPhone, date: s.ambiguousDay, reason: 'sick' },
      });
      assert.equal(ambiguous.statusCode, 200, ambiguous.body);
      assert.equal(ambiguous.json().status, 'ambiguous');
      assert.equal(ambiguous.json().shifts.length, 2);
      assert.equal(c.adminTasks().length, tasks, 'no office task');
      assert.equal((await s.app.store.db.selectFrom('call_outs').selectAll().execute()).length, 0);

      const recorded = await server.inject({
        method: 'POST',
        url: '/api/v1/callouts',
        headers: auth('write'),
        payload: { caregiver: s.ids.caller, shiftId: s.target, date: '2026-02-13', reason: 'flu' },
      });
      assert.equal(recorded.statusCode, 201, recorded.body);
      const r = recorded.json();
      assert.equal(r.status, 'recorded');
      assert.equal(r.repeated, false);
      assert.equal(r.urgency, 'normal');
      assert.equal(r.shiftOpen.state, 'needs-person');
      assert.ok(r.candidates.candidates.length > 0);
      const tasksAfter = c.adminTasks().length;

      const repeat = await server.inject({
        method: 'POST',
        url: '/api/v1/callouts',
        headers: auth('write'),
        payload: { caregiver: s.ids.caller, shiftId: s.target, date: '2026-02-13' },
      });
      assert.equal(repeat.statusCode, 200, repeat.body);
      assert.equal(repeat.json().repeated, true);
      assert.equal(repeat.json().callOutId, r.callOutId);
      assert.equal(c.adminTasks().length, tasksAfter, 'no second office task');
      assert.equal((await s.app.store.db.selectFrom('call_outs').selectAll().execute()).length, 1);

      const list = await server.inject({ method: 'GET', url: '/api/v1/callouts', headers: auth('read') });
      assert.equal(list.statusCode, 200, list.body);
      const items = list.json().items as { callOutId: string; shiftId: string; urgency: string }[];
      assert.deepEqual(
        items.map((i) => [i.callOutId, i.shiftId, i.urgency]),
        [[r.callOutId, s.target, 'normal']],
      );

      const invalid = await server.inject({
        method: 'POST',
        url: '/api/v1/callouts',
        headers: auth('write'),
        payload: { caregiver: s.ids.caller, next: true, date: '2026-02-13' },
      });
      assert.equal(invalid.statusCode, 400, invalid.body);
      assert.equal(invalid.json().error.field, 'next');
    });

    it('the routes are in /openapi.json with the operations’ schemas', async () => {
      const doc = (await server.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
      };
      const expected = {
        '/api/v1/shifts/{id}/clock-in': ['post', 'write'],
        '/api/v1/shifts/{id}/clock-out': ['post', 'write'],
        '/api/v1/shifts/{id}/candidates': ['get', 'read'],
        '/api/v1/callouts': ['post', 'write'],
      } as const;
      for (const [path, [method, scope]] of Object.entries(expected)) {
        const op = doc.paths[path]?.[method];
        assert.ok(op, `${method} ${path} documented`);
        assert.equal(op['x-skybridge-scope'], scope);
      }
      assert.equal(doc.paths['/api/v1/callouts']!.get!['x-skybridge-scope'], 'read');
      const body = (
        doc.paths['/api/v1/callouts']!.post!.requestBody as {
          content: Record<string, { schema: { properties: Record<string, unknown> } }>;
        }
      ).content['application/json']!.schema;
      assert.deepEqual(Object.keys(body.properties).sort(), [
        'caregiver',
        'date',
        'next',
        'reason',
        'shiftId',
      ]);
      const clockBody = (
        doc.paths['/api/v1/shifts/{id}/clock-out']!.post!.requestBody as {
          content: Record<string, { schema: { properties: Record<string, unknown> } }>;
        }
      ).content['application/json']!.schema;
      assert.deepEqual(Object.keys(clockBody.properties).sort(), ['at', 'comment', 'date', 'lat', 'lon']);
      const params = doc.paths['/api/v1/shifts/{id}/candidates']!.get!.parameters as { name: string }[];
      assert.deepEqual(params.map((p) => p.name).sort(), ['date', 'excludeCaregiverId', 'id', 'limit']);
    });
  });
}
