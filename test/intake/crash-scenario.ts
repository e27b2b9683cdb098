import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { markerFor } from '../../src/intake/requests.ts';
import { nodeArgs } from '../helpers/entry.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import type { EngineFactory } from '../helpers/stores.ts';
import { fastSleep, intakeService, patientsWithMarker, prospect } from './helpers.ts';

const CHILD = nodeArgs(new URL('./fixtures/upsert-child.ts', import.meta.url));

/**
 * A process is SIGKILLed after WellSky created the prospect and before anything about it was recorded;
 * a restarted process, sent the same deal, finds that record by its marker instead of creating another.
 */
export async function crashAfterCreate(factory: EngineFactory): Promise<void> {
  const engine = await factory.create();
  try {
    const sim = await simulator({ clients: 3, caregivers: 2, weeks: 1, seed: 31, profile: 'full' });
    const key = { source: 'crm', externalId: 'K-1' };
    const body = prospect();
    const child = spawn(process.execPath, CHILD, {
      env: {
        ...process.env,
        SIM_URL: sim.url,
        SIM_CLIENT_ID: sim.credentials.clientId,
        SIM_CLIENT_SECRET: sim.credentials.clientSecret,
        AGENCY_ID: sim.agencyId,
        ...(engine.databaseUrl ? { DATABASE_URL: engine.databaseUrl } : { DATA_DIR: engine.dataDir! }),
        SOURCE: key.source,
        EXTERNAL_ID: key.externalId,
        PAYLOAD: JSON.stringify(body),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout! });
    let paused: string | undefined;
    for await (const line of lines) {
      paused = line;
      break;
    }
    assert.match(paused ?? '', /^paused created SBI-/, 'the child reached the point after the create');
    child.kill('SIGKILL');
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    const marker = markerFor(key.source, key.externalId);
    assert.equal(
      patientsWithMarker(sim, marker).length,
      1,
      'WellSky holds the record the dead process created',
    );

    const store = await engine.open();
    try {
      const service = intakeService(store, clientFor(sim, { sleep: fastSleep }));
      const before = await service.get(key);
      assert.equal(before?.state, 'creating', 'the attempt was recorded before the create');
      const answer = await service.upsert('prospect', key, body);
      assert.equal(answer.outcome, 'created');
      const inWellSky = patientsWithMarker(sim, marker);
      assert.equal(inWellSky.length, 1, 'still one record after the restart');
      assert.equal(String(inWellSky[0]!.id), answer.wellskyId);
      assert.equal((await service.upsert('prospect', key, body)).outcome, 'unchanged');
    } finally {
      await store.close();
    }
  } finally {
    await engine.dispose();
  }
}
