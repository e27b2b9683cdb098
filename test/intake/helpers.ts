import { after } from 'node:test';
import type { ConnectClient } from '../../src/connect/client.ts';
import { tagValue } from '../../src/connect/wire/common.ts';
import type { PatientWire, PractitionerWire } from '../../src/connect/wire/index.ts';
import { connectPeople } from '../../src/intake/people.ts';
import { IntakeRepo } from '../../src/intake/repo.ts';
import { IntakeService } from '../../src/intake/service.ts';
import { stageTablesFromEnv } from '../../src/intake/stages.ts';
import { storeTagMemory } from '../../src/intake/tag-memory.ts';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { clientFor, simulator } from '../helpers/sim.ts';
import type { EngineFactory } from '../helpers/stores.ts';

export const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));

/** A store on one engine and a small simulated agency, closed when the file's tests end. */
export async function intakeFixture(factory: EngineFactory, sim: SimulatorOptions = {}) {
  const engine = await factory.create();
  after(() => engine.dispose());
  let store = await engine.open();
  after(() => store.close());
  const running = await simulator({ clients: 6, caregivers: 4, weeks: 1, seed: 12, profile: 'full', ...sim });
  const client = clientFor(running, { sleep: fastSleep, config: { rateLimitPerSecond: 1000 } });
  return {
    engine,
    sim: running,
    client,
    get store() {
      return store;
    },
    service: (env: NodeJS.ProcessEnv = {}, c: ConnectClient = client) => intakeService(store, c, env),
    /** Close and open the store again, as a restarted process would. */
    async reopen() {
      await store.close();
      store = await engine.open();
      return store;
    },
  };
}

export function intakeService(store: Store, client: ConnectClient, env: NodeJS.ProcessEnv = {}) {
  return new IntakeService({
    repo: new IntakeRepo(store),
    people: connectPeople(client, storeTagMemory(store)),
    stages: stageTablesFromEnv(env),
    sleep: fastSleep,
  });
}

/** The simulator's patients carrying this marker (what WellSky holds, not what Skybridge believes). */
export function patientsWithMarker(sim: RunningSimulator, marker: string): PatientWire[] {
  return sim.control.data.patients().filter((p) => tagValue(p.meta, 'externalId') === marker);
}

export function practitionersWithMarker(sim: RunningSimulator, marker: string): PractitionerWire[] {
  return sim.control.data.practitioners().filter((p) => tagValue(p.meta, 'externalId') === marker);
}

export function patient(sim: RunningSimulator, id: string): PatientWire {
  const found = sim.control.data.patients().find((p) => String(p.id) === id);
  if (!found) throw new Error(`no patient ${id} in the simulator`);
  return found;
}

let counter = 0;
/** A prospect nobody in the generated agency resembles. */
export function prospect(overrides: Record<string, unknown> = {}) {
  counter++;
  const area = 720 + (counter % 9);
  return {
    givenName: `Oriel${counter}`,
    familyName: `Quimby${counter}`,
    phones: [{ use: 'mobile', number: `+1 (${area}) 555-${String(1000 + counter).slice(-4)}` }],
    email: `oriel${counter}@example.test`,
    stage: 'New Lead',
    birthDate: '1941-03-09',
    ...overrides,
  };
}
