import { DateTime } from 'luxon';
import type { Encounter } from '../connect/wire/scheduling.ts';

/** A visit as the matcher needs it; built from an Encounter (live search now, the mirror later). */
export interface VisitCandidate {
  encounterId: string;
  clientId: string | undefined;
  caregiverId: string | undefined;
  start: DateTime;
  /** Undefined while the caregiver is still clocked in. */
  end: DateTime | undefined;
}

export interface VisitMatchRules {
  /** A note may be written a little before the clock-in (arrival, parking). */
  beforeStartMinutes: number;
  /** …and some time after clock-out (the caregiver writes it up on the way home). */
  afterEndMinutes: number;
}

export const DEFAULT_VISIT_MATCH: VisitMatchRules = { beforeStartMinutes: 30, afterEndMinutes: 240 };

export function visitFromEncounter(encounter: Encounter): VisitCandidate | undefined {
  const start = encounter.period?.start;
  if (!start) return undefined;
  const end = encounter.period?.end;
  const participant = encounter.participant;
  const individual = Array.isArray(participant)
    ? participant[0]?.individual?.reference
    : participant?.Individual?.[0]?.reference;
  return {
    encounterId: encounter.id,
    clientId: /^Patient\/(\d+)$/.exec(encounter.subject?.reference ?? '')?.[1],
    caregiverId: /^Practitioner\/(\d+)$/.exec(individual ?? '')?.[1],
    start: DateTime.fromISO(start, { setZone: true }),
    end: end ? DateTime.fromISO(end, { setZone: true }) : undefined,
  };
}

export interface MatchRequest {
  clientId: string;
  caregiverId?: string | null | undefined;
  at: DateTime;
  now: DateTime;
}

/**
 * The visits a client note may be attached to, best first: visits of **that** client (and of the named
 * caregiver when the note names one) whose time covers the note's time, with a grace before clock-in and
 * after clock-out. Never an unrelated visit: an empty list means the note must be held.
 */
export function matchVisits(
  visits: readonly VisitCandidate[],
  request: MatchRequest,
  rules: VisitMatchRules = DEFAULT_VISIT_MATCH,
): VisitCandidate[] {
  const at = request.at.toMillis();
  const scored: { visit: VisitCandidate; score: number }[] = [];
  for (const visit of visits) {
    if (visit.clientId !== request.clientId) continue;
    if (request.caregiverId && visit.caregiverId !== request.caregiverId) continue;
    const start = visit.start.toMillis();
    const end = (visit.end ?? request.now).toMillis();
    const from = start - rules.beforeStartMinutes * 60_000;
    const to = end + rules.afterEndMinutes * 60_000;
    if (at < from || at > to) continue;
    // Inside the visit beats the grace periods; then the closer visit wins.
    const distance = at < start ? start - at : at > end ? at - end : 0;
    scored.push({ visit, score: distance });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.visit);
}

/** "no visit of this client on 2026-03-02 (America/Denver) to attach the note to". */
export function noVisitReason(request: MatchRequest, timezone: string, caregiverName?: string): string {
  const day = request.at.setZone(timezone).toISODate();
  const who = request.caregiverId ? ` with caregiver ${caregiverName ?? request.caregiverId}` : '';
  return `no visit of this client${who} on ${day} (${timezone}) around ${request.at.setZone(timezone).toFormat('HH:mm')} to attach the note to; it will be attached automatically if one appears, or a person can choose the visit`;
}
