import { GEOLOCATION_URL } from '../../src/connect/wire/index.ts';
import type { OperationsPorts } from '../../src/operations/ports.ts';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { operationsOf } from '../../src/runtime/operations.ts';
import type { Store } from '../../src/store/index.ts';
import { clock } from '../helpers/docs.ts';

// A small simulated agency built for the operations scenarios. The clock starts at NOW
// (2026-02-12T17:00Z = 10:00 in Denver, a Thursday); the workweek runs Monday 9 – Sunday 15.

const home = (lat: number, lon: number) => [
  {
    use: 'home',
    city: 'Denver',
    state: 'CO',
    extension: [
      {
        url: GEOLOCATION_URL,
        extension: [
          { url: 'latitude', valueDecimal: lat },
          { url: 'longitude', valueDecimal: lon },
        ],
      },
    ],
  },
];

let phoneSeq = 7200;
function caregiverBody(given: string, lat: number, lon: number) {
  phoneSeq += 1;
  return {
    resourceType: 'Practitioner' as const,
    active: true,
    name: [{ family: 'Test', given: [given], text: `${given} Test` }],
    gender: 'female',
    telecom: [{ system: 'phone', value: `720555${phoneSeq}`, use: 'mobile' }],
    address: home(lat, lon),
    communication: [{ coding: [{ code: 'en-us', display: 'English' }], preferred: true }],
    meta: {
      tag: [
        { code: 'isHired', display: 'true' },
        { code: 'status', display: '100' },
        { code: 'hireDate', display: '2023-01-10' },
      ],
    },
  };
}

export interface Scenario {
  app: SkybridgeApp;
  /** Operations' ports over the app, as the interfaces get them. */
  ops: OperationsPorts;
  clientId: string;
  ids: { caller: string; history: string; stranger: string; overlapping: string; overtime: string };
  /** The caller's shift tomorrow 10:00–14:00 local. */
  target: string;
  /** The caller's shift starting 90 minutes from NOW. */
  soon: string;
  /** Two shifts of the caller on 2026-02-14. */
  ambiguousDay: string;
  callerPhone: string;
  /** A shift of the stranger starting at 10:30 today, to clock in on. */
  clockShift: string;
}

export async function buildScenario(
  store: Store,
  profile: 'feb-2026' | 'full' = 'feb-2026',
): Promise<Scenario> {
  const app = await SkybridgeApp.create({
    demo: 'always',
    env: {},
    store,
    now: clock,
    simulator: { caregivers: 8, clients: 6, seed: 21, weeks: 4, profile },
  });
  const c = app.simulator!.control;
  const client = c.createPatient({
    resourceType: 'Patient',
    active: true,
    name: [{ family: 'Client', given: ['Scenario'], text: 'Scenario Client' }],
    gender: 'female',
    address: home(39.7, -104.95),
    communication: [{ coding: [{ code: 'en-us', display: 'English' }], preferred: true }],
    meta: {
      tag: [
        { code: 'isClient', display: 'true' },
        { code: 'status', display: '80' },
      ],
    },
  } as never);
  const clientId = String(client.id);
  const mk = (given: string, lat: number, lon: number) =>
    String(c.createPractitioner(caregiverBody(given, lat, lon) as never).id);
  const callerPhone = `720555${phoneSeq + 1}`;
  const ids = {
    caller: mk('Caller', 39.71, -104.96),
    history: mk('History', 39.9, -105.1), // ~15 mi away
    stranger: mk('Stranger', 39.7005, -104.9505), // next door
    overlapping: mk('Overlap', 39.701, -104.951),
    overtime: mk('Overtime', 39.702, -104.952),
  };
  const shift = (caregiverId: string | null, start: string, end: string) =>
    String(c.addOneOffShift({ clientId, caregiverId, start, end }).id);
  // History: three past visits with this client (shifts in the past get visits in the simulator).
  for (const day of ['2026-02-02', '2026-02-05', '2026-02-09'])
    shift(ids.history, `${day}T16:00:00Z`, `${day}T19:00:00Z`);
  const target = shift(ids.caller, '2026-02-13T17:00:00Z', '2026-02-13T21:00:00Z');
  // Overlaps the target's end (13:30 local), inside the travel buffer.
  shift(ids.overlapping, '2026-02-13T20:30:00Z', '2026-02-13T23:00:00Z');
  // 38 h already this week: the target's 4 h would be overtime (but under the 50 h cap).
  // (For another client, so it brings no continuity with this one.)
  const other = String(
    c.createPatient({
      resourceType: 'Patient',
      active: true,
      name: [{ family: 'Client', given: ['Other'], text: 'Other Client' }],
      meta: { tag: [{ code: 'isClient', display: 'true' }] },
    } as never).id,
  );
  for (const day of ['2026-02-09', '2026-02-10', '2026-02-11'])
    c.addOneOffShift({
      clientId: other,
      caregiverId: ids.overtime,
      start: `${day}T13:00:00Z`,
      end: `${day}T23:00:00Z`,
    });
  c.addOneOffShift({
    clientId: other,
    caregiverId: ids.overtime,
    start: '2026-02-14T13:00:00Z',
    end: '2026-02-14T21:00:00Z',
  });
  const soon = shift(ids.caller, '2026-02-12T18:30:00Z', '2026-02-12T20:30:00Z');
  const ambiguousDay = '2026-02-14';
  shift(ids.caller, '2026-02-14T15:00:00Z', '2026-02-14T17:00:00Z');
  shift(ids.caller, '2026-02-14T20:00:00Z', '2026-02-14T22:00:00Z');
  const clockShift = shift(ids.stranger, '2026-02-12T17:30:00Z', '2026-02-12T19:30:00Z');
  await app.runSync(undefined, true);
  return { app, ops: operationsOf(app), clientId, ids, target, soon, ambiguousDay, callerPhone, clockShift };
}
