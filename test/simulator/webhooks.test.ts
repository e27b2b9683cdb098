import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { raw, startApi } from './helpers.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
}

async function receiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => {
      data += c.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    url: `http://127.0.0.1:${port}/hooks`,
    close: () => new Promise((r) => server.close(r)),
  };
}

test('a matching change is POSTed as {resourceType, id} with the configured headers', async () => {
  const hook = await receiver();
  const api = await startApi({ clients: 10, caregivers: 10 });
  try {
    for (const criteria of [
      'patient.name.changed',
      'practitioner.deactivated.changed',
      'encounter.clockout.changed',
    ]) {
      const res = await api.call('POST', '/v1/subscriptions/', {
        resourceType: 'Subscription',
        status: 'active',
        criteria,
        reason: 'mirror',
        channel: {
          type: 'rest-hook',
          endpoint: hook.url,
          payload: 'application/fhir+json',
          header: ['Authorization: Bearer shared-secret', 'X-Extra: 1'],
        },
      });
      assert.equal(res.status, 201);
    }
    api.sim.control.updatePatient('900002', { name: [{ family: 'Renamed', given: ['Zoë'] }] });
    api.sim.control.updatePatient('900003', { gender: 'other' }); // no subscription for this change
    const deactivate = await raw(`${api.sim.url}/__sim/practitioners/100003/deactivate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Terminated – Quit' }),
    });
    assert.equal(deactivate.status, 200);
    assert.equal(deactivate.json.active, false);
    const shift = api.sim.control.data
      .appointmentsFor({ clientId: '900001', from: '2026-02-16', to: '2026-03-15' })
      .find((a) => a.caregiver);
    assert.ok(shift);
    const clockIn = await api.call('POST', `/v1/encounter/${shift.id}/clockin/`, {
      resourceType: 'Encounter',
      period: { start: shift.start },
    });
    const target = clockIn.json.id;
    const out = await api.call('PUT', `/v1/encounter/${target}/clockout/`, {
      resourceType: 'Encounter',
      period: { end: shift.end },
    });
    assert.deepEqual(out.json, { success: true });
    await api.sim.control.flushWebhooks();
    assert.deepEqual(
      hook.received.map((r) => r.body),
      [
        { resourceType: 'Patient', id: 900002 },
        { resourceType: 'Practitioner', id: 100003 },
        { resourceType: 'Encounter', id: Number(target) },
      ],
    );
    for (const r of hook.received) {
      assert.equal(r.headers.authorization, 'Bearer shared-secret');
      assert.equal(r.headers['x-extra'], '1');
      assert.equal(r.headers['content-type'], 'application/json');
    }
    const deliveries = await raw(`${api.sim.url}/__sim/webhooks`);
    assert.equal(deliveries.json.length, 3);
    assert.equal(deliveries.json[0].status, 200);
    assert.equal(deliveries.json[0].criteria, 'patient.name.changed');
  } finally {
    await api.close();
    await hook.close();
  }
});

test('a failed delivery is recorded and never blocks the API', async () => {
  const api = await startApi({ clients: 5, caregivers: 3 });
  try {
    await api.call('POST', '/v1/subscriptions/', {
      resourceType: 'Subscription',
      status: 'active',
      criteria: 'admintask.created',
      channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:9/unreachable' },
    });
    const res = await api.call('POST', '/v1/adminTasks/', {
      status: 'received',
      description: 'x',
      executionDate: '2026-02-12',
      dueDate: '2026-02-13T23:59:59',
      requester: [1001],
      owner: [],
      meta: { tag: [{ code: 'agencyId', display: '1001' }] },
    });
    assert.equal(res.status, 201);
    await api.sim.control.flushWebhooks();
    const [delivery] = api.sim.control.webhooks();
    assert.equal(delivery?.resourceType, 'Task');
    assert.ok(delivery?.error);
  } finally {
    await api.close();
  }
});
