import {
  GEOLOCATION_URL,
  type PatientWire,
  type PractitionerWire,
  type RelatedPersonWire,
} from '../../connect/wire/index.ts';
import { ID_BASE } from '../ids.ts';
import { type AgencyZone, isoDay, weekdayOf } from './calendar.ts';
import * as V from './names.ts';
import { Rng } from './random.ts';
import { Schedule } from './schedule.ts';
import { AgencyStore } from './store.ts';

export interface GenerateOptions {
  seed: number;
  caregivers: number;
  clients: number;
  weeks: number;
  agencyId: string;
  zone: AgencyZone;
  nowMs: number;
}

const DAY_MS = 86_400_000;
const WEEK_MIN = 7 * 1440;
/** Travel buffer between two shifts of one caregiver. */
const BUFFER_MIN = 30;
const MAX_WEEKLY_MIN = 50 * 60;

interface Home {
  line: string;
  city: string;
  zip: string;
  lat: number;
  lon: number;
}

interface Caregiver {
  id: number;
  lat: number;
  lon: number;
  busy: [number, number][];
  minutes: number;
}

/**
 * A seeded, fully synthetic agency. Same seed + same `now` ⇒ identical data: one Rng consumed in a fixed
 * order, and per-occurrence decisions (open shifts, visit jitter) hashed from ids instead of drawn.
 */
