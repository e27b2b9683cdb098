import { DateTime } from 'luxon';
import { z } from 'zod';
import { localTimes } from '../mirror/time.ts';
import { OperationError } from './errors.ts';
import { type Occurrence, resolveOccurrence } from './occurrence.ts';
import type { OperationsPorts, Schedule } from './ports.ts';
import { DEFAULT_RANKING, type RankingConfig } from './ranking-config.ts';
import {
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

/**
 * Replacement candidates for one shift occurrence, from the mirror only (never sample data, D-4): active
 * hired caregivers other than the one being replaced; hard exclusions named per caregiver; every
 * remaining caregiver scored per component with the reasons.
 */
export async function rankCandidates(
  ports: Pick<OperationsPorts, 'schedule' | 'wellsky' | 'clock'>,
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
  const now = options.now ?? ports.clock.now();
  const config = options.config ?? DEFAULT_RANKING;
  const o =
    options.occurrence ??
    (await resolveOccurrence(ports, { shiftId: input.shiftId, date: input.date, near: now, orNext: true }));
  const replacing = input.excludeCaregiverId ?? o.caregiverId;
  const client = ports.schedule.client(o.clientId);
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
  const { schedule } = ports;
  const bufferMs = config.travelBufferMinutes * 60_000;
  const zone = schedule.timezone;
  const weekStart = DateTime.fromJSDate(o.start, { zone })
    .startOf('day')
    .minus({ days: (DateTime.fromJSDate(o.start, { zone }).weekday - config.workweekStartsOn + 7) % 7 });
  const weekEnd = weekStart.plus({ weeks: 1 });
  const except = { appointmentId: o.appointmentId, start: o.start, end: o.end };
  const [caregivers, busy, weekHours, visits] = await Promise.all([
    schedule.rankingPool(),
    schedule.busy(new Date(o.start.getTime() - bufferMs), new Date(o.end.getTime() + bufferMs), { except }),
    schedule.hoursStarting(weekStart.toJSDate(), weekEnd.toJSDate(), { except }),
    schedule.visitsWithClient(
      o.clientId,
      new Date(o.start.getTime() - config.continuity.lookbackDays * 86_400_000),
      o.start,
    ),
  ]);
  const time = (d: Date) => {
    const t = localTimes(d, zone);
    return t.day === localTimes(o.start, zone).day ? t.time : `${t.day} ${t.time}`;
  };

  const excluded: ExcludedCaregiver[] = [];
  const eligible: { facts: CaregiverFacts; history: History }[] = [];
  for (const facts of caregivers) {
    if (facts.id === replacing) continue;
    const history: History = {
      visitsWithClient: visits.get(facts.id) ?? [],
      weekHours: weekHours.get(facts.id) ?? 0,
      busy: busy.get(facts.id) ?? [],
      record: { shifts: 0, late: 0, missed: 0 },
    };
    const out = exclusions(facts, shift, history, config, {
      time,
      tagName: (id) => schedule.tagName(id) ?? `tag ${id}`,
    });
    if (out.length > 0) excluded.push({ caregiverId: facts.id, name: facts.name, reasons: out });
    else eligible.push({ facts, history });
  }

  // Reliability needs a join over past shifts and visits: measured only for the caregivers that can
  // reach the list, ranked first by every other component (it is worth at most `reliability.max`).
  let scored = eligible.map((e) => ({ ...e, s: score(e.facts, shift, e.history, config, now) }));
  scored.sort(order);
  const reach = scored.slice(0, Math.max(input.limit * 2, input.limit + 20));
  const records = await reliabilityOf(
    schedule,
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
  schedule: Schedule,
  ids: string[],
  now: Date,
  config: RankingConfig,
): Promise<Map<string, History['record']>> {
  const out = new Map<string, History['record']>();
  if (ids.length === 0) return out;
  const from = new Date(now.getTime() - config.reliability.lookbackDays * 86_400_000);
  const attended = await schedule.attendance(ids, from, now);
  const lateMs = config.reliability.lateAfterMinutes * 60_000;
  for (const [caregiverId, shifts] of attended) {
    const r = { shifts: 0, late: 0, missed: 0 };
    for (const s of shifts) {
      r.shifts += 1;
      if (!s.clockIn) r.missed += 1;
      else if (s.clockIn.getTime() > s.start.getTime() + lateMs) r.late += 1;
    }
    if (r.shifts > 0) out.set(caregiverId, r);
  }
  return out;
}
