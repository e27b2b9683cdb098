import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ScheduleIndex } from '../../src/mirror/schedule-index.ts';
import { SHIFT_COLUMNS, shiftKey, visitsFor } from '../../src/mirror/shifts.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { pgliteEngine, type TestEngine } from '../helpers/stores.ts';
import { pinnedSimulator, syncFor } from '../sync/helpers.ts';

// The ranking index holds the mirror's shifts and visits as columns, read from the store in pages (issue
// #11 §6: a one-object-per-row index took 121 MB at 2,000 / 5,000). Whatever its layout and page size, it
// must answer exactly what the tables hold: checked here against SQL over a synced agency in which some
// rows are removed, one shift is cancelled and one visit has no clock-in.

const EVER = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };

describe('the ranking index answers what the mirror tables hold', () => {
  let engine: TestEngine;
  let store: Store;
  let sim: RunningSimulator;
  let paged: ScheduleIndex;
  let whole: ScheduleIndex;

  before(async () => {
    sim = await pinnedSimulator({ clients: 15, caregivers: 10, seed: 11 });
    engine = await pgliteEngine.create();
    store = await engine.open();
    const run = await syncFor(sim, store).sync.run();
    assert.equal(run.status, 'ok', run.errors.join('\n'));
    const db = store.db;
    // Occurrences starting at every 7th hour removed, one assigned shift cancelled, every 5th visit removed, one not clocked in.
    await sql`UPDATE shifts SET removed_at = now() WHERE (extract(epoch FROM start_at)::bigint / 3600) % 7 = 0`.execute(
      db,
    );
    await sql`UPDATE shifts SET status = 'CANCELLED' WHERE (appointment_id, start_at) = (SELECT appointment_id, start_at FROM shifts WHERE caregiver_id IS NOT NULL AND removed_at IS NULL ORDER BY start_at LIMIT 1)`.execute(
      db,
    );
    await sql`UPDATE visits SET removed_at = now() WHERE hashtext(id) % 5 = 0`.execute(db);
    await sql`UPDATE visits SET clock_in_at = NULL WHERE id = (SELECT min(id) FROM visits WHERE removed_at IS NULL)`.execute(
      db,
    );
    paged = await ScheduleIndex.load(db, { pageRows: 3 });
    whole = await ScheduleIndex.load(db);
  });
  after(async () => {
    await sim?.close();
    await store?.close();
    await engine?.dispose();
  });

  it('the data has what the checks need: several pages, removed rows, a cancelled shift, visits', async () => {
    const count = async (where: string, table = 'shifts') =>
      Number(
        (
          await sql<{
            n: string;
          }>`SELECT count(*) AS n FROM ${sql.raw(table)} WHERE ${sql.raw(where)}`.execute(store.db)
        ).rows[0]!.n,
      );
    assert.ok((await count('removed_at IS NULL')) > 30);
    assert.ok((await count('removed_at IS NOT NULL')) > 0);
    assert.equal(await count(`status = 'CANCELLED' AND removed_at IS NULL AND caregiver_id IS NOT NULL`), 1);
    assert.ok((await count('removed_at IS NULL AND clock_in_at IS NOT NULL', 'visits')) > 10);
    assert.ok((await count('removed_at IS NOT NULL', 'visits')) > 0);
  });

  it('every appointment lists its live occurrences by start, as stored', async () => {
    const rows = await store.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('removed_at', 'is', null)
      .orderBy('appointment_id')
      .orderBy('start_at')
      .execute();
    const ids = [...new Set(rows.map((r) => r.appointment_id))];
    for (const index of [paged, whole])
      for (const id of ids)
        assert.deepEqual(
          index.occurrencesOf(id),
          rows.filter((r) => r.appointment_id === id),
        );
    assert.deepEqual(paged.occurrencesOf('no-such-appointment'), []);
  });

  it("each caregiver's live shifts, their hours, and each occurrence's visit match SQL", async () => {
    const live = await store.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('removed_at', 'is', null)
      .where('caregiver_id', 'is not', null)
      .where('status', 'not in', ['CANCELLED', 'CANCELED'])
      .orderBy('start_at')
      .orderBy('appointment_id')
      .execute();
    const expected = new Map<string, { appointmentId: string; start: Date; end: Date }[]>();
    const ms = new Map<string, number>();
    for (const r of live) {
      const id = r.caregiver_id!;
      expected.set(id, [
        ...(expected.get(id) ?? []),
        { appointmentId: r.appointment_id, start: r.start_at, end: r.end_at },
      ]);
      ms.set(id, (ms.get(id) ?? 0) + r.end_at.getTime() - r.start_at.getTime());
    }
    const hours = new Map([...ms].map(([id, total]) => [id, total / 3_600_000]));
    for (const index of [paged, whole]) {
      assert.deepEqual(index.busy(EVER.from, EVER.to), expected);
      assert.deepEqual(index.hoursStarting(EVER.from, EVER.to), hours);
      assert.equal(index.counts.shifts, live.length);
    }
    const one = live[Math.floor(live.length / 2)]!;
    const except = { appointmentId: one.appointment_id, start: one.start_at, end: one.end_at };
    const mine = paged.busy(EVER.from, EVER.to, { except, caregiverIds: [one.caregiver_id!, 'nobody'] });
    assert.deepEqual(
      [...mine.keys()],
      expected.get(one.caregiver_id!)!.length > 1 ? [one.caregiver_id!] : [],
    );
    assert.ok(!mine.get(one.caregiver_id!)?.some((s) => s.start.getTime() === one.start_at.getTime()));

    const all = await store.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('removed_at', 'is', null)
      .execute();
    const visits = await visitsFor(store.db, all);
    assert.ok(visits.size > 0);
    for (const row of all) assert.deepEqual(paged.visitOf(row), visits.get(shiftKey(row)));
  });

  it("a client's visits per caregiver and a caregiver's attendance match SQL", async () => {
    const visits = await store.db
      .selectFrom('visits')
      .select(['id', 'client_id', 'caregiver_id', 'clock_in_at', 'appointment_id'])
      .where('removed_at', 'is', null)
      .where('clock_in_at', 'is not', null)
      .where('caregiver_id', 'is not', null)
      .orderBy('clock_in_at')
      .orderBy('id')
      .execute();
    const clients = [...new Set(visits.map((v) => v.client_id!))];
    assert.ok(clients.length > 1);
    for (const clientId of clients) {
      const expected = new Map<string, Date[]>();
      for (const v of visits.filter((v) => v.client_id === clientId))
        expected.set(v.caregiver_id!, [...(expected.get(v.caregiver_id!) ?? []), v.clock_in_at!]);
      assert.deepEqual(paged.visitsWithClient(clientId, EVER.from, EVER.to), expected);
    }
    const caregivers = [...new Set(visits.map((v) => v.caregiver_id!))];
    const now = new Date(Math.max(...visits.map((v) => v.clock_in_at!.getTime())));
    const attended = paged.attendance(caregivers, EVER.from, now);
    assert.deepEqual(attended, whole.attendance(caregivers, EVER.from, now));
    const clockedIn = [...attended.values()].flat().filter((s) => s.clockIn !== null);
    assert.ok(clockedIn.length > 0);
    for (const s of clockedIn)
      assert.ok(
        visits.some(
          (v) => v.appointment_id === s.appointmentId && v.clock_in_at!.getTime() === s.clockIn!.getTime(),
        ),
      );
  });
});
