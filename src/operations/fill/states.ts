import type { CampaignState, OfferState } from '../../store/fill-types.ts';

export type { CampaignState, OfferState };

/**
 * Every allowed campaign transition, in one place (the CHECK in migration 0007 lists the states).
 * `escalated` still takes a YES: a person is told, but a caregiver answering in time still wins.
 * `filled → open` is a winner backing out: the shift is reopened in WellSky and the campaign resumes.
 */
export const CAMPAIGN_TRANSITIONS: Readonly<Record<CampaignState, readonly CampaignState[]>> = {
  open: ['filled', 'accepted-unassigned', 'escalated', 'cancelled', 'expired'],
  escalated: ['filled', 'accepted-unassigned', 'cancelled', 'expired'],
  filled: ['open'],
  'accepted-unassigned': ['cancelled', 'open'],
  cancelled: [],
  expired: [],
};

export const OFFER_TRANSITIONS: Readonly<Record<OfferState, readonly OfferState[]>> = {
  queued: ['sent', 'not-sent', 'withdrawn', 'expired', 'accepted', 'declined'],
  sent: ['accepted', 'declined', 'expired', 'withdrawn'],
  // A winner who backs out, or whose YES could not be honoured at acceptance.
  accepted: ['declined', 'withdrawn'],
  declined: [],
  expired: [],
  // Offered again: the winner backed out, and the fill had withdrawn this offer unanswered.
  withdrawn: ['queued'],
  'not-sent': [],
};

/** Campaigns that still take a YES. */
export const LIVE_CAMPAIGN: readonly CampaignState[] = ['open', 'escalated'];
/** Offers still waiting for an answer. */
export const PENDING_OFFER: readonly OfferState[] = ['queued', 'sent'];
/** The cause of offers withdrawn because someone else took the shift: offered again if the winner backs out. */
export const WITHDRAWN_FILLED = 'filled by another caregiver';

export class TransitionError extends Error {
  override name = 'TransitionError';
}

export function checkCampaign(from: CampaignState, to: CampaignState): void {
  if (!CAMPAIGN_TRANSITIONS[from].includes(to))
    throw new TransitionError(`a fill campaign cannot go from ${from} to ${to}`);
}

export function checkOffer(from: OfferState, to: OfferState): void {
  if (!OFFER_TRANSITIONS[from].includes(to))
    throw new TransitionError(`a shift offer cannot go from ${from} to ${to}`);
}
