import type { RouteDef } from '../http.ts';
import { appointmentRoutes } from './appointments.ts';
import { catalogRoutes } from './catalog.ts';
import { encounterRoutes } from './encounters.ts';
import { officeRoutes } from './office.ts';
import { peopleRoutes } from './people.ts';
import { relatedRoutes } from './related.ts';

/** The deployed routes of facts §3.1 (working, reported, unverified and broken rows). */
export const API_ROUTES: readonly RouteDef[] = [
  ...peopleRoutes,
  ...appointmentRoutes,
  ...encounterRoutes,
  ...officeRoutes,
  ...relatedRoutes,
  ...catalogRoutes,
];
