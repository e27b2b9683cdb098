import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { localTimes } from '../mirror/time.ts';
import type { SkybridgeApp } from '../runtime/app.ts';
import { OperationError } from './errors.ts';
import { type Occurrence, resolveOccurrence } from './occurrence.ts';
import { DEFAULT_RANKING, type RankingConfig } from './ranking-config.ts';
import {
  type Busy,
  type CaregiverFacts,
  durationHours,
  type Exclusion,
  exclusions,
  type History,
  type Points,
  type ShiftFacts,
  score,
} from './scoring.ts';

/** Input of `rankCandidates`, shared by the CLI, HTTP and MCP. */
export const CandidatesInput = z
  .object({
    shiftId: z
      .union([z.string(), z.number()])
      .transform(String)
      .pipe(z.string().regex(/^\d+$/, 'a WellSky shift id is a number')),
    /** The occurrence's agency-local day (a recurring shift); default: the one in progress or next. */
    date: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(10),
    /** The caregiver who called out; default: the caregiver assigned to the occurrence. */
    excludeCaregiverId: z.string().regex(/^\d+$/).optional(),
  })
  .strict();
export type CandidatesInput = z.input<typeof CandidatesInput>;

export interface Candidate {
  rank: number;
  /** Stable WellSky practitioner id: what an offer campaign keys on (the phone comes from the mirror). */
  caregiverId: string;
  name: string;
  tier: 'A' | 'B' | 'C';
  score: number;
  points: Points;
  /** One line a scheduler reads at a glance. */
  reason: string;
  reasons: string[];
  details: ReturnType<typeof score>['details'];
  /** Has a phone in the mirror, so an offer can reach them. */
  contactable: boolean;
}

export interface ExcludedCaregiver {
  caregiverId: string;
  name: string;
  reasons: Exclusion[];
}

export interface CandidatesResult {
  timezone: string;
  shift: {
    id: string;
    date: string;
    start: string;
    end: string;
    startUtc: string;
    endUtc: string;
    durationHours: number;
    clientId: string;
    caregiverId: string | null;
    isOpen: boolean;
  };
  /** Left out because they are the one being replaced. */
  replacing: string | null;
  candidates: Candidate[];
  excluded: ExcludedCaregiver[];
  counts: { considered: number; eligible: number; excluded: number; returned: number };
  weights: RankingConfig;
  generatedAt: string;
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const CANCELLED = ['CANCELLED', 'CANCELED'];

/**
 * Replacement candidates for one shift occurrence, from the mirror only (never sample data, D-4): active
 * hired caregivers other than the one being replaced; hard exclusions named per caregiver; every
 * remaining caregiver scored per component with the reasons.
 */
export async function rankCandidates(
  app: SkybridgeApp,
  raw: unknown,
  options: { now?: Date; config?: RankingConfig; occurrence?: Occurrence } = {},
): Promise<CandidatesResult> {
  const parsed = CandidatesInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'input';
    throw new OperationError('invalid-input', `${field}: ${issue.message}`, field);
  }
  const input = parsed.data;
  const now = options.now ?? new Date();
  const config = options.config ?? DEFAULT_RANKING;
  const o =
    options.occurrence ??
    (await resolveOccurrence(app, { shiftId: input.shiftId, date: input.date, near: now, orNext: true }));
  const replacing = input.excludeCaregiverId ?? o.caregiverId;
  const client = app.mirror.person('client', o.clientId);
  const prefs = client?.preferences ?? {};
  const shift: ShiftFacts = {
    appointmentId: o.appointmentId,
    start: o.start,
    end: o.end,
    clientId: o.clientId,
    client: {
      languages: client?.languages ?? [],
      home: client?.home ?? null,
      preferred: list(prefs.preferredCaregivers),
      doNotSend: list(prefs.doNotSend),
      genderPreference: prefs.genderPreference?.trim() || null,
      requiredTags: list(prefs.requiredTags),
    },
  };
  const db = app.store.db;
  const bufferMs = config.travelBufferMinutes * 60_000;
  const zone = app.timezone;
  const weekStart = DateTime.fromJSDate(o.start, { zone })
    .startOf('day')
    .minus({ days: (DateTime.fromJSDate(o.start, { zone }).weekday - config.workweekStartsOn + 7) % 7 });
  const weekEnd = weekStart.plus({ weeks: 1 });

