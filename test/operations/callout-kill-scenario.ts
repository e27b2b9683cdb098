import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { CALL_OUT_LEASE_MS, type CallOutRecorded, reportCallOut } from '../../src/operations/callout.ts';
import { DEFAULT_CALL_OUT_RULES } from '../../src/operations/callout-rules.ts';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { operationsOf } from '../../src/runtime/operations.ts';
import { nodeArgs } from '../helpers/entry.ts';
import { simulator } from '../helpers/sim.ts';
import type { EngineFactory, TestEngine } from '../helpers/stores.ts';

const NOW = new Date('2026-03-02T15:00:00Z');
const RULES = { ...DEFAULT_CALL_OUT_RULES, documentationWaitMs: 0 };

/** The child's environment: the same store and the same simulated WellSky as the parent. */
function envFor(
  engine: TestEngine,
  sim: {
    url: string;
    credentials: { clientId: string; clientSecret: string };
    agencyId: string;
    timezone: string;
  },
) {
  return {
    PATH: process.env.PATH,
    ...(engine.databaseUrl ? { DATABASE_URL: engine.databaseUrl } : { SKYBRIDGE_DATA_DIR: engine.dataDir! }),
    WELLSKY_BASE_URL: sim.url,
    WELLSKY_CLIENT_ID: sim.credentials.clientId,
    WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
    WELLSKY_AGENCY_ID: sim.agencyId,
    WELLSKY_TIMEZONE: sim.timezone,
  };
}

/** Runs the call-out in a child that stops at `point`; SIGKILLs it there and says how it died. */
async function killedAt(point: string, env: Record<string, string | undefined>, input: object) {
  const child = spawn(process.execPath, nodeArgs(new URL('./fixtures/callout-child.ts', import.meta.url)), {
    env: { ...env, CLOCK_NOW: NOW.toISOString(), CALL_OUT: JSON.stringify(input), PAUSE_AT: point },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes(`paused ${point}`)) resolve();
    });
    child.on('exit', () => reject(new Error(`the child ended before pausing at ${point}:\n${out}\n${err}`)));
  });
  child.kill('SIGKILL');
  return exited;
}

/**
 * The scenario for one engine: a child process reports a call-out and is SIGKILLed at each of `points`
 * (one call-out each); the parent then repeats the call-out and it is completed, once.
 */
export function calloutKillScenario(
  engine: EngineFactory,
  points: readonly ('recorded' | 'shift-opened' | 'documented')[],
) {
  describe(`a call-out whose process is killed mid-way is completed by the repeat, once (${engine.name})`, async () => {
    const sim = await simulator({
      profile: 'full',
      caregivers: 6,
      clients: 8,
      weeks: 2,
      seed: 3,
      now: () => NOW,
    });
    const fixture = await engine.create();
    const env = envFor(fixture, sim);
    const open = async (at: Date) => SkybridgeApp.create({ env, demo: 'never', now: () => at });

    // The mirror and the capability matrix, as a running service would have them.
    let app = await open(NOW);
    await app.docs.worker?.refreshCapabilities();
    await app.runSync();
    const shifts = await app.store.db
      .selectFrom('shifts')
      .select(['appointment_id', 'caregiver_id', 'start_at'])
      .where('caregiver_id', 'is not', null)
      .where('removed_at', 'is', null)
      .where('start_at', '>', new Date(NOW.getTime() + 24 * 3_600_000))
      .orderBy('start_at')
      .limit(20)
      .execute();
    await app.close();
    const inputs = shifts
      .filter((r, i) => shifts.findIndex((o) => o.caregiver_id === r.caregiver_id) === i)
      .slice(0, points.length)
      .map((r) => ({
        caregiver: r.caregiver_id!,
        shiftId: r.appointment_id,
        date: DateTime.fromJSDate(r.start_at, { zone: sim.timezone }).toISODate()!,
        reason: 'sick',
      }));
    assert.equal(inputs.length, points.length, 'a caregiver with a shift tomorrow or later per kill');

    for (const [index, point] of points.entries()) {
      test(`killed with SIGKILL right after "${point}": the repeat completes it, once`, async () => {
        const input = inputs[index]!;
        assert.equal(await killedAt(point, env, input), 'SIGKILL', 'the child died by SIGKILL');

        app = await open(NOW);
        try {
          const rows = () =>
            app.store.db
              .selectFrom('call_outs')
              .selectAll()
              .where('caregiver_id', '=', input.caregiver)
              .execute();
          const [left] = await rows();
          assert.equal(left?.status, 'processing', 'the kill left the call-out in progress');
          assert.ok(
            left.lease_owner && left.lease_until,
            'in progress, with an owner and an end to its lease',
          );

          // Within the lease the owner may still be at work: the repeat says so and changes nothing.
          const soon = new Date(NOW.getTime() + 60_000);
          await assert.rejects(
            () => reportCallOut(operationsOf(app), input, { now: soon, rules: RULES }),
            /being recorded right now.*a repeat completes it in at most \d+ s/,
          );

          const later = new Date(NOW.getTime() + CALL_OUT_LEASE_MS + 60_000);
          const done = (await reportCallOut(operationsOf(app), input, {
            now: later,
            rules: RULES,
          })) as CallOutRecorded;
          assert.equal(done.status, 'recorded');
          assert.equal(done.callOutId, left.id, 'the same call-out, completed');
          assert.equal(done.repeated, false);
          assert.equal(done.reportedAt, NOW.toISOString(), 'as first reported');
          assert.ok(['opened', 'already-open'].includes(done.shiftOpen.state), done.shiftOpen.detail);
          const stillTheirs = sim.control.data
            .appointmentsFor({ caregiverId: input.caregiver, from: input.date, to: input.date })
            .filter((a) => String(a.id) === input.shiftId);
          assert.deepEqual(stillTheirs, [], 'the shift is open in WellSky: the caregiver is off it');

          const [finished] = await rows();
          assert.equal(finished!.status, 'done');
          assert.equal(finished!.lease_owner, null);
          const offices = await app.store.db
            .selectFrom('documentation_items')
            .select('id')
            .where('idempotency_key', 'like', `call-out:${input.caregiver}:%:office`)
            .execute();
          assert.equal(offices.length, 1, 'one office task, however many processes worked on it');

          const again = (await reportCallOut(operationsOf(app), input, {
            now: later,
            rules: RULES,
          })) as CallOutRecorded;
          assert.equal(again.repeated, true);
          assert.equal(again.callOutId, left.id);
        } finally {
          await app.close();
        }
      });
    }
    test('cleanup', async () => {
      await fixture.dispose();
    });
  });
}
