import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { ConnectError } from '../../src/connect/errors.ts';
import { collect } from '../../src/connect/paging.ts';
import { clientFor, simulator } from '../helpers/sim.ts';

const NOW = new Date('2026-02-12T17:00:00Z');

describe('reads against the simulator', async () => {
  const sim = await simulator({ clients: 1100, caregivers: 150, weeks: 9, now: () => NOW, rateLimit: 5000 });
  const client = clientFor(sim, { config: { rateLimitPerSecond: 1000 } });

  test('listing clients pages past 100 and past 1,000 records, every record exactly once, in the fewest pages', async () => {
    const expected = sim.control.data.patients().map((p) => String(p.id));
    assert.ok(expected.length > 1000);
    sim.control.resetStats();
    const listed = (await collect(client.patients.list())).map((p) => p.id);
    assert.equal(listed.length, expected.length);
    assert.deepEqual(new Set(listed), new Set(expected));
    assert.equal(sim.control.stats().byRoute['POST /v1/patients/_search/'], Math.ceil(expected.length / 100));
  });

  test('a client with more than 100 shifts in a month gets all of them, one entry per occurrence', async () => {
    const clientId = sim.control.data.highFrequencyClients()[0];
    assert.ok(clientId, 'the generated agency has a high-frequency client');
    const expected = sim.control.data.appointmentsFor({ clientId, from: '2026-02-01', to: '2026-02-28' });
    assert.ok(expected.length > 100, `only ${expected.length} shifts`);
    const shifts = await collect(
      client.appointments.list({ clientId, from: '2026-02-01', to: '2026-02-28' }),
    );
    assert.equal(shifts.length, expected.length);
    const keys = new Set(shifts.map((s) => `${s.id}@${s.start}`));
    assert.equal(keys.size, shifts.length);
    assert.ok(
      new Set(shifts.map((s) => s.id)).size < shifts.length,
      'recurring shifts share one id across dates',
    );
  });

  test('a caregiver range spanning months is split into legal windows and filtered to the agency-local days', async () => {
    const caregiver = sim.control.data
      .practitioners()
      .find(
        (p) =>
          sim.control.data.appointmentsFor({ caregiverId: p.id, from: '2026-01-25', to: '2026-03-03' })
            .length > 5,
      );
    assert.ok(caregiver);
    sim.control.resetStats();
    const shifts = await collect(
      client.appointments.list({ caregiverId: String(caregiver.id), from: '2026-01-25', to: '2026-03-03' }),
    );
    const expected = sim.control.data.appointmentsFor({
      caregiverId: caregiver.id,
      from: '2026-01-25',
      to: '2026-03-03',
    });
    assert.deepEqual(
      new Set(shifts.map((s) => `${s.id}@${s.start}`)),
      new Set(expected.map((s) => `${s.id}@${s.start}`)),
    );
    for (const shift of shifts) {
      const local = DateTime.fromISO(shift.start).setZone('America/Denver').toISODate()!;
      assert.ok(local >= '2026-01-25' && local <= '2026-03-03', `${shift.start} is outside the range`);
    }
    // Jan 25-31 (one window), February (month), Mar 1-3 (one window).
    assert.equal(sim.control.stats().byRoute['GET /v1/appointment/'], 3);
  });

  test('visits of a caregiver come back with their clock times and the shift they belong to', async () => {
    const visit = sim.control.data.encounters({ from: '2026-02-02', to: '2026-02-06' })[0]!;
    const caregiverId = /Practitioner\/(\d+)/.exec(JSON.stringify(visit.participant))![1]!;
    const visits = await collect(
      client.encounters.search({ caregiverId, from: '2026-02-02', to: '2026-02-06' }),
    );
    const found = visits.find((v) => v.id === String(visit.id));
    assert.ok(found);
    assert.ok(found.period?.start);
    assert.match(found.appointment!.reference, /^Appointment\/\d+$/);
  });

  test('family contacts of a client are read from the related-person route', async () => {
    const patient = sim.control.data
      .patients()
      .find((p) => sim.control.data.relatedPersons(p.id).length > 0)!;
    const family = await client.relatedPersons.ofPatient(String(patient.id));
    assert.equal(family.length, sim.control.data.relatedPersons(patient.id).length);
  });

  test('a shift id where a visit id is needed is a not-found error, not a crash', async () => {
    const shift = sim.control.data.appointmentsFor({
      clientId: sim.control.data.highFrequencyClients()[0]!,
      from: '2026-02-01',
      to: '2026-02-01',
    })[0]!;
    await assert.rejects(client.encounters.taskLogs(String(shift.id)), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.kind, 'not-found');
      assert.equal(error.route, '/v1/encounter/{encounterId}/tasklog/');
      return true;
    });
  });
});

describe('writes against the simulator', async () => {
  const sim = await simulator({ clients: 30, caregivers: 20, weeks: 4, now: () => NOW, profile: 'full' });
  const client = clientFor(sim);

  test('clock-in without a position sends no position, and repeating it returns the same visit', async () => {
    const shift = sim.control.data
      .appointmentsFor({ clientId: sim.control.data.patients()[0]!.id, from: '2026-02-13', to: '2026-02-20' })
      .find((s) => s.caregiver);
    assert.ok(shift, 'a staffed future shift');
    const first = await client.encounters.clockIn(String(shift.id), { start: shift.start });
    const again = await client.encounters.clockIn(String(shift.id), { start: shift.start });
    assert.equal(first.id, again.id);
    const events = sim.control.clockIns().filter((e) => e.kind === 'clockin');
    assert.ok(events.length >= 2);
    for (const event of events) assert.equal('position' in (event.body as object), false);
    await client.encounters.clockOut(first.id, {
      end: shift.end,
      position: { latitude: 39.7, longitude: -104.9 },
    });
    const out = sim.control.clockIns().find((e) => e.kind === 'clockout')!;
    assert.deepEqual((out.body as { position: unknown }).position, { latitude: 39.7, longitude: -104.9 });
  });

  test('a task log on a visit is created and listed back', async () => {
    const visit = sim.control.data.encounters({ from: '2026-02-09', to: '2026-02-11' })[0]!;
    const created = await client.encounters.addTaskLog(String(visit.id), {
      resourceType: 'TaskLog',
      title: 'Care alert',
      description: 'Client asked for a later visit on Friday.',
      status: 'COMPLETE',
      recorded: '2026-02-11T16:00:00Z',
      show_in_family_room: false,
    });
    assert.ok(created.taskLogId);
    const logs = await client.encounters.taskLogs(String(visit.id));
    assert.ok(logs.some((l) => l.id === created.taskLogId && l.description?.includes('later visit')));
  });

  test('an encounter that answers success:false is an action-failed error, never a success', async () => {
    sim.control.setQuirks({ encounterRejectsTaskLog: true });
    try {
      let failures = 0;
      for (const visit of sim.control.data
        .encounters({ from: '2026-01-20', to: '2026-02-11' })
        .slice(0, 200)) {
        try {
          await client.encounters.addTaskLog(String(visit.id), {
            resourceType: 'TaskLog',
            title: 't',
            description: 'd',
            status: 'COMPLETE',
            recorded: '2026-02-11T16:00:00Z',
            show_in_family_room: false,
          });
        } catch (error) {
          assert.ok(error instanceof ConnectError);
          assert.equal(error.kind, 'action-failed');
          failures++;
        }
      }
      assert.ok(failures > 0, 'some encounters reject task logs');
    } finally {
      sim.control.setQuirks({ encounterRejectsTaskLog: false });
    }
  });
});