export function generateAgency(o: GenerateOptions): AgencyStore {
  const rng = new Rng(o.seed);
  const today = o.zone.dayOf(o.nowMs);
  const monday = today - weekdayOf(today);
  const firstDay = monday - 7 * Math.round(o.weeks / 3);
  const lastDay = firstDay + 7 * Math.max(1, o.weeks) - 1;
  const schedule = new Schedule(o.zone, o.seed, firstDay - 300);
  const store = new AgencyStore(schedule, o.agencyId, { firstDay, lastDay });
  const phones = new PhoneBook(rng);
  const created = () => o.nowMs - rng.int(30, 1500) * DAY_MS - rng.int(0, 86_399) * 1000;
  const updated = (c: number) => Math.min(o.nowMs - 3_600_000, c + rng.int(0, 400) * DAY_MS);

  store.locations.push(
    {
      id: ID_BASE.location,
      name: 'Denver Central Office',
      city: 'Denver',
      lat: 39.7392,
      lon: -104.9903,
      phone: phones.take(),
    },
    {
      id: ID_BASE.location + 1,
      name: 'Aurora East Office',
      city: 'Aurora',
      lat: 39.6985,
      lon: -104.8366,
      phone: phones.take(),
    },
  );
  store.organization = {
    resourceType: 'Organization',
    id: o.agencyId,
    name: 'Front Range Home Care (simulated)',
    subdomain: 'frontrange-sim',
    address: [{ line: ['1550 Larimer St'], city: 'Denver', state: 'CO', postalCode: '80202', country: 'US' }],
  };
  V.PROFILE_TAGS.forEach((tag, i) => {
    const id = ID_BASE.profileTag + i;
    store.profileTags.set(id, { resourceType: 'ProfileTag', id: String(id), ...tag });
  });
  store.next.profileTag = ID_BASE.profileTag + V.PROFILE_TAGS.length;
  store.activityCatalogue.push(...V.CARE_PLAN_ACTIVITIES);
  V.REFERRAL_SOURCES.forEach((source, i) => {
    const id = ID_BASE.referralSource + i;
    store.referralSources.set(id, { resourceType: 'ReferralSource', id: String(id), ...source });
  });
  store.next.referralSource = ID_BASE.referralSource + V.REFERRAL_SOURCES.length;
  const tagId = (name: string) =>
    String(ID_BASE.profileTag + V.PROFILE_TAGS.findIndex((t) => t.name === name));
  const nearestOffice = (lon: number) => String(lon > -104.9 ? ID_BASE.location + 1 : ID_BASE.location);

  // Caregivers and applicants (facts §3.3).
  const pool: Caregiver[] = [];
  for (let i = 0; i < o.caregivers; i++) {
    const id = ID_BASE.practitioner + i;
    const female = rng.chance(0.85);
    const given = rng.pick(female ? V.FEMALE_GIVEN : V.MALE_GIVEN);
    const family = rng.pick(V.FAMILY);
    const home = randomHome(rng);
    const hired = rng.chance(0.8);
    const deactivated = hired && rng.chance(0.06);
    const status = hired ? '100' : rng.pick(V.APPLICANT_STATUSES);
    const second = rng.chance(0.25) ? rng.pick(V.LANGUAGES) : undefined;
    const tags = new Set<string>();
    for (const cert of [
      'CNA',
      'HHA',
      'CPR',
      'QMAP',
      'Hoyer Lift',
      'Dementia Care',
      'Hospice Care',
      'Driver',
      'Non-Smoker',
    ]) {
      if (rng.chance(cert === 'CPR' ? 0.7 : 0.25)) tags.add(tagId(cert));
    }
    if (second?.tag) tags.add(tagId(second.tag));
    const c = created();
    const metaTags = [
      { code: 'agencyId', display: o.agencyId },
      { code: 'isHired', display: String(hired) },
      { code: 'status', display: status },
      { code: 'locationId', display: nearestOffice(home.lon) },
      { code: 'profileTags', display: [...tags].sort().join(',') },
      { code: 'externalId', display: `EMP${10_000 + i}` },
    ];
    if (hired)
      metaTags.push({
        code: 'hireDate',
        display: isoDay(Math.floor((c + rng.int(1, 60) * DAY_MS) / DAY_MS)),
      });
    if (deactivated) metaTags.push({ code: 'deactivationReason', display: rng.pick(V.DEACTIVATION_REASONS) });
    const telecom = [{ system: 'phone', value: phones.take(), use: 'mobile' }];
    if (rng.chance(0.25)) telecom.push({ system: 'phone', value: phones.take(), use: 'home' });
    if (rng.chance(0.1)) telecom.push({ system: 'phone', value: phones.take(), use: 'work' });
    telecom.push({ system: 'email', value: emailOf(given, family, id), use: 'home' });
    const wire: PractitionerWire = {
      resourceType: 'Practitioner',
      id: String(id),
      active: !deactivated && status !== '90',
      name: [{ use: 'official', family, given: [given], text: `${given} ${family}` }],
      telecom,
      address: [addressOf(home)],
      gender: female ? 'female' : 'male',
      birthDate: isoDay(Math.floor(Date.UTC(rng.int(1962, 2003), rng.int(0, 11), rng.int(1, 28)) / DAY_MS)),
      communication: [
        { coding: [{ ...V.ENGLISH }], preferred: !second },
        ...(second ? [{ coding: [{ code: second.code, display: second.display }] }] : []),
      ],
      meta: { tag: metaTags },
    };
    store.addPerson('practitioner', wire, c, updated(c));
    if (hired && !deactivated) pool.push({ id, lat: home.lat, lon: home.lon, busy: [], minutes: 0 });
  }
  store.next.practitioner = ID_BASE.practitioner + o.caregivers;

  // Clients, prospects and discharged clients (facts §3.4), with their family contacts (§3.12).
  const activeClients: { id: number; home: Home; doNotSend?: number; record: PatientWire }[] = [];
  for (let i = 0; i < o.clients; i++) {
    const id = ID_BASE.patient + i;
    const roll = rng.next();
    const kind = roll < 0.7 ? 'active' : roll < 0.85 ? 'prospect' : 'discharged';
    const female = rng.chance(0.62);
    const given = rng.pick(female ? V.FEMALE_GIVEN : V.MALE_GIVEN);
    const family = rng.pick(V.FAMILY);
    const home = randomHome(rng);
    const homePhone = rng.chance(0.55) ? phones.take() : undefined;
    const telecom = [{ system: 'phone', value: phones.take(), use: 'mobile' }];
    if (homePhone) telecom.push({ system: 'phone', value: homePhone, use: 'home' });
    const language = rng.chance(0.15) ? rng.pick(V.LANGUAGES.slice(0, 3)) : undefined;
    const status = kind === 'active' ? '80' : kind === 'prospect' ? rng.pick(V.PROSPECT_STATUSES) : '100';
    const c = created();
    const metaTags = [
      { code: 'agencyId', display: o.agencyId },
      { code: 'isClient', display: String(kind !== 'prospect') },
      { code: 'status', display: status },
      { code: 'locationId', display: nearestOffice(home.lon) },
    ];
    if (rng.chance(0.5))
      metaTags.push({ code: 'referralSource', display: rng.pick(V.REFERRAL_SOURCES).name });
    if (kind === 'active') metaTags.push({ code: 'authorizedHoursWeekly', display: String(rng.int(4, 40)) });
    if (rng.chance(0.2)) metaTags.push({ code: 'externalId', display: `CRM-${50_000 + i}` });
    const wire: PatientWire = {
      resourceType: 'Patient',
      id: String(id),
      active: kind !== 'discharged',
      name: [{ use: 'official', family, given: [given], text: `${given} ${family}` }],
      telecom,
      address: [addressOf(home)],
      gender: female ? 'female' : 'male',
      birthDate: isoDay(Math.floor(Date.UTC(rng.int(1928, 1965), rng.int(0, 11), rng.int(1, 28)) / DAY_MS)),
      maritalStatus: [{ coding: [rng.pick(V.MARITAL)] }],
      communication: language
        ? [
            { coding: [{ code: language.code, display: language.display }], preferred: true },
            { coding: [{ ...V.ENGLISH }] },
          ]
        : [{ coding: [{ ...V.ENGLISH }], preferred: true }],
      meta: { tag: metaTags },
    };
    const record = store.addPerson('patient', wire, c, updated(c));
    if (kind === 'active') activeClients.push({ id, home, record: record.wire as PatientWire });

    const contacts = rng.int(1, 3);
    for (let k = 0; k < contacts; k++) {
      const rid = store.next.relatedPerson++;
      const relation = rng.pick(V.RELATIONSHIPS);
      // ~10 % of contacts share the client's home line, so one phone can match two people.
      const shared = rng.chance(0.1);
      const phone = shared ? (homePhone ?? (telecom[0]?.value as string)) : phones.take();
      const related: RelatedPersonWire = {
        resourceType: 'RelatedPerson',
        id: String(rid),
        patient: { reference: `Patient/${id}` },
        name: [
          {
            given: [rng.pick(rng.chance(0.5) ? V.FEMALE_GIVEN : V.MALE_GIVEN)],
            family: rng.chance(0.6) ? family : rng.pick(V.FAMILY),
          },
        ],
        relationship: { coding: [{ code: relation.code, display: relation.display }] },
        telecom: [{ system: 'phone', value: phone, use: shared ? 'home' : 'mobile' }],
        address: [{ city: home.city, state: 'CO' }],
        emergencyContact: k === 0 || rng.chance(0.3),
        primaryContact: k === 0,
        payer: rng.chance(0.2),
        poa: rng.chance(0.15),
      };
      store.addRelated(id, related);
    }
  }

  // Shifts (facts §3.5): weekly series with a caregiver who is never double-booked.
  const hf = activeClients.filter(() => rng.chance(0.01));
  if (hf.length === 0 && activeClients.length >= 20 && activeClients[0]) hf.push(activeClients[0]);
  const hfIds = new Set(hf.map((c) => c.id));
  for (const client of activeClients) {
    if (pool.length > 0 && rng.chance(0.08)) client.doNotSend = rng.pick(pool).id;
    const slots: { weekday: number; start: number; dur: number }[] = [];
    if (hfIds.has(client.id)) {
      store.highFrequencyClients.push(client.id);
      for (let weekday = 0; weekday < 7; weekday++) {
        for (const start of [6 * 60, 10 * 60, 14 * 60, 18 * 60]) slots.push({ weekday, start, dur: 180 });
      }
    } else {
      for (const weekday of rng.sample([0, 1, 2, 3, 4, 5, 6], rng.int(2, 4))) {
        if (rng.chance(0.04)) {
          slots.push({ weekday, start: 22 * 60, dur: 8 * 60 }); // overnight, crosses midnight
        } else {
          const start = rng.pick([7, 8, 9, 10, 12, 13, 15, 17]) * 60;
          slots.push({ weekday, start, dur: Math.min(rng.int(2, 8) * 60, 22 * 60 - start) });
        }
      }
    }
    const assigned: number[] = [];
    for (const slot of slots) {
      const caregiver = chooseCaregiver(rng, pool, client, slot, assigned);
      if (caregiver && !assigned.includes(caregiver.id)) assigned.push(caregiver.id);
      addSeries(store, rng, client.id, caregiver?.id ?? null, slot, firstDay, lastDay);
    }
    if (rng.chance(0.05)) {
      const day = rng.int(firstDay, lastDay);
      const slot = { weekday: weekdayOf(day), start: 10 * 60, dur: 4 * 60 };
      const caregiver = chooseCaregiver(rng, pool, client, slot, assigned);
      addSeries(store, rng, client.id, caregiver?.id ?? null, slot, day, day, true);
    }
    // Preference tags are a simulator assumption (WellSky keeps them in the UI); written as meta tags.
    const extra: { code: string; display: string }[] = [];
    if (assigned.length > 0 && rng.chance(0.6))
      extra.push({ code: 'preferredCaregivers', display: assigned.slice(0, 2).join(',') });
    if (client.doNotSend !== undefined) extra.push({ code: 'doNotSend', display: String(client.doNotSend) });
    if (rng.chance(0.2))
      extra.push({ code: 'genderPreference', display: rng.chance(0.85) ? 'female' : 'male' });
    if (rng.chance(0.15))
      extra.push({ code: 'requiredTags', display: tagId(rng.pick(['Hoyer Lift', 'Dementia Care', 'CNA'])) });
    if (extra.length > 0) client.record.meta?.tag?.push(...extra);
  }
  return store;
}

