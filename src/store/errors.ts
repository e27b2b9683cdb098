/** The store cannot be opened as configured; the message says which setting and what to do. */
export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/**
 * A transition was refused: the item is not in a state that allows it, or the caller does not hold
 * its claim (another worker took it over after the lease expired). The worker must not assume its
 * outcome was recorded.
 */
export class TransitionRefusedError extends Error {
  override name = 'TransitionRefusedError';
  constructor(
    readonly itemId: string,
    readonly reason: 'not-found' | 'not-claimant' | 'wrong-state',
    message: string,
  ) {
    super(message);
  }
}
