import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type DoctorReport, runDoctor } from '../../src/capabilities/doctor.ts';
import { formatDoctorReport } from '../../src/capabilities/format.ts';
import { clientFor, simulator } from '../helpers/sim.ts';

function statusOf(report: DoctorReport, id: string) {
  const row = report.capabilities.find((c) => c.id === id);
  assert.ok(row, `no row ${id}`);
  return row.status;
}

describe('doctor', async () => {
  const feb = await simulator({ profile: 'feb-2026', caregivers: 20, clients: 30, weeks: 4 });
  const full = await simulator({ profile: 'full', caregivers: 20, clients: 30, weeks: 4 });

  test('feb-2026: reads and note/clock/office-task writes work; shift changes and POST shift search are refused', async () => {
    const report = await runDoctor({ client: clientFor(feb), simulatorProfile: 'feb-2026' });
    assert.equal(report.authentication.ok, true);
    assert.equal(report.authentication.lifetimeSeconds, 3599);
    for (const id of [
      'caregivers.read',
      'clients.read',
      'shifts.read',
      'visits.read',
      'notes.read',
      'family.read',
      'careplan.read',
    ]) {
      assert.equal(statusOf(report, id), 'available', id);
    }
    for (const id of ['notes.write', 'clock.in', 'clock.out', 'office-tasks.write'])
      assert.equal(statusOf(report, id), 'available', id);
    assert.equal(statusOf(report, 'shifts.write'), 'refused');
    assert.equal(statusOf(report, 'shifts.search-post'), 'refused');
    for (const id of ['client-profile-notes', 'prospect-notes', 'messages'])
      assert.equal(statusOf(report, id), 'no-such-route', id);
    assert.ok(
      report.findings.some((f) => f.includes('active=true')),
      'the silent active filter is reported',
    );
    const documents = report.capabilities.find((c) => c.id === 'documents.write')!;
    assert.match(documents.explanation, /500/);
  });

  test('full: shift changes and the POST shift search are available; nothing is refused', async () => {
    const report = await runDoctor({ client: clientFor(full), simulatorProfile: 'full' });
    assert.equal(statusOf(report, 'shifts.write'), 'available');
    assert.equal(statusOf(report, 'shifts.search-post'), 'available');
    assert.equal(report.summary.refused, 0);
    assert.equal(
      report.findings.some((f) => f.includes('active=true')),
      false,
    );
  });

  test('doctor creates nothing without --probe-writes, and never clocks anyone in', async () => {
    const before = {
      tasks: full.control.adminTasks().length,
      clockIns: full.control.clockIns().length,
      logs: full.control.taskLogs().length,
    };
    await runDoctor({ client: clientFor(full) });
    assert.equal(full.control.adminTasks().length, before.tasks);
    assert.equal(full.control.clockIns().length, before.clockIns);
    assert.equal(full.control.taskLogs().length, before.logs);
  });

  test('--probe-writes shows the February document upload failure and a working office task', async () => {
    const report = await runDoctor({ client: clientFor(feb), probeWrites: true });
    assert.equal(statusOf(report, 'office-tasks.real-write'), 'available');
    assert.equal(statusOf(report, 'documents.real-write'), 'error');
    const fullReport = await runDoctor({ client: clientFor(full), probeWrites: true });
    assert.equal(statusOf(fullReport, 'documents.real-write'), 'available');
    assert.equal(full.control.clockIns().length, 0, 'no clock-in, even with --probe-writes');
  });

  test('a permission withdrawn at run time shows as refused', async () => {
    full.control.setPermissions({ adminTasksWrite: false });
    try {
      const report = await runDoctor({ client: clientFor(full) });
      assert.equal(statusOf(report, 'office-tasks.write'), 'refused');
      assert.match(
        report.capabilities.find((c) => c.id === 'office-tasks.write')!.explanation,
        /ask WellSky/,
      );
    } finally {
      full.control.setPermissions({ adminTasksWrite: true });
    }
  });

  test('bad credentials stop the check with an authentication failure and no probes', async () => {
    const report = await runDoctor({ client: clientFor(feb, { config: { clientSecret: 'wrong' } }) });
    assert.equal(report.authentication.ok, false);
    assert.equal(report.capabilities.length, 0);
    assert.match(formatDoctorReport(report), /Authentication: FAILED/);
  });

  test('an agency id that is not the credentials\' own is named as such, never as "ask WellSky to enable it"', async () => {
    const right = await runDoctor({ client: clientFor(full) });
    assert.equal(right.configuration.agencyIdMatches, true);
    assert.match(formatDoctorReport(right), new RegExp(`Agency id: ${full.agencyId} is the agency`));

    const report = await runDoctor({
      client: clientFor(full, { config: { agencyId: '999' } }),
      probeWrites: true,
    });
    assert.equal(report.configuration.agencyIdMatches, false);
    assert.match(report.findings[0]!, /agency id 999 does not match these credentials.*WELLSKY_AGENCY_ID/);
    const tagged = report.capabilities.filter((c) => c.httpStatus === 403 && /agency/i.test(c.explanation));
    assert.ok(tagged.length >= 2, 'the agency-tagged calls (care plans, a real office task) say why');
    for (const row of tagged) {
      assert.match(row.explanation, /does not match these credentials.*check WELLSKY_AGENCY_ID/);
      assert.doesNotMatch(row.explanation, /ask WellSky to enable/);
      assert.notEqual(row.status, 'refused');
    }
    const text = formatDoctorReport(report);
    assert.match(text, /Agency id: DOES NOT MATCH these credentials/);
    assert.doesNotMatch(text, /ask WellSky to enable it for the agency's API app/);
  });
});
