import type { SubmitOutcome } from '../../documentation/service.ts';
import type { ItemView } from '../../documentation/view.ts';

/** What each state means, for an assistant that must tell a person the truth about a write. */
export const STATE_MEANINGS = {
  delivered: 'it is in WellSky; wellskyId is its WellSky id (visitId: the visit it was attached to)',
  pending:
    'stored safely by Skybridge but NOT yet in WellSky; it will be retried automatically at nextAttemptAt',
  held: 'stored by Skybridge but NOT in WellSky: a person at the office must act; reason says why',
  failed: 'NOT in WellSky: refused permanently; reason says why. Do not tell anyone it was recorded',
} as const;

/** One sentence with the item's true state first: never "success" for anything not in WellSky. */
export function stateSentence(item: ItemView): string {
  const what = `${item.kind} ${item.id}`;
  switch (item.state) {
    case 'delivered': {
      const where = item.visitId ? ` on visit ${item.visitId}` : '';
      return `DELIVERED: the ${what} is in WellSky (WellSky id ${item.wellskyId ?? 'not reported'}${where}, via ${item.route}).`;
    }
    case 'pending':
      return (
        `PENDING: the ${what} is stored safely but is NOT in WellSky yet; next attempt ${item.nextAttemptAt ?? 'soon'}` +
        `${item.lastError ? ` (last error: ${item.lastError})` : ''}. Check again with documentation_status.`
      );
    case 'held':
      return `HELD: the ${what} is stored but NOT in WellSky; the office must act on it. Reason: ${item.reason}`;
    case 'failed':
      return `FAILED: the ${what} is NOT in WellSky and will not be retried. Reason: ${item.reason}`;
  }
}

/** The fields of an item an assistant needs (the text is left out: the caller just wrote it). */
export function itemFacts(item: ItemView) {
  return {
    id: item.id,
    key: item.key,
    kind: item.kind,
    state: item.state,
    meaning: STATE_MEANINGS[item.state],
    reason: item.reason,
    holdCode: item.holdCode,
    wellskyId: item.wellskyId,
    visitId: item.visitId,
    route: item.route,
    nextAttemptAt: item.nextAttemptAt,
    lastError: item.lastError,
    attempts: item.attempts,
    clientId: item.clientId,
    caregiverId: item.caregiverId,
    prospectId: item.prospectId,
    occurredAt: item.occurredAt,
    createdAt: item.createdAt,
    reference: item.reference,
  };
}

export function submitFacts(outcome: SubmitOutcome) {
  return {
    created: outcome.created,
    ...(outcome.created ? {} : { note: 'this idempotency key was already used: the existing item is shown' }),
    ...(outcome.sanitized > 0 ? { sanitizedCharacters: outcome.sanitized } : {}),
    item: itemFacts(outcome.item),
  };
}
