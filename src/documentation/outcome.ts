import type { CapabilityStatus } from '../capabilities/interpret.ts';
import { ConnectError } from '../connect/errors.ts';
import type { ErrorInfo } from '../store/documentation-repo.ts';
import type { DeliveryRoute, HoldCode } from './routing.ts';

const WRITES: Record<DeliveryRoute, string> = {
  'task-log': 'shift notes',
  'admin-task': 'office tasks',
  'document-reference': 'document uploads',
};

/** What an error during delivery means for the item. */
export type ErrorVerdict =
  | { action: 'retry'; error: ErrorInfo }
  | { action: 'unknown'; error: ErrorInfo }
  | { action: 'hold'; code: HoldCode; reason: string; error: ErrorInfo; learn?: CapabilityStatus }
  | { action: 'fail'; error: ErrorInfo };

export function errorInfo(error: unknown, route: DeliveryRoute): ErrorInfo {
  if (error instanceof ConnectError) {
    return { message: error.message, kind: error.kind, httpStatus: error.status, route };
  }
  return { message: error instanceof Error ? error.message : String(error), kind: 'internal', route };
}

/**
 * One table of what each failure means, per route. The rule that matters: when WellSky may have the
 * write (a timeout, a dropped connection, a 5xx after sending), a task log is looked for before it is
 * sent again; an office task cannot be looked for (no search exists), so a person decides.
 */
export function judgeError(error: unknown, route: DeliveryRoute): ErrorVerdict {
  const info = errorInfo(error, route);
  if (!(error instanceof ConnectError)) return { action: 'retry', error: info };
  const mayExist = error.outcomeUnknown || error.kind === 'invalid-response';
  if (mayExist) {
    // Task logs and documents can be looked for before sending again; office tasks cannot.
    if (route !== 'admin-task') return { action: 'unknown', error: info };
    return {
      action: 'hold',
      code: 'outcome-unknown',
      reason:
        'WellSky may already have this office task (its answer was lost); check the Tasks panel for the reference, then resolve it or retry it',
      error: info,
    };
  }
  switch (error.kind) {
    case 'rate-limited':
    case 'server':
    case 'network':
    case 'timeout':
    case 'authentication':
    case 'not-found':
      return { action: 'retry', error: info };
    case 'permission-refused':
      return {
        action: 'hold',
        code: 'capability',
        reason: `WellSky refused this write for these credentials (${WRITES[route]}); ask WellSky to enable it, then replay`,
        error: info,
        learn: 'refused',
      };
    case 'unknown-route':
      return {
        action: 'hold',
        code: 'capability',
        reason: `WellSky's gateway does not know the ${route} route any more; run skybridge doctor`,
        error: info,
        learn: 'no-such-route',
      };
    case 'validation':
    case 'action-failed':
      return {
        action: 'fail',
        error: { ...info, message: `WellSky refused it: ${error.serverMessage ?? error.hint}` },
      };
    default:
      return { action: 'retry', error: info };
  }
}
