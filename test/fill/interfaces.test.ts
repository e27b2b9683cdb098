import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { KeyRepo } from '../../src/service/keys.ts';
import { createMcpServer } from '../../src/service/mcp/server.ts';
import { buildServer } from '../../src/service/server.ts';
import { postgresEngine, type TestEngine } from '../helpers/stores.ts';
import { call, newClient } from '../service/mcp-helpers.ts';
import { type FillScenario, fillScenario } from './fixture.ts';

// The interfaces are thin over the engine (tested on both stores in fill-*.test.ts): one store here.
describe('fill campaigns over HTTP, MCP and the dashboard page', { timeout: 120_000 }, () => {
  let engine: TestEngine;
  let s: FillScenario;
  let server: ReturnType<typeof buildServer>;
  let auth: Record<string, string>;
  before(async () => {
    engine = await postgresEngine.create();
    s = await fillScenario(await engine.open(), { count: 8 });
    server = buildServer(s.app, { logger: false });
    const { token } = await new KeyRepo(s.app.store).create('fill-test', 'admin');
    auth = { authorization: `Bearer ${token}` };
  });
  after(async () => {
    await server?.close();
    await s?.app.close();
    await s?.app.store.close();
    await engine?.dispose();
  });

  test('POST /api/v1/shifts/{id}/fill starts (201) or finds (200) the campaign; list, get, cancel', async () => {
    const shift = s.open[0]!;
    const started = await server.inject({
      method: 'POST',
      url: `/api/v1/shifts/${shift.id}/fill`,
      headers: auth,
      payload: { date: shift.date },
    });
    assert.equal(started.statusCode, 201, started.body);
    const campaign = started.json() as {
      id: string;
      state: string;
      shift: { id: string };
      offers: { caregiverId: string; state: string }[];
    };
    assert.equal(campaign.state, 'open');
    assert.equal(campaign.shift.id, shift.id);
    assert.ok(
      campaign.offers.length > 0 && campaign.offers.every((o) => o.caregiverId && o.state === 'sent'),
    );
    const again = await server.inject({
      method: 'POST',
      url: `/api/v1/shifts/${shift.id}/fill`,
      headers: auth,
      payload: { date: shift.date },
    });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, campaign.id);
    const bad = await server.inject({
      method: 'POST',
      url: `/api/v1/shifts/${shift.id}/fill`,
      headers: auth,
      payload: { date: 'tomorrow' },
    });
    assert.equal(bad.statusCode, 400);
    const assigned = await server.inject({
      method: 'POST',
      url: `/api/v1/shifts/${s.assigned.id}/fill`,
      headers: auth,
      payload: { date: s.assigned.date },
    });
    assert.equal(assigned.statusCode, 409, 'an assigned shift is not filled');
    const list = await server.inject({ url: '/api/v1/fills', headers: auth });
    assert.equal(list.json().items[0].id, campaign.id);
    const one = await server.inject({ url: `/api/v1/fills/${campaign.id}`, headers: auth });
    assert.ok(one.json().history.length > 0);
    const cancelled = await server.inject({
      method: 'POST',
      url: `/api/v1/fills/${campaign.id}/cancel`,
      headers: auth,
      payload: {},
    });
    assert.equal(cancelled.json().state, 'cancelled');
    const metrics = await server.inject({ url: '/metrics' });
    assert.match(metrics.body, /skybridge_fill_campaigns\{state="cancelled"\} 1/);
  });

  test('MCP start_shift_fill and shift_fill_status', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const mcp = createMcpServer(s.app, { scope: 'write' });
    await mcp.connect(serverSide);
    const client = newClient();
    await client.connect(clientSide);
    try {
      const shift = s.open[1]!;
      const started = await call(client, 'start_shift_fill', { shiftId: shift.id, date: shift.date });
      assert.equal(started.data.created, true, started.text);
      assert.match(started.text, /OPEN: caregivers are being texted in waves/);
      const id = (started.data.campaign as { id: string }).id;
      const status = await call(client, 'shift_fill_status', { id });
      assert.match(status.text, new RegExp(`Fill ${id} for shift ${shift.id}`));
      const reader = createMcpServer(s.app, { scope: 'read' });
      const [c2, s2] = InMemoryTransport.createLinkedPair();
      await reader.connect(s2);
      const readOnly = newClient();
      await readOnly.connect(c2);
      const refused = await call(readOnly, 'start_shift_fill', {
        shiftId: s.open[2]!.id,
        date: s.open[2]!.date,
      });
      assert.equal(refused.result.isError, true);
      await readOnly.close();
    } finally {
      await client.close();
    }
  });

  test('the dashboard page: no inline script or handler; its script is served beside it', async () => {
    const page = await server.inject({ url: '/dashboard/fills' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<script src="\/dashboard\/fills.js"><\/script>/);
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(page.body, /\son[a-z]+=/);
    const script = await server.inject({ url: '/dashboard/fills.js' });
    assert.equal(script.statusCode, 200);
    assert.match(script.body, /\/api\/v1\/messages\/inbound/);
  });
});
