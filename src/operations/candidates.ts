import { z } from 'zod';
import { OperationError } from './errors.ts';
import { type Occurrence, resolveOccurrence } from './occurrence.ts';
import type { OperationsPorts, Schedule } from './ports.ts';
import { DEFAULT_RANKING, type RankingConfig } from './ranking-config.ts';
import { loadRanking, type RankingFacts } from './ranking-load.ts';
import {
  type CaregiverFacts,
  durationHours,
  type Exclusion,
  exclusions,
  type History,
  type Points,
  type Scored,
  score,
} from './scoring.ts';

// Ranking in four steps, each its own function: load (ranking-load.ts) → exclude → score → explain.

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
  /** Everyone left out on request: the one replaced and any `excludeCaregiverIds` (e.g. who declined). */
  leftOut: string[];
  candidates: Candidate[];
  excluded: ExcludedCaregiver[];
  counts: { considered: number; eligible: number; excluded: number; returned: number };
  weights: RankingConfig;
  generatedAt: string;
}

export interface RankOptions {
  now?: Date;
  config?: RankingConfig;
  /** The occurrence, when the caller has resolved it already. */
  occurrence?: Occurrence;
  /** Caregivers never to propose, besides the one replaced: those who called out or declined. */
  excludeCaregiverIds?: string[];
}

/**
 * Replacement candidates for one shift occurrence, from the mirror only (never sample data, D-4): active
 * hired caregivers other than the one being replaced and those left out; hard exclusions named per
 * caregiver; every remaining caregiver scored per component with the reasons.
 */
export async function rankCandidates(
  ports: Pick<OperationsPorts, 'schedule' | 'wellsky' | 'clock'>,
  raw: unknown,
  options: RankOptions = {},
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
  const leftOut = [...new Set([...(replacing ? [replacing] : []), ...(options.excludeCaregiverIds ?? [])])];

  const facts = await loadRanking(ports.schedule, o, config);
  const { eligible, excluded, considered } = exclude(facts, new Set(leftOut), config);
  const ranked = await scoreAll(ports.schedule, facts, eligible, config, now, input.limit);
  return explain(
    o,
    { replacing, leftOut, ranked, excluded, considered, limit: input.limit, config, now },
    ports,
  );
}

interface Eligible {
  facts: CaregiverFacts;
  history: History;
}

/** Step 2: the hard rules. Who is left out on request is not counted as considered. */
function exclude(
  facts: RankingFacts,
  leftOut: Set<string>,
  config: RankingConfig,
): { eligible: Eligible[]; excluded: ExcludedCaregiver[]; considered: number } {
  const excluded: ExcludedCaregiver[] = [];
  const eligible: Eligible[] = [];
  let considered = 0;
  for (const caregiver of facts.pool) {
    if (leftOut.has(caregiver.id)) continue;
    considered += 1;
    const history = facts.history(caregiver.id);
    const out = exclusions(caregiver, facts.shift, history, config, facts);
    if (out.length > 0) excluded.push({ caregiverId: caregiver.id, name: caregiver.name, reasons: out });
    else eligible.push({ facts: caregiver, history });
  }
  excluded.sort((a, b) => a.caregiverId.localeCompare(b.caregiverId));
  return { eligible, excluded, considered };
}

type Ranked = Eligible & { s: Scored };

/**
 * Step 3: points per component, best first. Reliability needs past shifts and their visits: it is
 * loaded only for the caregivers that can reach the list, ranked first by every other component (it is
 * worth at most `reliability.max`).
 */
async function scoreAll(
  schedule: Schedule,
  facts: RankingFacts,
  eligible: Eligible[],
  config: RankingConfig,
  now: Date,
  limit: number,
): Promise<Ranked[]> {
  const first = eligible.map((e) => ({ ...e, s: score(e.facts, facts.shift, e.history, config, now) }));
  first.sort(order);
  const reach = first.slice(0, Math.max(limit * 2, limit + 20));
  const records = await reliabilityOf(
    schedule,
    reach.map((e) => e.facts.id),
    now,
    config,
  );
  const scored = first.map((e) => {
    const record = records.get(e.facts.id);
    if (!record) return e;
    const history = { ...e.history, record };
    return { ...e, history, s: score(e.facts, facts.shift, history, config, now) };
  });
  return scored.sort(order);
}

/** Step 4: what a scheduler (and an offer campaign) reads. */
function explain(
  o: Occurrence,
  r: {
    replacing: string | null;
    leftOut: string[];
    ranked: Ranked[];
    excluded: ExcludedCaregiver[];
    considered: number;
    limit: number;
    config: RankingConfig;
    now: Date;
  },
  ports: { schedule: Schedule },
): CandidatesResult {
  const candidates: Candidate[] = r.ranked.slice(0, r.limit).map((e, i) => ({
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
  return {
    timezone: ports.schedule.timezone,
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
    replacing: r.replacing,
    leftOut: r.leftOut,
    candidates,
    excluded: r.excluded,
    counts: {
      considered: r.considered,
      eligible: r.ranked.length,
      excluded: r.excluded.length,
      returned: candidates.length,
    },
    weights: r.config,
    generatedAt: r.now.toISOString(),
  };
}

function order(a: Ranked, b: Ranked): number {
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
