import type { CapabilityStatus } from '../capabilities/interpret.ts';
import type { ItemKind } from '../store/types.ts';

export type DeliveryRoute = 'task-log' | 'admin-task' | 'document-reference';

/** Why an item waits for a person or for a change; the code decides whether replay may retry it. */
export type HoldCode =
  | 'no-visit'
  | 'visit-refused'
  | 'capability'
  | 'no-route'
  | 'configuration'
  | 'gave-up'
  | 'outcome-unknown';

/** Holds that a capability refresh or a new visit can lift; the others need a person. */
export const REPLAYABLE_HOLDS: readonly HoldCode[] = [
  'no-visit',
  'visit-refused',
  'capability',
  'no-route',
  'configuration',
];

export type RouteDecision = { route: DeliveryRoute } | { hold: HoldCode; reason: string };

export interface RoutingSettings {
  /** Agency setting (off by default): send caregiver and prospect notes as office tasks. */
  profileNotesAsOfficeTasks: boolean;
  agencyId: string | undefined;
}

/** The capability each route needs, as `doctor` measures it. */
export const ROUTE_CAPABILITY: Record<DeliveryRoute, string> = {
  'task-log': 'notes.write',
  'admin-task': 'office-tasks.write',
  'document-reference': 'documents.write',
};

const REFUSAL: Record<DeliveryRoute, string> = {
  'task-log': "this agency's credentials may not write shift notes (task logs)",
  'admin-task': "this agency's credentials may not create office tasks",
  'document-reference': "this agency's credentials may not upload documents",
};

/**
 * The one route a kind of item takes, given what the credentials may do. Only a status measured as
 * refused or missing blocks a route; an unmeasured or erroring capability is tried (the attempt tells).
 */
export function chooseRoute(
  kind: ItemKind,
  capabilities: ReadonlyMap<string, CapabilityStatus>,
  settings: RoutingSettings,
): RouteDecision {
  const wanted = routeFor(kind, settings);
  if ('hold' in wanted) return wanted;
  const status = capabilities.get(ROUTE_CAPABILITY[wanted.route]);
  if (status === 'refused' || status === 'no-such-route') {
    return { hold: 'capability', reason: `${REFUSAL[wanted.route]} (doctor: ${status})` };
  }
  if (wanted.route !== 'task-log' && !settings.agencyId) {
    return {
      hold: 'configuration',
      reason: `${wanted.route === 'admin-task' ? 'office tasks' : 'documents'} need the agency id in their body: set WELLSKY_AGENCY_ID`,
    };
  }
  return wanted;
}

function routeFor(kind: ItemKind, settings: RoutingSettings): RouteDecision {
  switch (kind) {
    case 'client-note':
      return { route: 'task-log' };
    case 'call-out':
    case 'office-task':
      return { route: 'admin-task' };
    case 'document':
      return { route: 'document-reference' };
    case 'caregiver-note':
    case 'prospect-note': {
      if (settings.profileNotesAsOfficeTasks) return { route: 'admin-task' };
      const who = kind === 'caregiver-note' ? 'caregiver' : 'prospect';
      return {
        hold: 'no-route',
        reason: `WellSky's API has no route for notes on a ${who}'s profile; a person must enter it in WellSky (or enable SKYBRIDGE_PROFILE_NOTES_AS_OFFICE_TASKS to send them as office tasks)`,
      };
    }
  }
}

/** Holds a change can lift without anyone deciding: write access granted, configuration fixed, a visit appeared. */
export const LIFTABLE_HOLDS: readonly HoldCode[] = [
  'capability',
  'configuration',
  'no-visit',
  'visit-refused',
];
