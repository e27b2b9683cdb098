import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Mirror } from '../../src/mirror/index.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { clock, NOW, pinnedSimulator, syncFor } from '../sync/helpers.ts';

for (const factory of engines) {
  describe(`lookups from the mirror on ${factory.name}`, () => {
    let engine: TestEngine;
    let store: Store;
    let sim: RunningSimulator;
    let mirror: Mirror;
    let caregiverId: string;
    let caregiverPhone: string;
    let clientId: string;
    let sharedPhone: string;

    before(async () => {
      sim = await pinnedSimulator({ clients: 20, caregivers: 12, seed: 5, profile: 'full' });
      const cg = sim.control.data
        .practitioners()
        .find((p) => p.active && p.meta?.tag?.some((t) => t.code === 'isHired' && t.display === 'true'))!;
      caregiverId = String(cg.id);
      caregiverPhone = cg.telecom!.find((t) => t.use === 'mobile')!.value!;
      const client = sim.control.data
        .patients()
        .find((p) => p.active && p.meta?.tag?.some((t) => t.display === 'true' && t.code === 'isClient'))!;
      clientId = String(client.id);
      // Two people on one number: an applicant gives the client's mobile as theirs.
      sharedPhone = client.telecom!.find((t) => t.use === 'mobile')!.value!;
      sim.control.createPractitioner({
        name: [{ family: 'Okafor', given: ['Chidi'] }],
        telecom: [{ system: 'phone', value: sharedPhone, use: 'home' }],
        meta: {
          tag: [
            { code: 'isHired', display: 'false' },
            { code: 'status', display: '10' },
          ],
        },
      });
      // An office user renames a prospect to a name with accents.
      const prospect = sim.control.data
        .patients()
        .find((p) => p.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'false'))!;
      sim.control.updatePatient(prospect.id as string, { name: [{ family: 'Núñez', given: ['José'] }] });
      // Shifts that test the calendar, all for one caregiver and client (agency zone America/Denver).
      const add = (start: string, end: string) =>
        sim.control.addOneOffShift({ clientId, caregiverId, start, end });
      add('2026-02-21T05:00:00Z', '2026-02-21T13:00:00Z'); // Fri Feb 20 22:00 MST → Sat 06:00
      add('2026-03-08T08:00:00Z', '2026-03-08T11:00:00Z'); // spring forward: 01:00 MST → 05:00 MDT, 3 h
      add('2026-11-01T06:30:00Z', '2026-11-01T10:00:00Z'); // fall back: 00:30 MDT → 03:00 MST, 3.5 h (wall clock says 2.5)
      add('2026-11-01T05:30:00Z', '2026-11-01T06:00:00Z'); // Oct 31 23:30 MDT: not Nov 1
      add('2026-11-02T06:30:00Z', '2026-11-02T07:00:00Z'); // Nov 1 23:30 MST: still Nov 1 (a 25-hour day)
      add('2026-02-12T16:00:00Z', '2026-02-12T20:00:00Z'); // in progress at NOW (17:00Z)
      engine = await factory.create();
      store = await engine.open();
      const { sync } = syncFor(sim, store, { settings: { pastDays: 28, futureDays: 265 } });
      const run = await sync.run();
      assert.equal(run.status, 'ok', run.errors.join('\n'));
      mirror = await Mirror.open({ store, timezone: 'America/Denver', now: clock });
    });
    after(async () => {
      await sim?.close();
      await store?.close();
      await engine?.dispose();
    });

    it('every phone format identifies the same person', () => {
      const d = caregiverPhone;
      const formats = [
        `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
        `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
        d,
        `1${d}`,
        `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)} x123`,
        `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)} ext. 7`,
      ];
      for (const f of formats) {
        const result = mirror.identify(f);
        assert.equal(result.digits, d, f);
        assert.deepEqual(
          result.matches.map((m) => [m.kind, m.id, m.phoneUse]),
          [['caregiver', caregiverId, 'mobile']],
          f,
        );
        assert.equal(result.matches[0]?.syncedAt, NOW.toISOString());
        assert.equal(result.matches[0]?.ageSeconds, 0);
      }
      assert.equal(mirror.identify(`${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)} x123`).extension, '123');
      assert.throws(() => mirror.identify('555-0100'), RangeError);
      assert.throws(() => mirror.identify(''), RangeError);
    });

    it('several people on one number come back as several, active first', () => {
      const { matches } = mirror.identify(sharedPhone);
      const kinds = matches.map((m) => m.kind);
      assert.ok(kinds.includes('client'), JSON.stringify(kinds));
      assert.ok(kinds.includes('applicant'), JSON.stringify(kinds));
      const family = matches.filter((m) => m.kind === 'family');
      for (const f of family) assert.equal(f.client?.id, clientId);
    });

    it('a family contact says whose contact it is and how related', () => {
      const contact = sim.control.data.relatedPersons(clientId)[0]!;
      const { matches } = mirror.identify(contact.telecom![0]!.value!);
      const match = matches.find((m) => m.kind === 'family' && m.id === String(contact.id));
      assert.ok(match);
      assert.equal(match.client?.id, clientId);
      assert.equal(
        match.relationship,
        (contact.relationship as { coding: { display: string }[] }).coding[0]!.display,
      );
    });

    it('name search is partial and ignores case and accents', () => {
      for (const q of ['jose nunez', 'NÚÑEZ', 'nun', 'José']) {
        assert.ok(
          mirror.searchPeople(q).some((p) => p.familyName === 'Núñez' && p.kind === 'prospect'),
          q,
        );
      }
      assert.throws(() => mirror.searchPeople('  '), RangeError);
    });

    it('a shift crossing midnight belongs to the day it starts and shows its end on the next day', async () => {
      const friday = await mirror.shifts({ caregiverId, date: '2026-02-20' });
      const night = friday.shifts.find((s) => s.startUtc === '2026-02-21T05:00:00.000Z');
      assert.ok(night, JSON.stringify(friday.shifts.map((s) => s.start)));
      assert.equal(night.date, '2026-02-20');
      assert.equal(night.startTime, '22:00');
      assert.equal(night.endTime, '06:00');
      assert.equal(night.endsNextDay, true);
      assert.equal(night.endDate, '2026-02-21');
      assert.equal(night.start, '2026-02-20T22:00:00.000-07:00');
      assert.equal(night.client.id, clientId);
      assert.ok(night.client.name, 'names are joined from the mirror');
      const saturday = await mirror.shifts({ caregiverId, date: '2026-02-21' });
      assert.ok(!saturday.shifts.some((s) => s.startUtc === '2026-02-21T05:00:00.000Z'));
    });

    it('DST days show local times with the right offsets and real durations', async () => {
      const spring = (await mirror.shifts({ caregiverId, date: '2026-03-08' })).shifts.find(
        (s) => s.startUtc === '2026-03-08T08:00:00.000Z',
      );
      assert.ok(spring);
      assert.equal(spring.start, '2026-03-08T01:00:00.000-07:00');
      assert.equal(spring.end, '2026-03-08T05:00:00.000-06:00');
      assert.equal(spring.durationMinutes, 180);
      const fall = await mirror.shifts({ caregiverId, date: '2026-11-01' });
      const starts = fall.shifts.map((s) => s.start);
      assert.ok(starts.includes('2026-11-01T00:30:00.000-06:00'), JSON.stringify(starts));
      assert.ok(starts.includes('2026-11-01T23:30:00.000-07:00'), 'the 25-hour day keeps its last hour');
      assert.ok(!starts.some((s) => s.startsWith('2026-10-31')), 'the evening before is not Nov 1');
      const back = fall.shifts.find((s) => s.start === '2026-11-01T00:30:00.000-06:00')!;
      assert.equal(back.end, '2026-11-01T03:00:00.000-07:00');
      assert.equal(back.durationMinutes, 210);
    });

    it("a client's day lists assigned and open shifts, with visits for past ones", async () => {
      const open = sim.control.data
        .patients()
        .map((p) => String(p.id))
        .flatMap((id) =>
          sim.control.data.appointmentsFor({ clientId: id, from: '2026-02-02', to: '2026-02-11' }),
        )
        .find((a) => a.caregiver === null);
      if (open) {
        const day = new Date(new Date(open.start).getTime() - 7 * 3_600_000).toISOString().slice(0, 10);
        const shown = await mirror.shifts({ clientId: String(open.client.id), date: day });
        const s = shown.shifts.find((x) => x.startUtc === new Date(open.start).toISOString());
        assert.equal(s?.isOpen, true);
        assert.equal(s?.caregiver, null);
      }
      const past = await mirror.shifts({ caregiverId, from: '2026-02-02', to: '2026-02-11' });
      const withVisit = past.shifts.filter((s) => s.visit);
      assert.ok(withVisit.length > 0, 'past shifts show their visit');
      for (const s of withVisit) {
        assert.ok(s.visit?.clockIn?.endsWith('-07:00'));
        assert.ok(s.visit?.clockOut);
      }
      await assert.rejects(mirror.shifts({ caregiverId, clientId }), RangeError);
      await assert.rejects(mirror.shifts({ caregiverId, date: '2026-02-30' }), RangeError);
    });

    it("the caregiver's current or next shift", async () => {
      const now = await mirror.currentOrNextShift(caregiverId);
      assert.equal(now?.state, 'in-progress');
      assert.equal(now?.shift.startUtc, '2026-02-12T16:00:00.000Z');
      const later = await mirror.currentOrNextShift(caregiverId, new Date('2026-11-01T05:00:00Z'));
      assert.equal(later?.state, 'upcoming');
      assert.equal(later?.shift.startUtc, '2026-11-01T05:30:00.000Z');
    });

    it('identify answers from memory, without a database round trip (its speed is in npm run bench)', () => {
      const answer = mirror.identify(caregiverPhone) as unknown;
      assert.equal(answer instanceof Promise, false);
      assert.deepEqual(mirror.identify(caregiverPhone), answer);
    });
  });
}
