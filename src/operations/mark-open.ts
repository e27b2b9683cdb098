import { isConnectError } from '../connect/errors.ts';
import type { Occurrence } from './occurrence.ts';
import type { OperationsPorts } from './ports.ts';

export type OpenState = 'opened' | 'already-open' | 'needs-person' | 'failed';

export interface OpenOutcome {
  state: OpenState;
  /** In plain words; for `needs-person` and `failed`, what the person must do in WellSky. */
  detail: string;
}

/**
 * Marks one occurrence open in WellSky: read the whole appointment, remove the caregiver, write all of it
 * back (a full replacement, facts §3.5), then read it again to confirm. Only when the measured capability
 * matrix says these credentials may change shifts; otherwise, and on any refusal, a person must do it and
 * the outcome says so (the original escalated every live call-out this way without saying why, D-5).
 */
export async function markOpen(
  ports: Pick<OperationsPorts, 'wellsky' | 'capabilities'>,
  o: Occurrence,
): Promise<OpenOutcome> {
  const manual = `a person must unassign caregiver ${o.caregiverId ?? '?'} from shift ${o.appointmentId} on ${o.view.date} ${o.view.startTime} in WellSky`;
  if (o.isOpen || !o.caregiverId) return { state: 'already-open', detail: 'the shift is already open' };
  const status = await ports.capabilities.status('shifts.write');
  if (status !== 'available') {
    return {
      state: 'needs-person',
      detail: `these WellSky credentials may not change shifts (shifts.write: ${status ?? 'not measured'}): ${manual}`,
    };
  }
  try {
    await ports.wellsky.setCaregiver(o, null);
    const after = await ports.wellsky.readOccurrence(o);
    if (after && !after.caregiverId)
      return { state: 'opened', detail: 'the shift is open in WellSky (checked after the change)' };
    return {
      state: 'failed',
      detail: `WellSky accepted the change but still shows a caregiver on the shift: ${manual}`,
    };
  } catch (error) {
    if (isConnectError(error, 'permission-refused') || isConnectError(error, 'unknown-route')) {
      return { state: 'needs-person', detail: `WellSky refused the change to the shift: ${manual}` };
    }
    if (isConnectError(error))
      return { state: 'failed', detail: `WellSky did not take the change (${error.kind}): ${manual}` };
    throw error;
  }
}
