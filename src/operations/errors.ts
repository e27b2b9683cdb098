import { type ConnectError, isConnectError } from '../connect/errors.ts';

export type OperationErrorCode =
  | 'invalid-input'
  | 'mirror-empty'
  | 'no-such-shift'
  | 'no-such-caregiver'
  | 'not-assigned'
  | 'shift-over'
  | 'not-clocked-in'
  | 'already-clocked-out'
  | 'refused'
  | 'rejected'
  | 'unavailable';

/** The HTTP status each code maps to, so the service answers consistently. */
export const OPERATION_ERROR_STATUS: Record<OperationErrorCode, number> = {
  'invalid-input': 400,
  'mirror-empty': 503,
  'no-such-shift': 404,
  'no-such-caregiver': 404,
  'not-assigned': 409,
  'shift-over': 409,
  'not-clocked-in': 409,
  'already-clocked-out': 409,
  refused: 403,
  rejected: 422,
  unavailable: 503,
};

/** An operation that could not be done, in words a caregiver or a scheduler can act on. */
export class OperationError extends Error {
  override name = 'OperationError';
  constructor(
    readonly code: OperationErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return OPERATION_ERROR_STATUS[this.code];
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/**
 * A WellSky error turned into plain words for one action ("clock in on shift 123"). Nothing from the
 * request body is repeated: ConnectError messages are already scrubbed of secrets and phones.
 */
export function fromConnectError(error: unknown, action: string): OperationError | undefined {
  if (!isConnectError(error)) return undefined;
  const e: ConnectError = error;
  switch (e.kind) {
    case 'permission-refused':
      return new OperationError(
        'refused',
        `WellSky refused to ${action}: these credentials are not allowed to (ask WellSky support to enable it; \`skybridge doctor\` shows what is allowed)`,
      );
    case 'unknown-route':
      return new OperationError(
        'refused',
        `WellSky does not offer the route needed to ${action} (${e.hint})`,
      );
    case 'not-found':
      return new OperationError('no-such-shift', `WellSky does not know it: cannot ${action}`);
    case 'validation':
    case 'action-failed':
      return new OperationError(
        'rejected',
        `WellSky rejected the request to ${action}${e.serverMessage ? `: ${e.serverMessage}` : ''}`,
      );
    case 'authentication':
      return new OperationError(
        'refused',
        `WellSky did not accept Skybridge's credentials, so it could not ${action}: check WELLSKY_CLIENT_ID and WELLSKY_CLIENT_SECRET`,
      );
    default:
      return new OperationError(
        'unavailable',
        `WellSky did not answer properly (${e.kind}${e.outcomeUnknown ? ', the outcome is unknown' : ''}), so Skybridge could not confirm it could ${action}; trying again is safe`,
      );
  }
}
