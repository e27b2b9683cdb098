import type { IntakeEvent, IntakeLink } from '../store/index.ts';
import type { Candidate } from './match.ts';

/** A person's link as callers see it: where it stands in WellSky, and why when it waits for a person. */
export interface LinkView {
  source: string;
  externalId: string;
  kind: IntakeLink['kind'];
  state: IntakeLink['state'];
  wellskyId: string | null;
  /** `created` by Skybridge, `matched` to someone already in WellSky, or `chosen` by a person. */
  origin: string | null;
  stage: string | null;
  reason: string | null;
  candidates: Candidate[] | null;
  marker: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  history?: { at: string; action: string; wellskyId: string | null; detail: string | null; actor: string }[];
}

export function linkView(link: IntakeLink, events?: IntakeEvent[]): LinkView {
  const view: LinkView = {
    source: link.source,
    externalId: link.external_id,
    kind: link.kind,
    state: link.state,
    wellskyId: link.wellsky_id,
    origin: link.origin,
    stage: link.stage,
    reason: link.hold_reason,
    candidates: (link.candidates as Candidate[] | null) ?? null,
    marker: link.marker,
    attempts: link.attempt_count,
    createdAt: link.created_at.toISOString(),
    updatedAt: link.updated_at.toISOString(),
  };
  if (events) {
    view.history = events.map((e) => ({
      at: e.at.toISOString(),
      action: e.action,
      wellskyId: e.wellsky_id,
      detail: e.detail,
      actor: e.actor,
    }));
  }
  return view;
}

/** One line for a terminal. */
export function describeLink(view: LinkView): string {
  const who = `${view.kind} ${view.source}/${view.externalId}`;
  switch (view.state) {
    case 'linked':
      return `${who}: LINKED to WellSky ${view.wellskyId} (${view.origin}; stage ${view.stage})`;
    case 'held':
      return `${who}: HELD — ${view.reason}`;
    case 'creating':
      return `${who}: CREATING — a create was sent and its answer not recorded; the next call looks for ${view.marker} first`;
    case 'new':
      return `${who}: NEW — not in WellSky yet`;
  }
}
