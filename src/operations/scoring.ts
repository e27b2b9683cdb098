import type { CaregiverProfile } from './ports.ts';
import type { RankingConfig } from './ranking-config.ts';

// Pure scoring: facts in, points and reasons out. No I/O, so every rule is easy to test and to cite.

/** What ranking knows of a caregiver (the schedule's profile). */
export type CaregiverFacts = CaregiverProfile;

export interface ShiftFacts {
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
  client: {
    languages: string[];
    home: { lat: number; lon: number } | null;
    preferred: string[];
    doNotSend: string[];
    genderPreference: string | null;
    requiredTags: string[];
  };
}

export interface Busy {
  appointmentId: string;
  start: Date;
  end: Date;
}

export interface History {
  /** Clock-ins of visits with this client, before the shift. */
  visitsWithClient: Date[];
  /** Hours already scheduled in the shift's workweek. */
  weekHours: number;
  /** Shifts that overlap the shift, travel buffer included. */
  busy: Busy[];
  /** Past shifts in the reliability window: how many, clocked in late, never clocked in. */
  record: { shifts: number; late: number; missed: number };
}

export const EXCLUSION_CODES = [
  /** Only when checking one caregiver: no longer active and hired (ranking never considers them). */
  'not-active',
  'overlapping-shift',
  'do-not-send',
  'missing-required-tags',
  'language',
  'gender-preference',
  'weekly-hours-max',
] as const;
export type ExclusionCode = (typeof EXCLUSION_CODES)[number];

export interface Exclusion {
  code: ExclusionCode;
  text: string;
}

export interface Points {
  continuity: number;
  preferred: number;
  distance: number;
  hours: number;
  tenure: number;
  reliability: number;
}

export interface Scored {
  score: number;
  tier: 'A' | 'B' | 'C';
  points: Points;
  reasons: string[];
  details: {
    visitsWithClient: number;
    lastVisit: string | null;
    distanceMiles: number | null;
    weekHoursWithShift: number;
    hireDate: string | null;
    record: History['record'] | null;
  };
}

const MILE_KM = 1.609344;

/** Great-circle distance in miles (haversine). */
export function haversineMiles(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return (2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)))) / MILE_KM;
}

const hm = (d: Date, fmt: (d: Date) => string) => fmt(d);

/** Every hard rule that keeps this caregiver off this shift, each named. */
export function exclusions(
  cg: CaregiverFacts,
  shift: ShiftFacts,
  history: History,
  config: RankingConfig,
  options: { time: (d: Date) => string; tagName: (id: string) => string },
): Exclusion[] {
  const out: Exclusion[] = [];
  for (const b of history.busy) {
    out.push({
      code: 'overlapping-shift',
      text: `works shift ${b.appointmentId} ${hm(b.start, options.time)}–${hm(b.end, options.time)}, overlapping (with ${config.travelBufferMinutes} min travel)`,
    });
  }
  if (shift.client.doNotSend.includes(cg.id))
    out.push({ code: 'do-not-send', text: "on the client's do-not-send list" });
  const missing = shift.client.requiredTags.filter((t) => !cg.tagIds.includes(t));
  if (missing.length > 0) {
    out.push({
      code: 'missing-required-tags',
      text: `lacks required ${missing.map(options.tagName).join(', ')}`,
    });
  }
  const language = languageGap(cg.languages, shift.client.languages, config.language);
  if (language) out.push({ code: 'language', text: language });
  const wanted = shift.client.genderPreference?.toLowerCase();
  if (wanted && cg.gender && cg.gender.toLowerCase() !== wanted) {
    out.push({ code: 'gender-preference', text: `the client asks for a ${wanted} caregiver` });
  }
  const hours = history.weekHours + durationHours(shift);
  if (hours > config.maxWeeklyHours) {
    out.push({
      code: 'weekly-hours-max',
      text: `would work ${round1(hours)} h this week, over the ${config.maxWeeklyHours} h maximum`,
    });
  }
  return out;
}

const base = (code: string) => code.toLowerCase().split(/[-_]/)[0] ?? '';

