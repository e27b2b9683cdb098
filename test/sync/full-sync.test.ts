import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { pinnedSimulator, syncFor } from './helpers.ts';

// February 2026 in the agency zone: one `monthNo` query per client (facts §2.5), and the simulator's
// high-frequency clients have 4 shifts a day there (112 > 100: two pages, D-13).
const WINDOW = { pastDays: 11, futureDays: 16 };

for (const factory of engines) {
  describe(`full sync of a 1,100-client agency on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    let sim: RunningSimulator;
    let summary: Awaited<ReturnType<ReturnType<typeof syncFor>['sync']['run']>>;

    before(async () => {
      // Both ceilings raised (the simulator's and the client's, kept apart) so 1,100 clients fit a test.
      sim = await pinnedSimulator({ clients: 1100, caregivers: 300, rateLimit: 1100, seed: 7 });
      engine = await factory.create();
      store = await engine.open();
      const { sync } = syncFor(sim, store, { settings: WINDOW, rate: 1000 });
      summary = await sync.run();
    });
    after(async () => {
      await sim?.close();
      await store?.close();
      await engine?.dispose();
    });

    it('completes without errors or 429s and records the run', async () => {
      assert.equal(summary.kind, 'full');
      assert.equal(summary.status, 'ok', summary.errors.join('\n'));
      assert.equal(summary.rateLimited, 0);
      assert.equal(sim.control.stats().rateLimited, 0);
      const run = await store.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('id', '=', summary.runId)
        .executeTakeFirstOrThrow();
      assert.equal(run.status, 'ok');
      assert.equal(run.requests, summary.requests);
      assert.ok(run.finished_at);
      assert.equal(run.counts.clients?.added, 1100);
    });

    it('mirrors every caregiver, applicant, client and prospect with their fields', async () => {
      const patients = sim.control.data.patients();
      const practitioners = sim.control.data.practitioners();
      assert.equal(patients.length, 1100);
      const clients = await store.db.selectFrom('clients').selectAll().execute();
      const caregivers = await store.db.selectFrom('caregivers').selectAll().execute();
      assert.equal(clients.length, patients.length);
      assert.equal(caregivers.length, practitioners.length);
      const byId = new Map(clients.map((c) => [c.id, c]));
      for (const p of patients.filter((_, i) => i % 97 === 0)) {
        const row = byId.get(String(p.id));
        assert.ok(row, `client ${p.id} mirrored`);
        const isClient = p.meta?.tag?.find((t) => t.code === 'isClient')?.display === 'true';
        assert.equal(row.kind, isClient ? 'client' : 'prospect');
        assert.equal(row.active, p.active);
        assert.equal(row.family_name, p.name?.[0]?.family);
        const mobile = p.telecom?.find((t) => t.use === 'mobile')?.value;
        assert.ok(row.phones.some((ph) => ph.digits === mobile && ph.use === 'mobile'));
        assert.deepEqual(row.raw, JSON.parse(JSON.stringify(p)));
        assert.equal(typeof row.home_lat, 'number');
      }
      const cg = practitioners[3]!;
      const row = caregivers.find((c) => c.id === String(cg.id))!;
      const hired = cg.meta?.tag?.find((t) => t.code === 'isHired')?.display === 'true';
      assert.equal(row.kind, hired ? 'caregiver' : 'applicant');
      assert.deepEqual(
        row.tag_ids,
        (cg.meta?.tag?.find((t) => t.code === 'profileTags')?.display ?? '').split(',').filter(Boolean),
      );
      const tags = await store.db.selectFrom('profile_tags').selectAll().execute();
      assert.ok(tags.length > 0 && tags.every((t) => t.name.length > 0));
    });

    it('mirrors every family contact with its client', async () => {
      const expected = sim.control.data
        .patients()
        .flatMap((p) => sim.control.data.relatedPersons(p.id as string).map((r) => `${r.id}:${p.id}`));
      const rows = await store.db.selectFrom('related_persons').select(['id', 'client_id']).execute();
      assert.deepEqual(rows.map((r) => `${r.id}:${r.client_id}`).sort(), expected.sort());
    });

    it('mirrors every shift occurrence of the window, open ones and >100-a-month clients included', async () => {
      const active = sim.control.data
        .patients()
        .filter((p) => p.active && p.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'true'));
      const expected = new Set<string>();
      for (const p of active) {
        for (const a of sim.control.data.appointmentsFor({
          clientId: p.id as string,
          from: '2026-02-01',
          to: '2026-02-28',
        })) {
          expected.add(`${a.id}@${new Date(a.start).toISOString()}@${a.caregiver?.id ?? 'open'}`);
        }
      }
      const rows = await store.db
        .selectFrom('shifts')
        .select(['appointment_id', 'start_at', 'caregiver_id', 'is_open'])
        .execute();
      const got = new Set(
        rows.map((r) => `${r.appointment_id}@${r.start_at.toISOString()}@${r.caregiver_id ?? 'open'}`),
      );
      assert.equal(got.size, expected.size);
      assert.deepEqual([...got].sort(), [...expected].sort());
      assert.ok(
        rows.some((r) => r.is_open),
        'open shifts are mirrored',
      );
      const [busy] = sim.control.data.highFrequencyClients();
      assert.ok(busy);
      const busyRows = await store.db
        .selectFrom('shifts')
        .select('appointment_id')
        .where('client_id', '=', busy)
        .execute();
      assert.ok(busyRows.length > 100, `client ${busy} has ${busyRows.length} shifts in February`);
    });

    it('mirrors the visits of the past window', async () => {
      const expected = sim.control.data
        .encounters({ from: '2026-02-01', to: '2026-02-12' })
        .map((e) => String(e.id));
      const rows = await store.db
        .selectFrom('visits')
        .select(['id', 'clock_in_at', 'appointment_id'])
        .execute();
      assert.deepEqual(rows.map((r) => r.id).sort(), [...new Set(expected)].sort());
      assert.ok(rows.every((r) => r.clock_in_at && r.appointment_id));
    });
  });
}
