import type { Attempt, DocumentationItem } from '../store/types.ts';

/** An item as callers see it: its one true state, why, and where it went. */
export interface ItemView {
  id: string;
  key: string;
  kind: DocumentationItem['kind'];
  state: DocumentationItem['state'];
  /** For held and failed: the reason in plain words. */
  reason: string | null;
  holdCode: string | null;
  /** For delivered: the route used and WellSky's id(s). */
  route: string | null;
  wellskyId: string | null;
  /** The visit (encounter) a note was attached to. */
  visitId: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  attempts: number;
  clientId: string | null;
  caregiverId: string | null;
  prospectId: string | null;
  title: string | null;
  text?: string;
  priority: string | null;
  occurredAt: string;
  dueAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  reference: string;
  history?: AttemptView[];
}

export interface AttemptView {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: string | null;
  route: string | null;
  httpStatus: number | null;
  errorKind: string | null;
  message: string | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function viewOf(
  item: DocumentationItem,
  options: { text?: boolean; attempts?: Attempt[] } = {},
): ItemView {
  const view: ItemView = {
    id: item.id,
    key: item.idempotency_key,
    kind: item.kind,
    state: item.state,
    reason: item.state_reason,
    holdCode: item.hold_code,
    route: item.delivered_route,
    wellskyId: item.wellsky_id,
    visitId: item.wellsky_target_id,
    nextAttemptAt: item.state === 'pending' ? iso(item.next_attempt_at) : null,
    lastError: item.last_error,
    attempts: item.attempt_count,
    clientId: item.client_id,
    caregiverId: item.caregiver_id,
    prospectId: item.prospect_id,
    title: item.title,
    priority: item.priority,
    occurredAt: item.occurred_at.toISOString(),
    dueAt: iso(item.due_at),
    createdAt: item.created_at.toISOString(),
    deliveredAt: iso(item.delivered_at),
    reference: item.marker,
  };
  if (options.text) view.text = item.text;
  if (options.attempts) {
    view.history = options.attempts.map((a) => ({
      attempt: a.attempt_no,
      startedAt: a.started_at.toISOString(),
      finishedAt: iso(a.finished_at),
      outcome: a.outcome,
      route: a.route,
      httpStatus: a.http_status,
      errorKind: a.error_kind,
      message: a.message,
    }));
  }
  return view;
}

/** One line for a terminal: state first, then why. */
export function describe(view: ItemView): string {
  const what = `${view.kind} ${view.id.slice(0, 8)} [${view.reference}]`;
  switch (view.state) {
    case 'delivered':
      return `${what}: DELIVERED to WellSky via ${view.route} (id ${view.wellskyId}${view.visitId ? `, visit ${view.visitId}` : ''})`;
    case 'pending':
      return `${what}: PENDING — next attempt ${view.nextAttemptAt}${view.lastError ? `; last error: ${view.lastError}` : ''}`;
    case 'held':
      return `${what}: HELD — ${view.reason}`;
    case 'failed':
      return `${what}: FAILED — ${view.reason}`;
  }
}
