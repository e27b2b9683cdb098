import type { Schedule } from './ports.ts';
import { DEFAULT_RANKING, type RankingConfig } from './ranking-config.ts';
import { loadRanking, type RankedOccurrence } from './ranking-load.ts';
import { type Exclusion, exclusions } from './scoring.ts';

export type Eligibility = { eligible: true } | { eligible: false; reasons: Exclusion[] };

/**
 * The hard rules for one caregiver on one occurrence, as ranking applies them (overlap with travel
 * buffer, weekly maximum, do-not-send, tags, language, gender), read now: for the moment a caregiver
 * accepts an offer made earlier. A caregiver no longer active and hired is not eligible either.
 */
export async function checkEligibility(
  ports: { schedule: Schedule },
  caregiverId: string,
  occurrence: RankedOccurrence,
  options: { config?: RankingConfig } = {},
): Promise<Eligibility> {
  const config = options.config ?? DEFAULT_RANKING;
  const facts = await loadRanking(ports.schedule, occurrence, config, { caregiverIds: [caregiverId] });
  const caregiver = facts.pool[0];
  if (!caregiver) {
    return {
      eligible: false,
      reasons: [{ code: 'not-active', text: 'not an active, hired caregiver in the local mirror' }],
    };
  }
  const out = exclusions(caregiver, facts.shift, facts.history(caregiverId), config, facts);
  return out.length === 0 ? { eligible: true } : { eligible: false, reasons: out };
}
