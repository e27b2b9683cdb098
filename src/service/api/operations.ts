import type { ApiRoute } from './route.ts';

/**
 * Operations routes (issue #6): clock-in/out, call-outs, replacement candidates. Declare them here with
 * `defineRoute` (see people.ts); the server registers, authorizes, audits and documents every route in
 * this list like the others:
 *   POST /api/v1/shifts/{id}/clock-in, POST /api/v1/shifts/{id}/clock-out (write)
 *   POST /api/v1/callouts (write), GET /api/v1/shifts/{id}/candidates?date=&limit= (write)
 */
export const operationsRoutes: ApiRoute[] = [];
