/** The agency's call-out rules, in one object (issue #6). */
export interface CallOutRules {
  /** A shift starting within this many minutes (or already started) is urgent: a person acts at once. */
  urgentWithinMinutes: number;
  /** A call-out for a shift more than this many days ahead is recorded, not escalated (no staff alert). */
  recordOnlyBeyondDays: number;
  /** How long to wait for the documentation items' first delivery attempt, so their true state is returned. */
  documentationWaitMs: number;
  /** How many replacement candidates to return. */
  candidates: number;
}

export const DEFAULT_CALL_OUT_RULES: CallOutRules = {
  urgentWithinMinutes: 120,
  recordOnlyBeyondDays: 14,
  documentationWaitMs: 10_000,
  candidates: 10,
};

export type Urgency = 'urgent' | 'normal' | 'recorded';

export function urgencyOf(
  start: Date,
  now: Date,
  rules: CallOutRules,
): { urgency: Urgency; minutesToStart: number } {
  const minutesToStart = Math.round((start.getTime() - now.getTime()) / 60_000);
  const urgency =
    minutesToStart <= rules.urgentWithinMinutes
      ? 'urgent'
      : minutesToStart > rules.recordOnlyBeyondDays * 1440
        ? 'recorded'
        : 'normal';
  return { urgency, minutesToStart };
}
