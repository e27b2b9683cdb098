import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { pgliteEngine, type TestEngine } from '../helpers/stores.ts';

const BIN = new URL('../../bin/skybridge.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The CLI runs on the real clock, so the simulator does too. Embedded store (PGlite); the library
// scenarios run on both engines.
describe('clock, candidates and callout commands', () => {
  let sim: RunningSimulator;
  let engine: TestEngine;
  let dataDir: string;
  let env: Record<string, string>;
  let shift: { id: string; day: string; caregiverId: string };

  before(async () => {
    sim = await startSimulator({ clients: 10, caregivers: 12, seed: 4, profile: 'full' });
    // A migrated empty store (test/helpers/templates.ts): the commands are tested, not the folder's creation.
    engine = await pgliteEngine.create();
    dataDir = engine.dataDir!;
    env = {
      WELLSKY_BASE_URL: sim.url,
      WELLSKY_CLIENT_ID: sim.credentials.clientId,
      WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
      WELLSKY_AGENCY_ID: sim.agencyId,
      WELLSKY_TIMEZONE: 'America/Denver',
      SKYBRIDGE_DATA_DIR: dataDir,
    };
    const from = DateTime.now().plus({ days: 3 });
    const found = sim.control.data
      .patients()
      .flatMap((p) =>
        sim.control.data.appointmentsFor({
          clientId: p.id!,
          from: from.toISODate()!,
          to: from.plus({ days: 6 }).toISODate()!,
        }),
      )
      .find((a) => a.caregiver?.id);
    assert.ok(found, 'the simulated agency has an assigned shift next week');
    shift = {
      id: String(found.id),
      day: DateTime.fromISO(found.start, { setZone: true }).setZone('America/Denver').toISODate()!,
      caregiverId: String(found.caregiver!.id),
    };
  });
  after(async () => {
    await sim?.close();
    await engine?.dispose();
  });

  it('says the mirror is empty before a sync', async () => {
    const { code, stderr } = await run(['candidates', '--shift', '1'], env);
    assert.equal(code, 2);
    assert.match(stderr, /run `skybridge sync` first/);
  });

  it('ranks candidates as one JSON object with points, reasons and exclusions', async () => {
    assert.equal((await run(['sync'], env)).code, 0);
    const { code, stdout } = await run(
      ['candidates', '--shift', shift.id, '--date', shift.day, '--limit', '3', '--json'],
      env,
    );
    assert.equal(code, 0);
    const r = JSON.parse(stdout);
    assert.equal(r.shift.id, shift.id);
    assert.equal(r.replacing, shift.caregiverId);
    assert.ok(r.candidates.length > 0 && r.candidates.length <= 3);
    for (const c of r.candidates) {
      assert.match(c.caregiverId, /^\d+$/);
      assert.ok(['A', 'B', 'C'].includes(c.tier));
      assert.deepEqual(Object.keys(c.points).sort(), [
        'continuity',
        'distance',
        'hours',
        'preferred',
        'reliability',
        'tenure',
      ]);
      assert.ok(c.reason.length > 0);
    }
    for (const e of r.excluded) assert.ok(e.reasons.length > 0 && e.reasons[0].code);
  });

  it('clock in on an unknown shift says so and exits non-zero', async () => {
    const { code, stderr } = await run(['clock', 'in', '--shift', '999999999'], env);
    assert.equal(code, 1);
    assert.match(stderr, /no shift 999999999/);
  });

  it('callout opens the shift (full profile) and a second report does nothing new', async () => {
    const args = [
      'callout',
      '--caregiver',
      shift.caregiverId,
      '--shift',
      shift.id,
      '--date',
      shift.day,
      '--reason',
      'flu',
      '--json',
    ];
    const first = await run(args, env);
    assert.equal(first.code, 0, first.stderr);
    const r = JSON.parse(first.stdout);
    assert.equal(r.status, 'recorded');
    assert.equal(r.shiftOpen.state, 'opened');
    assert.equal(r.officeTask.state, 'delivered');
    const tasks = sim.control.adminTasks().length;
    const again = JSON.parse((await run(args, env)).stdout);
    assert.equal(again.repeated, true);
    assert.equal(again.callOutId, r.callOutId);
    assert.equal(sim.control.adminTasks().length, tasks);
  });
});
