import { z } from 'zod';

/** Where a stage puts the person in WellSky: the status code, and whether that makes them a client/caregiver. */
export interface StageTarget {
  status: number;
  /** Prospects: `isClient=true`. Applicants: `isHired=true` (a hire date is then required). */
  promotes: boolean;
}

export type StageTable = ReadonlyMap<string, StageTarget>;

/**
 * Sales stages → WellSky prospect status codes, from the mapping of the system we replace
 * (original-system §1.9; facts §3.4): "ready to schedule" is 70 and makes the prospect a client.
 */
export const DEFAULT_PROSPECT_STAGES: Record<string, StageTarget> = {
  'new-lead': { status: 1, promotes: false },
  'first-call': { status: 10, promotes: false },
  'assessment-scheduled': { status: 20, promotes: false },
  'assessment-done': { status: 30, promotes: false },
  'awaiting-signature': { status: 60, promotes: false },
  'ready-to-schedule': { status: 70, promotes: true },
};

/** Recruiting stages → WellSky applicant status ids (facts §3.3); 100 is a hired caregiver. */
export const DEFAULT_APPLICANT_STAGES: Record<string, StageTarget> = {
  new: { status: 10, promotes: false },
  'phone-screen-passed': { status: 15, promotes: false },
  'interview-scheduled': { status: 18, promotes: false },
  'interview-completed': { status: 20, promotes: false },
  'conditional-offer': { status: 25, promotes: false },
  'skills-screening-passed': { status: 30, promotes: false },
  'background-check-passed': { status: 40, promotes: false },
  'reference-check-passed': { status: 50, promotes: false },
  'offer-given': { status: 60, promotes: false },
  'paperwork-received': { status: 70, promotes: false },
  'orientation-completed': { status: 80, promotes: false },
  'application-completed': { status: 110, promotes: false },
  rejected: { status: 90, promotes: false },
  withdrawn: { status: 90, promotes: false },
  hired: { status: 100, promotes: true },
};

/** The stage a prospect reaches through `convert`. */
export const CONVERT_STAGE = 'ready-to-schedule';

/** "Assessment Scheduled", "assessment_scheduled" and "assessment-scheduled" are one stage. */
export function stageKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

const Override = z.record(
  z.string(),
  z.union([
    z.number().int().min(0).max(1000),
    z.object({ status: z.number().int().min(0).max(1000), promotes: z.boolean().optional() }).strict(),
    z.null(),
  ]),
);

export interface StageTables {
  prospects: StageTable;
  applicants: StageTable;
}

/**
 * The two tables, each the defaults overlaid with a JSON object from the environment:
 * `SKYBRIDGE_PROSPECT_STAGES` / `SKYBRIDGE_APPLICANT_STAGES`, e.g.
 * `{"wants to meet caregivers": 40, "care started": {"status": 80, "promotes": true}, "first-call": null}`
 * (a number keeps `promotes` false; null removes a stage).
 */
export function stageTablesFromEnv(env: NodeJS.ProcessEnv): StageTables {
  return {
    prospects: overlay(DEFAULT_PROSPECT_STAGES, env.SKYBRIDGE_PROSPECT_STAGES, 'SKYBRIDGE_PROSPECT_STAGES'),
    applicants: overlay(
      DEFAULT_APPLICANT_STAGES,
      env.SKYBRIDGE_APPLICANT_STAGES,
      'SKYBRIDGE_APPLICANT_STAGES',
    ),
  };
}

export function overlay(
  defaults: Record<string, StageTarget>,
  raw: string | undefined,
  variable: string,
): StageTable {
  const table = new Map(Object.entries(defaults));
  if (raw === undefined || raw.trim() === '') return table;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${variable} must be a JSON object of stage → status code`);
  }
  const parsed = Override.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${variable}: ${issue.path.join('.') || 'value'}: ${issue.message} (a number, {"status": n, "promotes": true} or null)`,
    );
  }
  for (const [name, value] of Object.entries(parsed.data)) {
    const key = stageKey(name);
    if (value === null) table.delete(key);
    else if (typeof value === 'number') table.set(key, { status: value, promotes: false });
    else table.set(key, { status: value.status, promotes: value.promotes ?? false });
  }
  return table;
}
