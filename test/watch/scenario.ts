import { DEFAULT_WATCH_SETTINGS, type WatchSettings } from '../../src/operations/watch/settings.ts';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { type WatchRuntime, watchRuntime } from '../../src/runtime/watch.ts';
import type { Store } from '../../src/store/index.ts';

// A tiny simulated agency for the watch: the clock is a variable the test moves (no sleeping). It starts at
// 2026-02-12T16:00Z = 09:00 in Denver, a Thursday.
export const START = new Date('2026-02-12T16:00:00Z');
export const at = (iso: string) => new Date(iso);

export interface TestClock {
  now: () => Date;
  set(to: Date): void;
  plusMinutes(from: Date, minutes: number): Date;
}

export function testClock(start: Date = START): TestClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (to) => {
      t = to.getTime();
    },
    plusMinutes: (from, minutes) => new Date(from.getTime() + minutes * 60_000),
  };
}

let phoneSeq = 100;

export interface Person {
  id: string;
  phone: string;
}

export interface WatchScenario {
  app: SkybridgeApp;
  clock: TestClock;
  clientId: string;
  contactPhone: string;
  caregiver(given: string): Person;
  shift(caregiverId: string | null, start: string, end: string): string;
  sync(): Promise<void>;
  watch(options?: { holder?: string; settings?: Partial<WatchSettings>; register?: boolean }): WatchRuntime;
  close(): Promise<void>;
}

export async function buildWatchScenario(store: Store, env: NodeJS.ProcessEnv = {}): Promise<WatchScenario> {
  const clock = testClock();
  const app = await SkybridgeApp.create({
    demo: 'always',
    env: { SKYBRIDGE_MESSAGING: 'simulated', SKYBRIDGE_QUIET_HOURS: 'off', ...env },
    store,
    now: clock.now,
    simulator: { caregivers: 2, clients: 1, seed: 5, weeks: 1 },
  });
  const c = app.simulator!.control;
  phoneSeq += 1;
  const contactPhone = `303555${String(8000 + phoneSeq)}`;
  const client = c.createPatient({
    resourceType: 'Patient',
    active: true,
    name: [{ family: 'Client', given: ['Rosa'], text: 'Rosa Client' }],
    telecom: [{ system: 'phone', value: contactPhone, use: 'home' }],
    meta: { tag: [{ code: 'isClient', display: 'true' }] },
  } as never);
  const clientId = String(client.id);
  return {
    app,
    clock,
    clientId,
    contactPhone,
    caregiver(given) {
      phoneSeq += 1;
      const phone = `720555${String(1000 + phoneSeq)}`;
      const p = c.createPractitioner({
        resourceType: 'Practitioner',
        active: true,
        name: [{ family: 'Watch', given: [given], text: `${given} Watch` }],
        telecom: [{ system: 'phone', value: phone, use: 'mobile' }],
        meta: {
          tag: [
            { code: 'isHired', display: 'true' },
            { code: 'status', display: '100' },
          ],
        },
      } as never);
      return { id: String(p.id), phone };
    },
    shift(caregiverId, start, end) {
      return String(c.addOneOffShift({ clientId, caregiverId, start, end }).id);
    },
    async sync() {
      await app.runSync(undefined, true);
    },
    watch(options = {}) {
      return watchRuntime(app, {
        holder: options.holder ?? 'test-watch',
        settings: { ...DEFAULT_WATCH_SETTINGS, ...options.settings },
        register: options.register ?? true,
      });
    },
    async close() {
      await app.close();
    },
  };
}
