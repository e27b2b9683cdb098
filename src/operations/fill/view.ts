import type { FillCampaignRow, FillHistoryRow, FillOfferRow } from '../../store/fill-types.ts';
import { PENDING_OFFER } from './states.ts';

/** A campaign as the API, CLI, MCP and dashboard show it: ids, states and times; no phones, no texts. */
export function campaignView(c: FillCampaignRow, offers: FillOfferRow[], history?: FillHistoryRow[]) {
  const replies = offers.filter((o) => o.replied_at).length;
  return {
    id: c.id,
    state: c.state,
    stateReason: c.state_reason,
    origin: c.origin,
    callOutId: c.call_out_id,
    shift: {
      id: c.appointment_id,
      clientId: c.client_id,
      date: c.shift.date,
      start: c.shift.start,
      end: c.shift.end,
      startTime: c.shift.startTime,
      endTime: c.shift.endTime,
      startUtc: c.occurrence_start.toISOString(),
      endUtc: c.occurrence_end.toISOString(),
      area: c.shift.area,
    },
    winnerCaregiverId: c.winner_caregiver_id,
    acceptingCaregiverId: c.accepting_caregiver_id,
    excludedCaregiverIds: c.excluded_ids,
    wavesSent: c.waves_sent,
    nextWaveAt: c.state === 'open' ? (c.next_wave_at?.toISOString() ?? null) : null,
    escalateAt: c.escalate_at.toISOString(),
    assignment: c.assignment,
    officeItemId: c.office_item_id,
    notification: c.notification,
    counts: {
      offers: offers.length,
      sent: offers.filter((o) => o.message_id && o.state !== 'not-sent').length,
      notSent: offers.filter((o) => o.state === 'not-sent').length,
      pending: offers.filter((o) => PENDING_OFFER.includes(o.state)).length,
      replies,
      declined: offers.filter((o) => o.state === 'declined').length,
      saidYes: offers.filter((o) => o.said_yes).length,
    },
    timeToFillSeconds:
      c.state === 'filled' && c.accepted_at
        ? Math.round((c.accepted_at.getTime() - c.created_at.getTime()) / 1000)
        : null,
    offers: offers.map((o) => ({
      id: o.id,
      caregiverId: o.caregiver_id,
      wave: o.wave,
      rank: o.rank,
      score: o.score,
      reason: o.reason,
      state: o.state,
      stateReason: o.state_reason,
      messageId: o.message_id,
      saidYes: o.said_yes,
      repliedAt: o.replied_at?.toISOString() ?? null,
      updatedAt: o.updated_at.toISOString(),
    })),
    ...(history
      ? {
          history: history.map((h) => ({
            at: h.at.toISOString(),
            offerId: h.offer_id,
            from: h.from_state,
            to: h.to_state,
            cause: h.cause,
          })),
        }
      : {}),
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    acceptedAt: c.accepted_at?.toISOString() ?? null,
    closedAt: c.closed_at?.toISOString() ?? null,
  };
}
export type CampaignView = ReturnType<typeof campaignView>;

export interface FillMetrics {
  campaigns: Record<string, number>;
  /** Filled ÷ campaigns that ended (filled, accepted-unassigned, escalated, expired); cancelled left out. */
  fillRate: number | null;
  timeToFillSeconds: { median: number | null; p90: number | null };
  offersSent: number;
  replies: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** Figures over a set of campaigns (all of them for /metrics, or one period for a report). */
export function fillMetrics(
  campaigns: Pick<FillCampaignRow, 'state' | 'created_at' | 'accepted_at'>[],
  offers: { sent: number; replies: number },
): FillMetrics {
  const byState: Record<string, number> = {};
  for (const c of campaigns) byState[c.state] = (byState[c.state] ?? 0) + 1;
  const ended = ['filled', 'accepted-unassigned', 'escalated', 'expired'].reduce(
    (n, s) => n + (byState[s] ?? 0),
    0,
  );
  const times = campaigns
    .filter((c) => c.state === 'filled' && c.accepted_at)
    .map((c) => (c.accepted_at!.getTime() - c.created_at.getTime()) / 1000)
    .sort((a, b) => a - b);
  return {
    campaigns: byState,
    fillRate: ended === 0 ? null : (byState.filled ?? 0) / ended,
    timeToFillSeconds: { median: quantile(times, 0.5), p90: quantile(times, 0.9) },
    offersSent: offers.sent,
    replies: offers.replies,
  };
}
