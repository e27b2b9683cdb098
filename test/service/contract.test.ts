import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { DateTime } from 'luxon';
import { visitsOf } from '../helpers/docs.ts';
import { engines } from '../helpers/stores.ts';
import { samples, serviceFixture } from './fixture.ts';

// The agency's clock is pinned to a weekday afternoon (and runs on from there), so which visits exist
// "now" is the same at every hour the suite runs.
const NOW = new Date('2026-03-04T21:00:00Z');
const started = performance.now();
const clock = () => new Date(NOW.getTime() + (performance.now() - started));

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
  security?: unknown[];
  'x-skybridge-scope'?: string;
}

for (const engine of engines) {
  describe(`API contract from /openapi.json (${engine.name})`, async () => {
    const f = await serviceFixture(engine, { now: clock });
    const { caregiver, client, phone } = samples(f.app);
    // A client with no visit a note written now could belong to (DEFAULT_VISIT_MATCH allows 30 min
    // before a visit and 4 h after it; a day either side is ample), whatever the seeded schedule holds.
    const day = DateTime.fromJSDate(clock(), { zone: f.app.timezone });
    const nearby = visitsOf(
      f.app.simulator!,
      day.minus({ days: 1 }).toISODate()!,
      day.plus({ days: 1 }).toISODate()!,
    );
    const unvisited = f.app
      .simulator!.control.data.patients()
      .map((patient) => ({ id: String(patient.id) }))
      .find((patient) => !nearby.some((visit) => visit.clientId === patient.id));
    assert.ok(unvisited, 'a seeded client without a visit around the pinned clock');
    const unvisitedId: string = unvisited.id;
    // Two notes the worker settles (held: no visit): one to retry, one to resolve. The answer waits up
    // to waitMs; a busy machine may need longer, so wait for the outcome itself rather than a duration.
    const settled = async (id: string) => {
      for (;;) {
        const view = await f.server.inject({ url: `/api/v1/documentation/${id}`, headers: f.auth('read') });
        const item = (view.json() as { item: { state: string } }).item;
        if (item.state !== 'pending') return { item, body: view.body };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const held: string[] = [];
    for (const n of [1, 2]) {
      const submitted = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: f.auth('write'),
        payload: {
          kind: 'client-note',
          clientId: unvisitedId,
          text: `Contract test note ${n}`,
          waitMs: 10_000,
        },
      });
      const { id } = (submitted.json() as { item: { id: string } }).item;
      const { item, body } = await settled(id);
      assert.equal(item.state, 'held', body);
      held.push(id);
    }
    const [itemId, otherId] = held as [string, string];
    // Two upcoming assigned shifts of different caregivers: one to clock in and out of, one to call out of.
    const upcoming = await f.app.store.db
      .selectFrom('shifts')
      .select(['appointment_id', 'caregiver_id', 'start_at'])
      .where('caregiver_id', 'is not', null)
      .where('removed_at', 'is', null)
      .where('start_at', '>', new Date(f.app.now().getTime() + 3 * 3_600_000))
      .orderBy('start_at')
      .limit(50)
      .execute();
    const picked = upcoming
      .filter((r, i) => upcoming.findIndex((o) => o.caregiver_id === r.caregiver_id) === i)
      .slice(0, 2)
      .map((r) => ({
        appointmentId: r.appointment_id,
        caregiverId: r.caregiver_id!,
        date: DateTime.fromJSDate(r.start_at, { zone: f.app.timezone }).toISODate()!,
      }));
    const [toClock, toCallOut] = picked as [(typeof picked)[0], (typeof picked)[0]];
    assert.ok(toClock && toCallOut, 'two caregivers with an upcoming shift');
    // A prospect held for a person (two people in WellSky share its phone), for the `choose` example.
    for (let n = 0; n < 2; n++) {
      f.app.simulator!.control.createPatient({
        name: [{ given: ['Held'], family: 'Contract' }],
        telecom: [{ system: 'phone', value: '3035550177', use: 'mobile' }],
      });
    }
    const heldProspect = await f.server.inject({
      method: 'PUT',
      url: '/api/v1/intake/prospects/crm/CONTRACT-HELD',
      headers: f.auth('write'),
      payload: {
        givenName: 'Held',
        familyName: 'Contract',
        phones: [{ use: 'mobile', number: '3035550177' }],
        stage: 'new lead',
      },
    });
    assert.equal(heldProspect.json().outcome, 'held', heldProspect.body);
    const prospectBody = {
      givenName: 'Contract',
      familyName: 'Prospect',
      phones: [{ use: 'mobile', number: '(720) 555-0166' }],
      stage: 'first call',
    };

    // An open upcoming shift and a fill campaign on it, for the fill examples (made here when the seed has none).
    const openShift = async () =>
      f.app.store.db
        .selectFrom('shifts')
        .select(['appointment_id', 'start_at'])
        .where('is_open', '=', true)
        .where('removed_at', 'is', null)
        .where('start_at', '>', new Date(f.app.now().getTime() + 6 * 3_600_000))
        .orderBy('start_at')
        .executeTakeFirst();
    let open = await openShift();
    if (!open) {
      const start = new Date(f.app.now().getTime() + 26 * 3_600_000);
      f.app.simulator!.control.addOneOffShift({
        clientId: client.id,
        caregiverId: null,
        start: start.toISOString(),
        end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      });
      await f.app.runSync();
      open = await openShift();
    }
    assert.ok(open, 'an open upcoming shift');
    const toFill = {
      shiftId: open.appointment_id,
      date: DateTime.fromJSDate(open.start_at, { zone: f.app.timezone }).toISODate()!,
    };
    const fill = (await f.app.fills.service.start(toFill)).campaign;

    // One valid request per documented operation. A documented operation missing here fails the test,
    // so every new route gets exercised against its own document.
    const spare = await f.keys.create('contract-spare', 'read');
    // `before` waits for what the request needs: a replay may have requeued the held notes, and the
    // worker must have settled them again before they can be retried or resolved.
    const examples: Record<string, { url: string; body?: unknown; before?: () => Promise<unknown> }> = {
      'get /healthz': { url: '/healthz' },
      'get /readyz': { url: '/readyz' },
      'get /metrics': { url: '/metrics' },
      'get /openapi.json': { url: '/openapi.json' },
      'post /webhooks/wellsky': {
        url: '/webhooks/wellsky',
        body: { resourceType: 'Patient', id: Number(client.id) },
      },
      'get /api/v1/identify': { url: `/api/v1/identify?phone=${phone}` },
      'get /api/v1/people': {
        url: `/api/v1/people?name=${encodeURIComponent(caregiver.familyName)}&kind=caregiver`,
      },
      'get /api/v1/caregivers/{id}/shifts': { url: `/api/v1/caregivers/${caregiver.id}/shifts` },
      'get /api/v1/clients/{id}/shifts': { url: `/api/v1/clients/${client.id}/shifts` },
      'get /api/v1/caregivers/{id}/next-shift': { url: `/api/v1/caregivers/${caregiver.id}/next-shift` },
      'post /api/v1/documentation': {
        url: '/api/v1/documentation',
        body: { kind: 'office-task', title: 'Call back', text: 'About the schedule', waitMs: 2000 },
      },
      'get /api/v1/documentation': { url: '/api/v1/documentation?limit=5' },
      'get /api/v1/documentation/{id}': { url: `/api/v1/documentation/${itemId}` },
      'post /api/v1/documentation/{id}/retry': {
        before: () => settled(itemId),
        url: `/api/v1/documentation/${itemId}/retry`,
        body: { by: 'Test' },
      },
      'post /api/v1/documentation/{id}/resolve': {
        before: () => settled(otherId),
        url: `/api/v1/documentation/${otherId}/resolve`,
        body: { by: 'Test', comment: 'checked', outcome: 'dismissed' },
      },
      'post /api/v1/documentation/replay': { url: '/api/v1/documentation/replay', body: {} },
      'get /api/v1/callouts': { url: '/api/v1/callouts' },
      'post /api/v1/callouts': {
        url: '/api/v1/callouts',
        body: { caregiver: toCallOut.caregiverId, shiftId: toCallOut.appointmentId, date: toCallOut.date },
      },
      'post /api/v1/shifts/{id}/clock-in': {
        url: `/api/v1/shifts/${toClock.appointmentId}/clock-in`,
        body: { date: toClock.date },
      },
      'post /api/v1/shifts/{id}/clock-out': {
        url: `/api/v1/shifts/${toClock.appointmentId}/clock-out`,
        body: { date: toClock.date, comment: 'contract test' },
      },
      'get /api/v1/shifts/{id}/candidates': {
        url: `/api/v1/shifts/${toCallOut.appointmentId}/candidates?date=${toCallOut.date}&limit=3`,
      },
      'get /api/v1/capabilities': { url: '/api/v1/capabilities' },
      'post /api/v1/capabilities/refresh': { url: '/api/v1/capabilities/refresh', body: {} },
      'get /api/v1/sync': { url: '/api/v1/sync' },
      'post /api/v1/sync': { url: '/api/v1/sync', body: {} },
      'get /api/v1/audit': { url: '/api/v1/audit?limit=10' },
      'put /api/v1/intake/prospects/{source}/{externalId}': {
        url: '/api/v1/intake/prospects/crm/CONTRACT-1',
        body: prospectBody,
      },
      'post /api/v1/intake/prospects/{source}/{externalId}/convert': {
        url: '/api/v1/intake/prospects/crm/CONTRACT-1/convert',
      },
      'put /api/v1/intake/applicants/{source}/{externalId}': {
        url: '/api/v1/intake/applicants/ats/CONTRACT-2',
        body: { ...prospectBody, stage: 'new', skills: ['CNA'] },
      },
      'get /api/v1/intake': { url: '/api/v1/intake?limit=5' },
      'get /api/v1/intake/{kind}/{source}/{externalId}': { url: '/api/v1/intake/prospects/crm/CONTRACT-1' },
      'post /api/v1/intake/{kind}/{source}/{externalId}/choose': {
        url: '/api/v1/intake/prospects/crm/CONTRACT-HELD/choose',
        body: { createNew: true, by: 'Test' },
      },
      'post /api/v1/documents': {
        url: '/api/v1/documents',
        body: { clientId: client.id, title: 'Contract form', contentType: 'text/plain', data: 'aGVsbG8=' },
      },
      'get /api/v1/keys': { url: '/api/v1/keys?includeRevoked=true' },
      'post /api/v1/keys': { url: '/api/v1/keys', body: { name: 'contract-created', scope: 'read' } },
      'post /api/v1/keys/{id}/revoke': { url: `/api/v1/keys/${spare.key.id}/revoke`, body: {} },
      'get /api/v1/messages': { url: '/api/v1/messages?direction=outbound&limit=5' },
      'post /api/v1/shifts/{id}/fill': {
        url: `/api/v1/shifts/${toFill.shiftId}/fill`,
        body: { date: toFill.date },
      },
      'get /api/v1/fills': { url: '/api/v1/fills?limit=5' },
      'get /api/v1/fills/{id}': { url: `/api/v1/fills/${fill.id}` },
      'post /api/v1/fills/{id}/cancel': { url: `/api/v1/fills/${fill.id}/cancel`, body: { by: 'Test' } },
      'get /api/v1/reports/operations': { url: '/api/v1/reports/operations?from=2026-01-20&to=2026-02-12' },
      'post /api/v1/messages/inbound': {
        url: '/api/v1/messages/inbound',
        body: { from: phone, text: 'Running 10 minutes late', id: 'contract-1' },
      },
    };

    test('the document is OpenAPI 3.1 and every operation answers as documented', async () => {
      const response = await f.server.inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(response.statusCode, 200);
      const doc = response.json() as { openapi: string; paths: Record<string, Record<string, Operation>> };
      assert.equal(doc.openapi, '3.1.0');
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      let checked = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const name = `${method} ${path}`;
          const example = examples[name];
          assert.ok(example, `no example request for documented operation ${name}`);
          await example.before?.();
          const headers: Record<string, string> = { ...f.auth('admin') };
          if (name === 'post /webhooks/wellsky')
            headers.authorization = 'Bearer test-webhook-secret-0123456789';
          const answer = await f.server.inject({
            method: method.toUpperCase() as 'GET' | 'POST' | 'PUT',
            url: example.url,
            headers,
            ...(example.body !== undefined ? { payload: example.body as object } : {}),
          });
          const documented = operation.responses[String(answer.statusCode)];
          assert.ok(
            documented,
            `${name} answered ${answer.statusCode}, which the document does not list: ${answer.body}`,
          );
          assert.ok(answer.statusCode < 300, `${name} answered ${answer.statusCode}: ${answer.body}`);
          const schema = documented.content?.['application/json']?.schema;
          if (schema) {
            const validate = ajv.compile(schema);
            assert.ok(
              validate(answer.json()),
              `${name}: body does not match the document: ${ajv.errorsText(validate.errors)}`,
            );
          }
          assert.match(String(answer.headers['x-skybridge-wellsky']), /^simulated$/);
          if (operation['x-skybridge-scope']) {
            const anonymous = await f.server.inject({
              method: method.toUpperCase() as 'GET' | 'POST' | 'PUT',
              url: example.url,
              ...(example.body !== undefined ? { payload: example.body as object } : {}),
            });
            assert.equal(anonymous.statusCode, 401, `${name} without a key`);
            assert.ok(operation.responses['401'], `${name} documents 401`);
          }
          checked++;
        }
      }
      assert.ok(checked >= Object.keys(examples).length, `checked ${checked} operations`);
    });

    test('request schemas in the document are the ones the server enforces', async () => {
      const doc = (await f.server.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<
          string,
          Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> } }>
        >;
      };
      const submit =
        doc.paths['/api/v1/documentation']!.post!.requestBody!.content['application/json']!.schema;
      assert.ok('waitMs' in submit.properties && 'kind' in submit.properties);
      const bad = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: f.auth('write'),
        payload: { kind: 'client-note', clientId: client.id, text: 'x', waitMs: 60_000 },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.field, 'waitMs');
    });
  });
}
