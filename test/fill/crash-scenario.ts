import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { CapabilityService } from '../../src/capabilities/service.ts';
import { GEOLOCATION_URL } from '../../src/connect/wire/index.ts';
import { nodeArgs } from '../helpers/entry.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import type { EngineFactory } from '../helpers/stores.ts';

const CHILD = nodeArgs(new URL('./fixtures/fill-child.ts', import.meta.url));

/** Runs the child; resolves with its stdout when it exits, or kills it (SIGKILL) when `killOn` is printed. */
function runChild(env: Record<string, string>, killOn?: string) {
  return new Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, CHILD, {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (killOn && out.includes(killOn)) child.kill('SIGKILL');
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0 && signal !== 'SIGKILL')
          reject(new Error(`child exited ${code}: ${err.slice(-2000)}`));
        else resolve({ out, signal, code });
      });
    },
  );
}

/**
 * SIGKILL in the middle of an acceptance — after WellSky took the assignment, before the campaign
 * recorded it — then a restart: exactly one assignment, the campaign filled, the YES not lost.
 */
export function crashCases(factory: EngineFactory) {
  describe(`a crash in the middle of an acceptance (${factory.name})`, { timeout: 240_000 }, () => {
    test('after a restart: filled once, the YES processed, the winner confirmed', async () => {
      const engine = await factory.create();
      after(() => engine.dispose());
      const sim = await simulator({ caregivers: 2, clients: 1, seed: 4, weeks: 1, profile: 'full' });
      const c = sim.control;
      const where = (city: string) => [
        {
          use: 'home',
          city,
          state: 'CO',
          extension: [
            {
              url: GEOLOCATION_URL,
              extension: [
                { url: 'latitude', valueDecimal: 39.73 },
                { url: 'longitude', valueDecimal: -104.83 },
              ],
            },
          ],
        },
      ];
      const client = c.createPatient({
        resourceType: 'Patient',
        active: true,
        name: [{ family: 'Crash', given: ['Client'], text: 'Client Crash' }],
        address: where('Aurora'),
        meta: { tag: [{ code: 'isClient', display: 'true' }] },
      } as never);
      for (let i = 0; i < 4; i++) {
        c.createPractitioner({
          resourceType: 'Practitioner',
          active: true,
          name: [{ family: 'Crash', given: [`Cg${i}`], text: `Cg${i} Crash` }],
          telecom: [{ system: 'phone', value: `30355502${10 + i}`, use: 'mobile' }],
          address: where('Aurora'),
          meta: {
            tag: [
              { code: 'isHired', display: 'true' },
              { code: 'status', display: '100' },
            ],
          },
        } as never);
      }
      const start = new Date(Math.ceil((Date.now() + 30 * 3_600_000) / 3_600_000) * 3_600_000);
      const shiftId = String(
        c.addOneOffShift({
          clientId: String(client.id),
          caregiverId: null,
          start: start.toISOString(),
          end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        }).id,
      );
      // The capability matrix measured once up front (its probes include a PUT), so only assignments count.
      const store = await engine.open();
      await new CapabilityService(store, clientFor(sim)).refresh();
      await store.close();
      const putsBefore = putCount(sim.control.stats().byRoute);

      const env: Record<string, string> = {
        SIM_URL: sim.url,
        SIM_AGENCY: String(sim.agencyId),
        SIM_TZ: sim.timezone,
        SIM_CLIENT_ID: sim.credentials.clientId,
        SIM_CLIENT_SECRET: sim.credentials.clientSecret,
        SHIFT_ID: shiftId,
        SHIFT_DATE: DateTime.fromJSDate(start, { zone: sim.timezone }).toISODate()!,
        ...(engine.databaseUrl
          ? { DATABASE_URL: engine.databaseUrl }
          : { SKYBRIDGE_DATA_DIR: engine.dataDir! }),
      };
      const first = await runChild(
        { ...env, MODE: 'start', SKYBRIDGE_FILL_TEST_PAUSE: 'after-assign' },
        'FILL-PAUSED',
      );
      assert.equal(first.signal, 'SIGKILL', first.out);
      assert.match(first.out, /FILL-PAUSED after-assign/);
      const winner = /WINNER (\d+)/.exec(first.out)![1]!;
      assert.equal(
        putCount(sim.control.stats().byRoute) - putsBefore,
        1,
        'WellSky took the assignment before the kill',
      );

      const second = await runChild({ ...env, MODE: 'resume' });
      const result = JSON.parse(/RESULT (.*)/.exec(second.out)![1]!) as {
        state: string;
        winner: string;
        inbound: { state: string; action: string };
        confirmations: number;
      };
      assert.equal(result.state, 'filled', second.out);
      assert.equal(result.winner, winner);
      assert.equal(result.inbound.state, 'processed', 'the YES was not lost');
      assert.equal(result.inbound.action, 'accepted');
      assert.equal(result.confirmations, 1);
      assert.equal(
        putCount(sim.control.stats().byRoute) - putsBefore,
        1,
        'exactly one assignment: looked before writing again',
      );
      const onShift = [];
      for await (const a of clientFor(sim).appointments.list({
        clientId: String(client.id),
        from: env.SHIFT_DATE!,
        to: env.SHIFT_DATE!,
      }))
        if (String(a.id) === shiftId) onShift.push(a.caregiver ? String(a.caregiver.id) : null);
      assert.deepEqual(onShift, [winner], 'WellSky shows the winner on the shift');
    });
  });
}

function putCount(byRoute: Record<string, number>): number {
  return Object.entries(byRoute)
    .filter(([route]) => route.startsWith('PUT') && route.includes('appointment'))
    .reduce((n, [, v]) => n + v, 0);
}