function addSeries(
  store: AgencyStore,
  rng: Rng,
  clientId: number,
  caregiverId: number | null,
  slot: { weekday: number; start: number; dur: number },
  firstDay: number,
  lastDay: number,
  oneOff = false,
): void {
  const ordinal = store.schedule.series.length;
  const taskNames = rng.sample(V.SHIFT_TASKS, 2);
  store.schedule.add({
    clientId,
    caregiverId,
    weekday: oneOff ? null : slot.weekday,
    firstDay,
    lastDay,
    startMinute: slot.start,
    durationMin: slot.dur,
    generated: true,
    tasks: taskNames.map((description, k) => ({
      id: String(ID_BASE.shiftTask + ordinal * 10 + k),
      description,
    })),
    scheduledItems: [
      {
        id: String(1 + (ordinal % V.SCHEDULED_ITEMS.length)),
        name: V.SCHEDULED_ITEMS[ordinal % V.SCHEDULED_ITEMS.length] as string,
      },
    ],
    updatedMs: 0,
  });
}

/** Continuity first, then the nearest free caregiver from a sample, then anyone free; else open. */
function chooseCaregiver(
  rng: Rng,
  pool: Caregiver[],
  client: { home: Home; doNotSend?: number },
  slot: { weekday: number; start: number; dur: number },
  assigned: number[],
): Caregiver | undefined {
  if (pool.length === 0) return undefined;
  const start = slot.weekday * 1440 + slot.start;
  const fits = (c: Caregiver) =>
    c.id !== client.doNotSend && c.minutes + slot.dur <= MAX_WEEKLY_MIN && isFree(c.busy, start, slot.dur);
  const book = (c: Caregiver) => {
    c.busy.push(...intervals(start, slot.dur));
    c.minutes += slot.dur;
    return c;
  };
  for (const id of assigned) {
    const c = pool.find((p) => p.id === id);
    if (c && fits(c)) return book(c);
  }
  const sample: Caregiver[] = [];
  for (let k = 0; k < Math.min(40, pool.length); k++)
    sample.push(pool[Math.floor(rng.next() * pool.length)] as Caregiver);
  const dist = (c: Caregiver) => (c.lat - client.home.lat) ** 2 + (c.lon - client.home.lon) ** 2;
  sample.sort((a, b) => dist(a) - dist(b) || a.id - b.id);
  const near = sample.find(fits);
  if (near) return book(near);
  const offset = Math.floor(rng.next() * pool.length);
  for (let k = 0; k < pool.length; k++) {
    const c = pool[(offset + k) % pool.length] as Caregiver;
    if (fits(c)) return book(c);
  }
  return undefined;
}

