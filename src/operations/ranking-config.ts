/**
 * Every weight and rule of replacement ranking, in one place (issue #6). Points add up to a score; tiers
 * cut the score. Continuity outweighs distance on purpose: a caregiver the client knows, farther away,
 * ranks above a closer stranger (the original's documented, never-called intent, D-22).
 */
export interface RankingConfig {
  /** Minutes kept free between two shifts of one caregiver for travel; less is an overlap. */
  travelBufferMinutes: number;
  /** Hours a week above which a caregiver is excluded outright (the agency's cap). */
  maxWeeklyHours: number;
  /** Hours a week above which overtime is paid (FLSA: 40). */
  overtimeHours: number;
  /** First day of the agency's workweek (1 = Monday … 7 = Sunday, ISO). */
  workweekStartsOn: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** Language rule: `preferred` = the caregiver speaks the client's first-listed language; `any` = one in common. */
  language: 'preferred' | 'any';
  continuity: {
    /** Points for one visit with this client today; older visits count less (half-life below). */
    pointsPerVisit: number;
    halfLifeDays: number;
    /** How far back visits count. */
    lookbackDays: number;
    max: number;
  };
  /** Points when the client lists the caregiver as preferred. */
  preferred: number;
  distance: {
    /** Points at 0 miles, falling linearly to 0 at `zeroAtMiles`. */
    max: number;
    zeroAtMiles: number;
  };
  hours: {
    /** Points when the week, this shift included, stays within `overtimeHours`. */
    withinRegular: number;
    /** Points (negative) when this shift would put the caregiver into overtime. */
    overtime: number;
  };
  tenure: {
    /** Points per full year since the hire date, up to `max`. */
    perYear: number;
    max: number;
  };
  reliability: {
    /** Points at a perfect record; scaled by the share of shifts clocked in on time. */
    max: number;
    /** A clock-in later than this after the scheduled start is late. */
    lateAfterMinutes: number;
    lookbackDays: number;
    /** Fewer past shifts than this: no points either way ("not enough data"). */
    minShifts: number;
  };
  tiers: { A: number; B: number };
}

export const DEFAULT_RANKING: RankingConfig = {
  travelBufferMinutes: 30,
  maxWeeklyHours: 50,
  overtimeHours: 40,
  workweekStartsOn: 1,
  language: 'preferred',
  continuity: { pointsPerVisit: 8, halfLifeDays: 30, lookbackDays: 90, max: 40 },
  preferred: 25,
  distance: { max: 20, zeroAtMiles: 25 },
  hours: { withinRegular: 10, overtime: -20 },
  tenure: { perYear: 2, max: 5 },
  reliability: { max: 10, lateAfterMinutes: 10, lookbackDays: 28, minShifts: 3 },
  tiers: { A: 60, B: 30 },
};

export type RankingOverrides = {
  [K in keyof RankingConfig]?: RankingConfig[K] extends object ? Partial<RankingConfig[K]> : RankingConfig[K];
};

export function rankingConfig(overrides: RankingOverrides = {}): RankingConfig {
  const out = { ...DEFAULT_RANKING } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const base = (DEFAULT_RANKING as unknown as Record<string, unknown>)[key];
    out[key] = typeof base === 'object' && base !== null ? { ...base, ...(value as object) } : value;
  }
  return out as unknown as RankingConfig;
}
