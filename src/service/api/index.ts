import { adminRoutes } from './admin.ts';
import { documentationRoutes } from './documentation.ts';
import { fillRoutes } from './fills.ts';
import { intakeRoutes } from './intake.ts';
import { keyRoutes } from './keys.ts';
import { messagesRoutes } from './messages.ts';
import { operationsRoutes } from './operations.ts';
import { peopleRoutes } from './people.ts';
import { reportsRoutes } from './reports.ts';
import type { ApiRoute } from './route.ts';

export { type ApiRoute, defineRoute } from './route.ts';

/** Every `/api/v1` route: registered by the server and documented in `/openapi.json` from this one list. */
export const apiRoutes: ApiRoute[] = [
  ...peopleRoutes,
  ...documentationRoutes,
  ...intakeRoutes,
  ...adminRoutes,
  ...keyRoutes,
  ...operationsRoutes,
  ...fillRoutes,
  ...messagesRoutes,
  ...reportsRoutes,
];
