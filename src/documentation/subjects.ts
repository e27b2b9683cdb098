import type { ConnectClient } from '../connect/client.ts';
import { ConnectError } from '../connect/errors.ts';

export type SubjectKind = 'client' | 'caregiver' | 'prospect';
export type SubjectCheck = 'exists' | 'missing' | 'unknown';

/** Whether a client, caregiver or prospect id names a real record, before anything is stored. */
export type SubjectDirectory = (kind: SubjectKind, id: string) => Promise<SubjectCheck>;

/** True when a local read model (the mirror) holds this id; false means "not known here", not "missing". */
export type KnownSubjects = (kind: SubjectKind, id: string) => boolean;

/**
 * Asks WellSky (one GET by id). When WellSky cannot answer now, the answer is "unknown" and the item is
 * accepted anyway: losing a note because WellSky is down would be worse than a late validation error.
 */
export function liveSubjectDirectory(client: ConnectClient): SubjectDirectory {
  return async (kind, id) => {
    try {
      if (kind === 'caregiver') await client.practitioners.get(id);
      else await client.patients.get(id);
      return 'exists';
    } catch (error) {
      if (error instanceof ConnectError && error.kind === 'not-found') return 'missing';
      return 'unknown';
    }
  };
}
