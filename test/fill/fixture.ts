import { GEOLOCATION_URL } from '../../src/connect/wire/index.ts';
import type { OutboundView } from '../../src/messaging/index.ts';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import type { Store } from '../../src/store/index.ts';

// A small agency for the fill scenarios: one client in Aurora, `count` caregivers living nearby with
// their own phones, and open shifts on separate days so one case's winner never clashes with another's.
// The clock is manual: it starts at NOW (10:00 in Denver, Thursday 2026-02-12) and moves only when a
// test moves it.

export const NOW = new Date('2026-02-12T17:00:00Z');

export class ManualClock {
  t = NOW.getTime();
  now = () => new Date(this.t);
  advance(minutes: number) {
    this.t += minutes * 60_000;
  }
  set(iso: string) {
    this.t = Date.parse(iso);
  }
}

const home = (lat: number, lon: number, city: string) => [
  {
    use: 'home',
    line: ['12 Hidden Street'],
    city,
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

export interface Caregiver {
  id: string;
  phone: string;
}

export interface FillScenario {
  app: SkybridgeApp;
  clock: ManualClock;
  clientId: string;
  clientName: string;
  caregivers: Caregiver[];
  /** Open one-off shifts, one per case, each on its own day (start UTC ISO → id). */
  open: { id: string; date: string; start: string }[];
  /** An open shift starting 90 minutes from NOW. */
  soon: { id: string; date: string };
  /** A shift assigned to `caller`, to call out of. */
  assigned: { id: string; date: string; callerId: string; callerPhone: string };
  phoneOf(id: string): string;
  idOf(phone: string): string;
  /** Outbound texts, oldest first (optionally to one phone). */
  outbound(phone?: string): Promise<OutboundView[]>;
  /** Appointment PUTs the simulator has answered. */
  puts(): number;
  /** Who the simulator shows on shift `id` at `startIso`. */
  caregiverOn(id: string, date: string): Promise<string | null>;
}

export async function fillScenario(
  store: Store,
  options: { count?: number; openDays?: string[]; env?: Record<string, string>; phoneBase?: number } = {},
): Promise<FillScenario> {
  const clock = new ManualClock();
  const app = await SkybridgeApp.create({
    demo: 'always',
    env: { SKYBRIDGE_QUIET_HOURS: 'off', ...options.env },
    store,
    now: clock.now,
    simulator: { caregivers: 3, clients: 2, seed: 9, weeks: 2, profile: 'full' },
  });
  const c = app.simulator!.control;
  const clientName = 'Rosalind Quimby';
  const client = c.createPatient({
    resourceType: 'Patient',
    active: true,
    name: [{ family: 'Quimby', given: ['Rosalind'], text: clientName }],
    gender: 'female',
    address: home(39.7294, -104.8319, 'Aurora'),
    communication: [{ coding: [{ code: 'en-us', display: 'English' }], preferred: true }],
    meta: {
      tag: [
        { code: 'isClient', display: 'true' },
        { code: 'status', display: '80' },
      ],
    },
  } as never);
  const clientId = String(client.id);
  const base = options.phoneBase ?? 3035550100;
  const caregivers: Caregiver[] = [];
  for (let i = 0; i < (options.count ?? 55); i++) {
    const phone = String(base + i);
    const p = c.createPractitioner({
      resourceType: 'Practitioner',
      active: true,
      name: [{ family: 'Fill', given: [`Cg${i}`], text: `Cg${i} Fill` }],
      gender: 'female',
      telecom: [{ system: 'phone', value: phone, use: 'mobile' }],
      address: home(39.73 + i * 0.001, -104.83, 'Aurora'),
      communication: [{ coding: [{ code: 'en-us', display: 'English' }], preferred: true }],
      meta: {
        tag: [
          { code: 'isHired', display: 'true' },
          { code: 'status', display: '100' },
          { code: 'hireDate', display: '2023-01-10' },
        ],
      },
    } as never);
    caregivers.push({ id: String(p.id), phone });
  }
  const days = options.openDays ?? [
    '2026-02-13',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-14',
    '2026-02-25',
    '2026-02-26',
    '2026-02-27',
  ];
  const open = days.map((date) => {
    const start = `${date}T17:00:00Z`;
    const id = String(c.addOneOffShift({ clientId, caregiverId: null, start, end: `${date}T21:00:00Z` }).id);
    return { id, date, start };
  });
  // Starts 90 minutes from NOW: too soon for waves, so everyone eligible is asked at once.
  const soon = String(
    c.addOneOffShift({
      clientId,
      caregiverId: null,
      start: '2026-02-12T18:30:00Z',
      end: '2026-02-12T20:30:00Z',
    }).id,
  );
  const caller = caregivers[caregivers.length - 1]!;
  const assignedId = String(
    c.addOneOffShift({
      clientId,
      caregiverId: caller.id,
      start: '2026-02-23T17:00:00Z',
      end: '2026-02-23T21:00:00Z',
    }).id,
  );
  await app.runSync(undefined, true);
  // Measured up front (the doctor's safe probes include a refused PUT), so a test counts only assignments.
  await app.docs.capabilities?.refresh(clock.now());
  const byPhone = new Map(caregivers.map((g) => [g.phone, g.id]));
  const byId = new Map(caregivers.map((g) => [g.id, g.phone]));
  return {
    app,
    clock,
    clientId,
    clientName,
    caregivers,
    open,
    soon: { id: soon, date: '2026-02-12' },
    assigned: { id: assignedId, date: '2026-02-23', callerId: caller.id, callerPhone: caller.phone },
    phoneOf: (id) => byId.get(id) ?? app.fills.engine.ports.contacts.caregiverContact(id) ?? '',
    idOf: (phone) => byPhone.get(phone) ?? '',
    async outbound(phone) {
      const list = await app.messaging.list({
        direction: 'outbound',
        limit: 500,
        ...(phone ? { phone } : {}),
      });
      return (list as OutboundView[]).reverse();
    },
    puts: () =>
      Object.entries(c.stats().byRoute)
        .filter(([route]) => route.startsWith('PUT') && route.includes('appointment'))
        .reduce((n, [, v]) => n + v, 0),
    async caregiverOn(id, date) {
      const list = await (async () => {
        const out = [];
        for await (const a of app.client.appointments.list({ clientId, from: date, to: date })) out.push(a);
        return out;
      })();
      const found = list.find((a) => String(a.id) === id);
      return found?.caregiver ? String(found.caregiver.id) : null;
    },
  };
}
