import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { AuditLog } from '../../src/service/audit.ts';
import { KeyRepo } from '../../src/service/keys.ts';
import { mcpExtension } from '../../src/service/mcp/extension.ts';
import { createMcpServer } from '../../src/service/mcp/index.ts';
import { buildServer } from '../../src/service/server.ts';
import { logsWith, visitsOf } from '../helpers/docs.ts';
import { pgliteEngine } from '../helpers/stores.ts';
import { call, caregiverPhone, newClient, oddFormat, smallApp } from './mcp-helpers.ts';

const TOOLS = [
  'add_note',
  'add_office_task',
  'capability_matrix',
  'clock_in',
  'clock_out',
  'documentation_status',
  'find_person',
  'identify_caller',
  'intake_status',
  'next_shift',
  'operations_summary',
  'record_text_reply',
  'replacement_candidates',
  'report_call_out',
  'shift_fill_status',
  'shifts',
  'start_shift_fill',
  'upsert_applicant',
  'upsert_prospect',
];

describe('MCP tools (in-process and over HTTP)', async () => {
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const store = await engine.open();
  after(() => store.close());
  const app = await smallApp(store);
  const sim = app.simulator!;

  const connect = async (scope: 'read' | 'write') => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(app, { scope });
    await server.connect(serverSide);
    const client = newClient();
    await client.connect(clientSide);
    after(() => client.close());
    return client;
  };
  const writer = await connect('write');
  const reader = await connect('read');

  test('lists every tool, each with a description and an input schema; says the WellSky is simulated', async () => {
    const { tools } = await writer.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    for (const tool of tools) {
      assert.ok((tool.description ?? '').length > 80, `${tool.name} explains itself`);
      assert.equal(tool.inputSchema.type, 'object');
    }
    const addNote = tools.find((t) => t.name === 'add_note')!;
    assert.deepEqual(addNote.inputSchema.required?.sort(), ['kind', 'text']);
    assert.match(writer.getInstructions() ?? '', /SIMULATED WellSky/);
    assert.match(writer.getServerVersion()?.name ?? '', /SIMULATED/);
  });

  test('identify_caller finds a caregiver from a number in an odd format, with freshness', async () => {
    const { id, digits } = caregiverPhone(app);
    const { result, data, text } = await call(reader, 'identify_caller', { phone: oddFormat(digits) });
    assert.equal(result.isError, undefined);
    const matches = data.matches as { kind: string; id: string; ageSeconds: number }[];
    assert.equal(matches.length, 1);
    assert.equal(matches[0]!.kind, 'caregiver');
    assert.equal(matches[0]!.id, id);
    assert.equal(data.digits, digits);
    assert.equal(data.wellsky, 'simulated');
    assert.ok(typeof data.mirrorSyncedAt === 'string');
    assert.match(text, /1 match\(es\)/);
  });

  test('identify_caller: an unknown number is "no one", a non-number is an input error', async () => {
    const none = await call(reader, 'identify_caller', { phone: '(999) 000-0000' });
    assert.match(none.text, /No one in WellSky has the number/);
    const bad = await call(reader, 'identify_caller', { phone: 'call me maybe' });
    assert.equal(bad.result.isError, true);
    assert.match(bad.text, /not a 10-digit US phone number/);
  });

  test('find_person, shifts and next_shift answer from the mirror in the agency zone', async () => {
    const visit = visitsOf(sim, '2026-02-09', '2026-02-11')[0]!;
    const caregiver = app.mirror.person('caregiver', visit.caregiverId)!;
    const found = await call(reader, 'find_person', { name: caregiver.familyName, kind: 'caregiver' });
    assert.ok((found.data.people as { id: string }[]).some((p) => p.id === caregiver.id));
    const day = new Date(visit.start.getTime() - 7 * 3_600_000).toISOString().slice(0, 10);
    const shifts = await call(reader, 'shifts', { caregiverId: visit.caregiverId, date: day });
    assert.equal(shifts.data.timezone, 'America/Denver');
    assert.ok(
      (shifts.data.shifts as { visit: { id: string } | null }[]).some((s) => s.visit?.id === visit.id),
    );
    const next = await call(reader, 'next_shift', { caregiverId: visit.caregiverId });
    assert.ok(['in-progress', 'upcoming', null].includes(next.data.state as string | null));
    const both = await call(reader, 'shifts', { caregiverId: '1', clientId: '2' });
    assert.equal(both.result.isError, true);
    assert.match(both.text, /exactly one of caregiverId or clientId/);
  });

  test('add_note for a client is delivered on the visit at the note’s time, with the WellSky id', async () => {
    const visit = visitsOf(sim, '2026-02-09', '2026-02-11')[1]!;
    const { result, data, text } = await call(writer, 'add_note', {
      kind: 'client-note',
      clientId: visit.clientId,
      text: 'Ate well, walked to the mailbox.',
      at: visit.middle,
      key: 'mcp-note-1',
    });
    assert.equal(result.isError, undefined, text);
    const item = data.item as { state: string; visitId: string; wellskyId: string; reference: string };
    assert.equal(item.state, 'delivered', text);
    assert.equal(item.visitId, visit.id);
    assert.match(text, /^DELIVERED/);
    const logs = logsWith(sim, item.reference);
    assert.equal(logs.length, 1);
    assert.equal(String(logs[0]!.id), item.wellskyId);
  });

  test('add_note for a caregiver is held with the reason, never reported as done', async () => {
    const { id } = caregiverPhone(app);
    const { data, text } = await call(writer, 'add_note', {
      kind: 'caregiver-note',
      caregiverId: id,
      text: 'Wants more weekend hours',
    });
    const item = data.item as { id: string; state: string; reason: string };
    assert.equal(item.state, 'held');
    assert.match(item.reason, /no route for notes on a caregiver's profile/);
    assert.match(text, /^HELD: .* NOT in WellSky/);
    assert.doesNotMatch(text, /success/i);
    const status = await call(reader, 'documentation_status', {});
    assert.ok((status.data.items as { id: string }[]).some((i) => i.id === item.id));
  });

  test('a read-scoped connection refuses writes with a clear message and stores nothing', async () => {
    const before = (await app.docs.service.list({ limit: 1000 })).length;
    const { result, text } = await call(reader, 'add_note', {
      kind: 'caregiver-note',
      caregiverId: caregiverPhone(app).id,
      text: 'should not be stored',
    });
    assert.equal(result.isError, true);
    assert.match(text, /needs a "write" API key; this connection has a "read" key/);
    assert.equal((await app.docs.service.list({ limit: 1000 })).length, before);
  });

  test('invalid input is a tool error naming the field', async () => {
    const wrongType = await call(writer, 'add_note', { kind: 'client-note', clientId: 'abc', text: 'x' });
    assert.equal(wrongType.result.isError, true);
    assert.match(wrongType.text, /clientId/);
    const missing = await call(writer, 'add_note', { kind: 'client-note', text: 'no client given' });
    assert.equal(missing.result.isError, true);
    assert.match(missing.text, /clientId/);
    const future = await call(writer, 'add_note', {
      kind: 'client-note',
      clientId: visitsOf(sim, '2026-02-09', '2026-02-11')[0]!.clientId,
      text: 'from the future',
      at: '2030-01-01T10:00',
    });
    assert.equal(future.result.isError, true);
    assert.match(future.text, /^at: the time is in the future/);
    assert.doesNotMatch(future.text, /\n\s+at /, 'no stack trace');
  });

  test('an argument the tool does not take (a misspelt name) is an error naming it, not silently ignored', async () => {
    const misspelt = await call(reader, 'find_person', { name: 'a', phone_number: '3035550100' });
    assert.equal(misspelt.result.isError, true, misspelt.text);
    assert.match(misspelt.text, /phone_number/);
    const right = await call(reader, 'find_person', { name: 'a' });
    assert.notEqual(right.result.isError, true, right.text);
  });

  test('an error the MCP library writes quoting the caller (an unknown tool) escapes control and bidi characters', async () => {
    const unknownTool = await call(writer, 'x\u202ey\u0007', {});
    assert.equal(unknownTool.result.isError, true);
    assert.match(unknownTool.text, /Tool x\\u202ey\\u0007 not found/);
    assert.ok(!unknownTool.text.includes('\u202e') && !unknownTool.text.includes('\u0007'), unknownTool.text);
  });

  test('report_call_out by phone runs the call-out workflow for that caregiver; the capability matrix is measured', async () => {
    const { id, digits } = caregiverPhone(app);
    const { result, data, text } = await call(writer, 'report_call_out', {
      caregiver: oddFormat(digits),
      date: '2026-02-13',
      reason: 'sick',
    });
    // Depending on that caregiver's day: recorded (one shift), ambiguous (several, nothing changed) or
    // an error saying there is no shift. Never a bare documentation item.
    if (result.isError) assert.match(text, /no shift/);
    else {
      assert.equal(data.caregiverId, id);
      assert.ok(data.status === 'recorded' || data.status === 'ambiguous', text);
      assert.equal(data.item, undefined);
    }
    const matrix = await call(reader, 'capability_matrix', {});
    const rows = matrix.data.capabilities as { capability: string; status: string; meaning: string }[];
    assert.ok(rows.length > 5);
    assert.ok(rows.some((r) => r.status === 'available'));
    assert.ok(rows.every((r) => r.meaning.length > 10));
  });

  test('POST /mcp on the real service: no key 401, a read key reads and is refused writes, all audited', async () => {
    const keys = new KeyRepo(store);
    const token = async (scope: 'read' | 'write') => (await keys.create(`mcp-${scope}`, scope)).token;
    const tokens = { read: await token('read'), write: await token('write') };
    const service = buildServer(app, { keys, extensions: [mcpExtension], logger: false });
    await service.listen({ port: 0, host: '127.0.0.1' });
    after(() => service.close());
    const url = new URL(`http://127.0.0.1:${(service.server.address() as AddressInfo).port}/mcp`);
    const open = async (scope: 'read' | 'write') => {
      const client = newClient();
      const headers = { authorization: `Bearer ${tokens[scope]}` };
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
      after(() => client.close());
      return client;
    };
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initialize),
    });
    assert.equal(anonymous.status, 401);
    assert.match(((await anonymous.json()) as { error: { message: string } }).error.message, /Bearer/);

    const auditLog = new AuditLog(store);
    const idOf = async (name: string) => (await keys.list()).find((k) => k.name === name)!.id;
    await store.db.deleteFrom('audit_log').execute();
    const reader = await open('read');
    assert.equal((await reader.listTools()).tools.length, (await writer.listTools()).tools.length);
    const { digits, id } = caregiverPhone(app);
    const who = await call(reader, 'identify_caller', { phone: oddFormat(digits) });
    assert.equal((who.data.matches as { id: string }[])[0]!.id, id);
    const items = async () =>
      (await store.db.selectFrom('documentation_items').select('id').execute()).length;
    const before = await items();
    const refused = await call(reader, 'add_office_task', { title: 'nope' });
    assert.equal(refused.result.isError, true);
    assert.match(refused.text, /needs a "write" API key/);
    assert.equal(await items(), before, 'a refused write stores nothing');

    const overHttp = await open('write');
    const task = await call(overHttp, 'add_office_task', {
      title: 'Call the daughter back',
      priority: 'high',
    });
    assert.equal((task.data.item as { state: string }).state, 'delivered', task.text);

    const entries = (await auditLog.recent(20)).filter((e) => e.method === 'MCP').reverse();
    assert.deepEqual(
      entries.map((e) => [e.route, e.status, e.keyId]),
      [
        ['mcp:identify_caller', 200, await idOf('mcp-read')],
        // Refused for the key's scope: 403, as the same refusal over HTTP.
        ['mcp:add_office_task', 403, await idOf('mcp-read')],
        ['mcp:add_office_task', 200, await idOf('mcp-write')],
      ],
    );
    assert.ok(entries[0]!.subjectIds.includes(id), 'the caregiver found is named by id');
    const raw = JSON.stringify(await store.db.selectFrom('audit_log').selectAll().execute());
    assert.ok(!raw.includes(digits) && !raw.includes('daughter'), 'no phone or text in the audit log');
  });
});