function languageGap(
  caregiver: string[],
  client: string[],
  rule: RankingConfig['language'],
): string | undefined {
  if (client.length === 0) return undefined;
  const speaks = new Set(caregiver.map(base));
  if (rule === 'preferred') {
    const first = client[0]!;
    return speaks.has(base(first)) ? undefined : `does not speak the client's language (${first})`;
  }
  return client.some((c) => speaks.has(base(c)))
    ? undefined
    : `shares no language with the client (${client.join(', ')})`;
}

export function durationHours(shift: { start: Date; end: Date }): number {
  return (shift.end.getTime() - shift.start.getTime()) / 3_600_000;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Points per component, the score, the tier and the reasons a scheduler reads. */
export function score(
  cg: CaregiverFacts,
  shift: ShiftFacts,
  history: History,
  config: RankingConfig,
  now: Date,
): Scored {
  const reasons: string[] = [];
  const DAY = 86_400_000;

  // Continuity: each earlier visit with this client counts, halving every `halfLifeDays`.
  const visits = history.visitsWithClient;
  const weight = visits.reduce(
    (sum, v) => sum + 0.5 ** ((shift.start.getTime() - v.getTime()) / DAY / config.continuity.halfLifeDays),
    0,
  );
  const continuity = Math.min(config.continuity.max, config.continuity.pointsPerVisit * weight);
  const last = visits.length > 0 ? new Date(Math.max(...visits.map((v) => v.getTime()))) : null;
  if (last) {
    const ago = Math.max(0, Math.round((now.getTime() - last.getTime()) / DAY));
    reasons.push(
      `${visits.length} visit${visits.length === 1 ? '' : 's'} with this client (last ${ago === 0 ? 'today' : `${ago} d ago`})`,
    );
  } else {
    reasons.push('new to this client');
  }

  const preferred = shift.client.preferred.includes(cg.id) ? config.preferred : 0;
  if (preferred) reasons.push('preferred by the client');

  let distance = 0;
  let miles: number | null = null;
  if (cg.home && shift.client.home) {
    miles = haversineMiles(cg.home, shift.client.home);
    distance = config.distance.max * Math.max(0, 1 - miles / config.distance.zeroAtMiles);
    reasons.push(`${round1(miles)} mi away`);
  } else {
    reasons.push('distance unknown');
  }

  const withShift = history.weekHours + durationHours(shift);
  const overtime = withShift > config.overtimeHours;
  const hours = overtime ? config.hours.overtime : config.hours.withinRegular;
  reasons.push(
    `${round1(withShift)} h this week with this shift${overtime ? ` — overtime (over ${config.overtimeHours} h)` : ''}`,
  );

  let tenure = 0;
  if (cg.hireDate && !Number.isNaN(Date.parse(cg.hireDate))) {
    const years = (now.getTime() - Date.parse(cg.hireDate)) / (365.25 * DAY);
    tenure = Math.min(config.tenure.max, Math.max(0, Math.floor(years)) * config.tenure.perYear);
    if (years >= 1) reasons.push(`${Math.floor(years)} y with the agency`);
  }

  let reliability = 0;
  const r = history.record;
  if (r.shifts >= config.reliability.minShifts) {
    const onTime = Math.max(0, r.shifts - r.late - r.missed);
    reliability = config.reliability.max * (onTime / r.shifts);
    if (r.late + r.missed > 0) reasons.push(`on time ${onTime}/${r.shifts} recent shifts`);
  }

  const points: Points = {
    continuity: round1(continuity),
    preferred,
    distance: round1(distance),
    hours,
    tenure,
    reliability: round1(reliability),
  };
  const total = round1(Object.values(points).reduce((a, b) => a + b, 0));
  return {
    score: total,
    tier: total >= config.tiers.A ? 'A' : total >= config.tiers.B ? 'B' : 'C',
    points,
    reasons,
    details: {
      visitsWithClient: visits.length,
      lastVisit: last?.toISOString() ?? null,
      distanceMiles: miles === null ? null : round1(miles),
      weekHoursWithShift: round1(withShift),
      hireDate: cg.hireDate,
      record: r.shifts > 0 ? r : null,
    },
  };
}
