import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/service/mcp/server.ts';
import { postgresEngine } from '../helpers/stores.ts';
import { serviceFixture } from '../service/fixture.ts';
import { call, newClient } from '../service/mcp-helpers.ts';

// The interfaces only translate: the behaviour is tested on both engines in the other files.
describe('intake over HTTP and MCP', async () => {
  const f = await serviceFixture(postgresEngine, { start: false });
  const prospect = {
    givenName: 'Wilhelmina',
    familyName: 'Sarsfield',
    phones: [{ use: 'home', number: '720-555-0131' }],
    stage: 'first call',
    referralSource: 'Hospital',
  };
  const put = (url: string, payload: unknown, scope: 'read' | 'write' = 'write') =>
    f.server.inject({ method: 'PUT', url, headers: f.auth(scope), payload: payload as object });

  test('PUT a prospect: 201 created, then 200 unchanged with the same WellSky id', async () => {
    const first = await put('/api/v1/intake/prospects/hubspot/901', prospect);
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().outcome, 'created');
    const second = await put('/api/v1/intake/prospects/hubspot/901', prospect);
    assert.equal(second.statusCode, 200);
    assert.deepEqual(
      { outcome: second.json().outcome, id: second.json().wellskyId },
      { outcome: 'unchanged', id: first.json().wellskyId },
    );
    const one = await f.server.inject({
      url: '/api/v1/intake/prospects/hubspot/901',
      headers: f.auth('read'),
    });
    assert.equal(one.json().link.state, 'linked');
    assert.deepEqual(
      one.json().link.history.map((h: { action: string }) => h.action),
      ['attempt', 'created', 'unchanged'],
    );
    const list = await f.server.inject({ url: '/api/v1/intake?kind=prospect', headers: f.auth('read') });
    assert.ok(list.json().links.some((l: { externalId: string }) => l.externalId === '901'));
  });

  test('an SSN is refused with 422 naming the field, and nothing is stored; a read key may not write', async () => {
    const refused = await put('/api/v1/intake/applicants/ats/77', {
      ...prospect,
      stage: 'new',
      ssn: '123-45-6789',
    });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.field, 'ssn');
    assert.ok(!refused.body.includes('6789'));
    const missing = await f.server.inject({
      url: '/api/v1/intake/applicants/ats/77',
      headers: f.auth('read'),
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(
      (await put('/api/v1/intake/applicants/ats/78', { ...prospect, stage: 'new' }, 'read')).statusCode,
      403,
    );
    const badStage = await put('/api/v1/intake/prospects/hubspot/902', { ...prospect, stage: 'closed won' });
    assert.equal(badStage.statusCode, 422);
    assert.match(badStage.json().error.message, /known stages: new-lead, first-call/);
  });

  test('POST /api/v1/documents: stored, and held with the vendor 500 on feb-2026', async () => {
    const client = f.app.simulator!.control.data.patients()[0]!;
    const response = await f.server.inject({
      method: 'POST',
      url: '/api/v1/documents',
      headers: f.auth('write'),
      payload: {
        clientId: String(client.id),
        title: 'Faxed referral',
        contentType: 'text/plain',
        data: Buffer.from('Referral from the hospital').toString('base64'),
        waitMs: 20_000,
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    const item = response.json().item;
    assert.equal(item.kind, 'document');
    assert.equal(item.state, 'held');
    assert.match(item.reason, /HTTP 500/);
    const queue = await f.server.inject({
      url: '/api/v1/documentation?kind=document',
      headers: f.auth('read'),
    });
    assert.equal(queue.json().items[0].id, item.id);
  });

  test('MCP upsert_prospect and upsert_applicant answer what happened; SSN refused as a tool error', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(f.app, { scope: 'write' });
    await server.connect(serverSide);
    const mcp = newClient();
    await mcp.connect(clientSide);
    after(() => mcp.close());
    const made = await call(mcp, 'upsert_prospect', {
      source: 'crm',
      externalId: 'M-1',
      person: { ...prospect, phones: [{ use: 'mobile', number: '7205550132' }] },
    });
    assert.equal(made.data.outcome, 'created', made.text);
    assert.match(made.text, /prospect crm\/M-1: created in WellSky as \d+/);
    const applicant = await call(mcp, 'upsert_applicant', {
      source: 'ats',
      externalId: 'M-2',
      person: { ...prospect, stage: 'new', socialSecurityNumber: '123-45-6789' },
    });
    assert.equal(applicant.result.isError, true);
    assert.match(applicant.text, /Social Security/);
  });
});
