import type { MessageState } from '../store/messaging-types.ts';

/**
 * The only moves an outgoing message may make. Provider status callbacks arrive out of order, so a
 * move is allowed only forward: a late "sent" after "delivered" changes nothing.
 */
const NEXT: Record<MessageState, readonly MessageState[]> = {
  queued: ['sent', 'delivered', 'failed', 'not-sent'],
  sent: ['delivered', 'failed'],
  delivered: [],
  failed: [],
  'not-sent': [],
};

export function canMove(from: MessageState, to: MessageState): boolean {
  return NEXT[from].includes(to);
}

export function isFinal(state: MessageState): boolean {
  return NEXT[state].length === 0;
}

/** The states a message in `from` may be in before moving to `to` (for a guarded UPDATE). */
export function statesBefore(to: MessageState): MessageState[] {
  return (Object.keys(NEXT) as MessageState[]).filter((from) => NEXT[from].includes(to));
}