  const [caregivers, busyRows, weekRows, visitRows, tagRows] = await Promise.all([
    db
      .selectFrom('caregivers')
      .select(['id', 'full_name', 'gender', 'languages', 'tag_ids', 'home_lat', 'home_lon', 'phones'])
      .select(
        sql<
          string | null
        >`(SELECT t->>'display' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(raw->'meta'->'tag') = 'array' THEN raw->'meta'->'tag' ELSE '[]'::jsonb END) t WHERE t->>'code' = 'hireDate' LIMIT 1)`.as(
          'hire_date',
        ),
      )
      .where('kind', '=', 'caregiver')
      .where('active', '=', true)
      .where('removed_at', 'is', null)
      .execute(),
    db
      .selectFrom('shifts')
      .select(['appointment_id', 'start_at', 'end_at', 'caregiver_id'])
      .where('caregiver_id', 'is not', null)
      .where('removed_at', 'is', null)
      .where('status', 'not in', CANCELLED)
      .where('start_at', '<', new Date(o.end.getTime() + bufferMs))
      .where('end_at', '>', new Date(o.start.getTime() - bufferMs))
      .execute(),
    db
      .selectFrom('shifts')
      .select(['caregiver_id', 'appointment_id', 'start_at'])
      .select(sql<string>`sum(extract(epoch from (end_at - start_at)))`.as('seconds'))
      .where('caregiver_id', 'is not', null)
      .where('removed_at', 'is', null)
      .where('status', 'not in', CANCELLED)
      .where('start_at', '>=', weekStart.toJSDate())
      .where('start_at', '<', weekEnd.toJSDate())
      .groupBy(['caregiver_id', 'appointment_id', 'start_at'])
      .execute(),
    db
      .selectFrom('visits')
      .select(['caregiver_id', 'clock_in_at'])
      .where('client_id', '=', o.clientId)
      .where('removed_at', 'is', null)
      .where('clock_in_at', '<', o.start)
      .where('clock_in_at', '>=', new Date(o.start.getTime() - config.continuity.lookbackDays * 86_400_000))
      .execute(),
    db.selectFrom('profile_tags').select(['id', 'name']).execute(),
  ]);

  const isThis = (r: { appointment_id: string; start_at: Date }) =>
    r.appointment_id === o.appointmentId && r.start_at.getTime() === o.start.getTime();
  const busy = new Map<string, Busy[]>();
  for (const r of busyRows) {
    if (isThis(r)) continue;
    const b = busy.get(r.caregiver_id!) ?? [];
    b.push({ appointmentId: r.appointment_id, start: r.start_at, end: r.end_at });
    busy.set(r.caregiver_id!, b);
  }
  const weekHours = new Map<string, number>();
  for (const r of weekRows) {
    if (isThis(r)) continue;
    weekHours.set(r.caregiver_id!, (weekHours.get(r.caregiver_id!) ?? 0) + Number(r.seconds) / 3600);
  }
  const visits = new Map<string, Date[]>();
  for (const v of visitRows) {
    if (!v.caregiver_id || !v.clock_in_at) continue;
    const l = visits.get(v.caregiver_id) ?? [];
    l.push(v.clock_in_at);
    visits.set(v.caregiver_id, l);
  }
  const tagNames = new Map(tagRows.map((t) => [t.id, t.name]));
  const time = (d: Date) => {
    const t = localTimes(d, zone);
    return t.day === localTimes(o.start, zone).day ? t.time : `${t.day} ${t.time}`;
  };

  const excluded: ExcludedCaregiver[] = [];
  const eligible: { facts: CaregiverFacts; history: History }[] = [];
  for (const row of caregivers) {
    if (row.id === replacing) continue;
    const facts: CaregiverFacts = {
      id: row.id,
      name: row.full_name,
      gender: row.gender,
      languages: row.languages,
      tagIds: row.tag_ids,
      home: row.home_lat !== null && row.home_lon !== null ? { lat: row.home_lat, lon: row.home_lon } : null,
      hireDate: row.hire_date,
      hasPhone: row.phones.length > 0,
    };
    const history: History = {
      visitsWithClient: visits.get(row.id) ?? [],
      weekHours: weekHours.get(row.id) ?? 0,
      busy: busy.get(row.id) ?? [],
      record: { shifts: 0, late: 0, missed: 0 },
    };
    const out = exclusions(facts, shift, history, config, {
      time,
      tagName: (id) => tagNames.get(id) ?? `tag ${id}`,
    });
    if (out.length > 0) excluded.push({ caregiverId: row.id, name: row.full_name, reasons: out });
    else eligible.push({ facts, history });
  }

