import type { DateTime } from 'luxon';
import type { ConnectClient } from '../connect/client.ts';
import { type VisitCandidate, visitFromEncounter } from './visit-match.ts';

/** Where delivery finds a client's visits around a time: the live API now, the mirror when it has them. */
export type VisitFinder = (clientId: string, at: DateTime) => Promise<VisitCandidate[]>;

/** One encounter search for the client over the note's agency-local day and its neighbours. */
export function liveVisitFinder(client: ConnectClient): VisitFinder {
  return async (clientId, at) => {
    const local = at.setZone(client.config.timezone);
    const visits: VisitCandidate[] = [];
    const search = client.encounters.search({
      clientId,
      from: local.minus({ days: 1 }).toISODate()!,
      to: local.plus({ days: 1 }).toISODate()!,
    });
    for await (const encounter of search) {
      const visit = visitFromEncounter(encounter);
      if (visit) visits.push(visit);
    }
    return visits;
  };
}