/** Week-minute intervals, split at the end of the week for Sunday overnights. */
function intervals(start: number, dur: number): [number, number][] {
  const end = start + dur;
  return end <= WEEK_MIN
    ? [[start, end]]
    : [
        [start, WEEK_MIN],
        [0, end - WEEK_MIN],
      ];
}

function isFree(busy: [number, number][], start: number, dur: number): boolean {
  return intervals(start, dur).every(([s, e]) =>
    busy.every(([bs, be]) => e + BUFFER_MIN <= bs || s >= be + BUFFER_MIN),
  );
}

function randomHome(rng: Rng): Home {
  const base = rng.pick(V.CITIES);
  return {
    line: `${rng.int(100, 9999)} ${rng.pick(V.STREETS)}`,
    city: base.city,
    zip: base.zip,
    lat: round5(base.lat + (rng.next() - 0.5) * 0.06),
    lon: round5(base.lon + (rng.next() - 0.5) * 0.06),
  };
}

function addressOf(home: Home) {
  return {
    use: 'home',
    line: [home.line],
    city: home.city,
    state: 'CO',
    postalCode: home.zip,
    country: 'US',
    // Coordinates are a simulator assumption, in the standard FHIR geolocation extension.
    extension: [
      {
        url: GEOLOCATION_URL,
        extension: [
          { url: 'latitude', valueDecimal: home.lat },
          { url: 'longitude', valueDecimal: home.lon },
        ],
      },
    ],
  };
}

function emailOf(given: string, family: string, id: number): string {
  const ascii = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  return `${ascii(given)}.${ascii(family)}${id % 1000}@example.com`;
}

function round5(n: number): number {
  return Math.round(n * 1e5) / 1e5;
}

/**
 * Unique 10-digit NANP numbers (first digit 2–9, facts §2.6) in the fictional 555 exchange of the
 * Colorado area codes; other exchanges only if 30,000 numbers run out.
 */
class PhoneBook {
  private readonly used = new Set<number>();

  constructor(private readonly rng: Rng) {}

  take(): string {
    const areas = [303, 720, 719];
    for (;;) {
      const exchange = 555 + Math.floor(this.used.size / 29_000);
      const n = this.rng.int(0, 29_999);
      const key = exchange * 100_000 + n;
      if (this.used.has(key)) continue;
      this.used.add(key);
      return `${areas[Math.floor(n / 10_000)]}${exchange}${String(n % 10_000).padStart(4, '0')}`;
    }
  }
}