  // Reliability needs a join over past shifts and visits: measured only for the caregivers that can
  // reach the list, ranked first by every other component (it is worth at most `reliability.max`).
  let scored = eligible.map((e) => ({ ...e, s: score(e.facts, shift, e.history, config, now) }));
  scored.sort(order);
  const reach = scored.slice(0, Math.max(input.limit * 2, input.limit + 20));
  const records = await reliabilityOf(
    app,
    reach.map((e) => e.facts.id),
    now,
    config,
  );
  scored = scored.map((e) => {
    const record = records.get(e.facts.id);
    if (!record) return e;
    const history = { ...e.history, record };
    return { ...e, history, s: score(e.facts, shift, history, config, now) };
  });
  scored.sort(order);

  const candidates: Candidate[] = scored.slice(0, input.limit).map((e, i) => ({
    rank: i + 1,
    caregiverId: e.facts.id,
    name: e.facts.name,
    tier: e.s.tier,
    score: e.s.score,
    points: e.s.points,
    reason: e.s.reasons.join(' · '),
    reasons: e.s.reasons,
    details: e.s.details,
    contactable: e.facts.hasPhone,
  }));
  excluded.sort((a, b) => a.caregiverId.localeCompare(b.caregiverId));
  return {
    timezone: zone,
    shift: {
      id: o.appointmentId,
      date: o.view.date,
      start: o.view.start,
      end: o.view.end,
      startUtc: o.start.toISOString(),
      endUtc: o.end.toISOString(),
      durationHours: Math.round(durationHours(o) * 100) / 100,
      clientId: o.clientId,
      caregiverId: o.caregiverId,
      isOpen: o.isOpen,
    },
    replacing,
    candidates,
    excluded,
    counts: {
      considered: caregivers.length - (caregivers.some((c) => c.id === replacing) ? 1 : 0),
      eligible: eligible.length,
      excluded: excluded.length,
      returned: candidates.length,
    },
    weights: config,
    generatedAt: now.toISOString(),
  };
}

function order(
  a: { facts: CaregiverFacts; s: { score: number; details: { distanceMiles: number | null } } },
  b: { facts: CaregiverFacts; s: { score: number; details: { distanceMiles: number | null } } },
): number {
  return (
    b.s.score - a.s.score ||
    (a.s.details.distanceMiles ?? Number.POSITIVE_INFINITY) -
      (b.s.details.distanceMiles ?? Number.POSITIVE_INFINITY) ||
    a.facts.id.localeCompare(b.facts.id)
  );
}

/** Past shifts of these caregivers in the window: how many, clocked in late, never clocked in. */
async function reliabilityOf(
  app: SkybridgeApp,
  ids: string[],
  now: Date,
  config: RankingConfig,
): Promise<Map<string, History['record']>> {
  const out = new Map<string, History['record']>();
  if (ids.length === 0) return out;
  const from = new Date(now.getTime() - config.reliability.lookbackDays * 86_400_000);
  const db = app.store.db;
  const [shifts, visits] = await Promise.all([
    db
      .selectFrom('shifts')
      .select(['appointment_id', 'start_at', 'end_at', 'caregiver_id'])
      .where('caregiver_id', 'in', ids)
      .where('removed_at', 'is', null)
      .where('status', 'not in', CANCELLED)
      .where('start_at', '>=', from)
      .where('end_at', '<', now)
      .execute(),
    db
      .selectFrom('visits')
      .select(['appointment_id', 'clock_in_at', 'caregiver_id'])
      .where('caregiver_id', 'in', ids)
      .where('removed_at', 'is', null)
      .where('clock_in_at', '>=', new Date(from.getTime() - 3 * 3_600_000))
      .execute(),
  ]);
  const byAppointment = new Map<string, Date[]>();
  for (const v of visits) {
    if (!v.appointment_id || !v.clock_in_at) continue;
    const key = `${v.caregiver_id}/${v.appointment_id}`;
    const l = byAppointment.get(key) ?? [];
    l.push(v.clock_in_at);
    byAppointment.set(key, l);
  }
  const lateMs = config.reliability.lateAfterMinutes * 60_000;
  for (const s of shifts) {
    const r = out.get(s.caregiver_id!) ?? { shifts: 0, late: 0, missed: 0 };
    r.shifts += 1;
    const clockIn = byAppointment
      .get(`${s.caregiver_id}/${s.appointment_id}`)
      ?.find((t) => t.getTime() >= s.start_at.getTime() - 3 * 3_600_000 && t.getTime() < s.end_at.getTime());
    if (!clockIn) r.missed += 1;
    else if (clockIn.getTime() > s.start_at.getTime() + lateMs) r.late += 1;
    out.set(s.caregiver_id!, r);
  }
  return out;
}
