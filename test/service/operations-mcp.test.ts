import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/service/mcp/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { buildScenario, type Scenario } from '../operations/scenario.ts';
import { call, newClient } from './mcp-helpers.ts';

// The shift-operation tools through the MCP SDK client, on the scenario agency of test/operations
// (clock at 2026-02-12T10:00 Denver; feb-2026 profile first, then full).

const OPERATION_TOOLS = ['clock_in', 'clock_out', 'replacement_candidates', 'report_call_out'];

for (const factory of engines) {
  describe(`operation tools over MCP (${factory.name})`, () => {
    let engine: TestEngine;
    let s: Scenario;
    let writer: Client;
    let reader: Client;

    const connect = async (scope: 'read' | 'write') => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await createMcpServer(s.app, { scope }).connect(serverSide);
      const client = newClient();
      await client.connect(clientSide);
      return client;
    };

    before(async () => {
      engine = await factory.create();
      s = await buildScenario(await engine.open());
      writer = await connect('write');
      reader = await connect('read');
    });
    after(async () => {
      await writer?.close();
      await reader?.close();
      const store = s?.app.store;
      await s?.app.close();
      await store?.close();
      await engine?.dispose();
    });

    it('lists the operation tools with descriptions and input schemas', async () => {
      const { tools } = await writer.listTools();
      const names = tools.map((t) => t.name);
      for (const name of OPERATION_TOOLS) assert.ok(names.includes(name), `${name} listed`);
      for (const tool of tools.filter((t) => OPERATION_TOOLS.includes(t.name))) {
        assert.ok((tool.description ?? '').length > 200, `${tool.name} explains itself`);
        assert.equal(tool.inputSchema.type, 'object');
      }
      const clock = tools.find((t) => t.name === 'clock_in')!;
      assert.deepEqual(Object.keys(clock.inputSchema.properties ?? {}).sort(), [
        'at',
        'date',
        'lat',
        'lon',
        'shiftId',
      ]);
      assert.deepEqual(clock.inputSchema.required, ['shiftId']);
      const callOut = tools.find((t) => t.name === 'report_call_out')!;
      assert.deepEqual(callOut.inputSchema.required, ['caregiver']);
      assert.equal(tools.find((t) => t.name === 'replacement_candidates')!.annotations?.readOnlyHint, true);
    });

    it('clock_in with no position sends none; a repeat returns the same visit; a read key is refused', async () => {
      const c = s.app.simulator!.control;
      const refused = await call(reader, 'clock_in', { shiftId: s.clockShift });
      assert.equal(refused.result.isError, true);
      assert.match(refused.text, /needs a "write" API key/);
      const half = await call(writer, 'clock_in', { shiftId: s.clockShift, lat: 39.7 });
      assert.equal(half.result.isError, true);
      assert.match(half.text, /^lat: give both lat and lon/);
      const before = c.clockIns().length;
      const first = await call(writer, 'clock_in', { shiftId: s.clockShift });
      assert.equal(first.result.isError, undefined, first.text);
      assert.equal(first.data.positionSent, false);
      assert.match(first.text, /no position sent/);
      assert.equal(c.clockIns().length, before + 1);
      const sent = c.clockIns().at(-1)!.body as Record<string, unknown>;
      assert.equal('position' in sent, false, 'no position sent');
      const again = await call(writer, 'clock_in', { shiftId: s.clockShift });
      assert.equal(again.data.visitId, first.data.visitId);
      assert.equal(again.data.repeated, true);
      assert.equal(c.clockIns().length, before + 1);
      const out = await call(writer, 'clock_out', { shiftId: s.clockShift, comment: 'done' });
      assert.equal(out.result.isError, undefined, out.text);
      assert.equal(out.data.visitId, first.data.visitId);
      const twice = await call(writer, 'clock_out', { shiftId: s.clockShift });
      assert.equal(twice.result.isError, true);
      assert.match(twice.text, /already clocked out/);
      const missing = await call(writer, 'clock_in', { shiftId: '999999999' });
      assert.equal(missing.result.isError, true);
      assert.match(missing.text, /999999999/);
    });

    it('replacement_candidates ranks with points and names the excluded', async () => {
      const { result, data, text } = await call(reader, 'replacement_candidates', {
        shiftId: s.target,
        date: '2026-02-13',
        limit: 20,
      });
      assert.equal(result.isError, undefined, text);
      const candidates = data.candidates as { caregiverId: string; points: Record<string, number> }[];
      const excluded = data.excluded as { caregiverId: string; reasons: string[] }[];
      const history = candidates.findIndex((c) => c.caregiverId === s.ids.history);
      const stranger = candidates.findIndex((c) => c.caregiverId === s.ids.stranger);
      assert.ok(history >= 0 && history < stranger);
      assert.ok(candidates[history]!.points.continuity! > 0);
      assert.match(excluded.find((e) => e.caregiverId === s.ids.overlapping)!.reasons[0]!, /overlapping/);
      assert.match(text, /#1 \[tier [ABC]/);
    });

    it('report_call_out: ambiguous changes nothing and lists the shifts', async () => {
      const tasks = s.app.simulator!.control.adminTasks().length;
      const { result, data, text } = await call(writer, 'report_call_out', {
        caregiver: s.callerPhone,
        date: s.ambiguousDay,
        reason: 'sick',
      });
      assert.equal(result.isError, undefined, text);
      assert.equal(data.status, 'ambiguous');
      assert.equal(data.changed, false);
      assert.equal((data.shifts as unknown[]).length, 2);
      assert.match(text, /^NOTHING WAS CHANGED/);
      assert.equal(s.app.simulator!.control.adminTasks().length, tasks);
      assert.equal((await s.app.store.db.selectFrom('call_outs').selectAll().execute()).length, 0);
    });

    it('report_call_out on a precise shift: urgent, a person must open it (feb-2026); the result is the true one', async () => {
      const { result, data, text } = await call(writer, 'report_call_out', {
        caregiver: s.ids.caller,
        shiftId: s.soon,
        reason: 'car broke down',
      });
      assert.equal(result.isError, undefined, text);
      assert.equal(data.status, 'recorded');
      assert.equal(data.urgency, 'urgent');
      assert.equal(data.needsPersonNow, true);
      assert.equal((data.shiftOpen as { state: string }).state, 'needs-person');
      assert.match(text, /Urgency: URGENT/);
      assert.match(text, /a PERSON at the office must unassign/);
      assert.equal((data.officeTask as { state: string }).state, 'delivered');
      assert.equal((data.notification as { state: string }).state, 'not-configured');
      const top = (data.candidates as { candidates: { reason: string }[] }).candidates;
      assert.ok(top.length > 0 && top.length <= 5);
      assert.ok(top.every((c) => c.reason.length > 0));
      const again = await call(writer, 'report_call_out', { caregiver: s.ids.caller, shiftId: s.soon });
      assert.equal(again.data.repeated, true);
      assert.equal(again.data.callOutId, data.callOutId);
      assert.match(again.text, /already reported; nothing was done again/);
    });

    it('report_call_out with full credentials: the shift is open in WellSky afterwards', async () => {
      const c = s.app.simulator!.control;
      c.setProfile('full');
      await s.app.docs.capabilities!.refresh();
      const { result, data, text } = await call(writer, 'report_call_out', {
        caregiver: s.ids.caller,
        shiftId: s.target,
        date: '2026-02-13',
      });
      assert.equal(result.isError, undefined, text);
      assert.equal(data.urgency, 'normal');
      assert.equal((data.shiftOpen as { state: string }).state, 'opened');
      assert.match(text, /now OPEN in WellSky/);
      const occ = c.data
        .appointmentsFor({ clientId: s.clientId, from: '2026-02-13', to: '2026-02-13' })
        .find((a) => String(a.id) === s.target);
      assert.equal(occ?.caregiver ?? null, null);
      const wrong = await call(writer, 'report_call_out', { caregiver: s.ids.stranger, shiftId: s.soon });
      assert.equal(wrong.result.isError, true);
      assert.match(wrong.text, /not assigned.*\(field: shiftId\)/);
    });
  });
}
