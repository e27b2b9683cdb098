/**
 * Every Connect route the client knows, spelled exactly as the gateway matches them (facts §2.1, §3.1):
 * lowercase plural `patients`/`practitioners`, singular `appointment`/`encounter`/`relatedperson`,
 * camelCase `adminTasks`/`documentReferences`/`profileTags`, and a trailing slash everywhere. Callers
 * never type a path: they name a route and its ids.
 */
export const ROUTES = {
  token: 'POST /oauth/accesstoken',
  practitionersList: 'GET /v1/practitioners/',
  practitionersSearch: 'POST /v1/practitioners/_search/',
  practitionerGet: 'GET /v1/practitioners/{id}/',
  practitionerCreate: 'POST /v1/practitioners/',
  practitionerUpdate: 'PUT /v1/practitioners/{id}/',
  practitionerDelete: 'DELETE /v1/practitioners/{id}/',
  patientsList: 'GET /v1/patients/',
  patientsSearch: 'POST /v1/patients/_search/',
  patientGet: 'GET /v1/patients/{id}/',
  patientCreate: 'POST /v1/patients/',
  patientUpdate: 'PUT /v1/patients/{id}/',
  patientDelete: 'DELETE /v1/patients/{id}/',
  appointmentsList: 'GET /v1/appointment/',
  appointmentsSearch: 'POST /v1/appointment/_search/',
  appointmentGet: 'GET /v1/appointment/{id}/',
  appointmentCreate: 'POST /v1/appointment/',
  appointmentReplace: 'PUT /v1/appointment/{id}/',
  appointmentDelete: 'DELETE /v1/appointment/{id}/',
  encountersSearch: 'POST /v1/encounter/_search/',
  encounterGet: 'GET /v1/encounter/{id}/',
  encounterCreate: 'POST /v1/encounter/',
  encounterUpdate: 'PUT /v1/encounter/{id}/',
  encounterDelete: 'DELETE /v1/encounter/{id}/',
  clockIn: 'POST /v1/encounter/{appointmentId}/clockin/',
  clockOut: 'PUT /v1/encounter/{encounterId}/clockout/',
  taskLogCreate: 'POST /v1/encounter/{encounterId}/tasklog/',
  taskLogList: 'GET /v1/encounter/{encounterId}/tasklog/',
  taskLogUpdate: 'PUT /v1/encounter/{encounterId}/tasklog/{taskLogId}/',
  taskUpdate: 'PUT /v1/encounter/{encounterId}/task/{taskId}/',
  adminTaskCreate: 'POST /v1/adminTasks/',
  adminTaskGet: 'GET /v1/adminTasks/{id}/',
  documentCreate: 'POST /v1/documentReferences/',
  documentGet: 'GET /v1/documentReferences/{id}/',
  documentUpdate: 'PUT /v1/documentReferences/{id}/',
  documentDelete: 'DELETE /v1/documentReferences/{id}/',
  documentsForProfile: 'POST /v1/documentReferences/_profile/',
  subscriptionCreate: 'POST /v1/subscriptions/',
  subscriptionsList: 'GET /v1/subscriptions/',
  subscriptionsSearch: 'POST /v1/subscriptions/_search/',
  subscriptionGet: 'GET /v1/subscriptions/{id}/',
  subscriptionUpdate: 'PUT /v1/subscriptions/{id}/',
  subscriptionDelete: 'DELETE /v1/subscriptions/{id}/',
  profileTagCreate: 'POST /v1/profileTags/',
  profileTagGet: 'GET /v1/profileTags/{id}/',
  profileTagUpdate: 'PUT /v1/profileTags/{id}/',
  profileTagDelete: 'DELETE /v1/profileTags/{id}/',
  relatedPersonsOfPatient: 'GET /v1/relatedperson/{patientId}/',
  relatedPersonCreate: 'POST /v1/relatedperson/',
  relatedPersonsSearch: 'POST /v1/relatedperson/_search/',
  relatedPersonUpdate: 'PUT /v1/relatedperson/{contactId}/',
  relatedPersonDelete: 'DELETE /v1/relatedperson/{patientId}/contacts/{contactId}/',
  activityMetadata: 'GET /v1/careplan/activity-metadata/',
  carePlanActivityCreate: 'POST /v1/careplan/activity/{patientId}/',
  carePlanActivityReplace: 'PUT /v1/careplan/activity/{patientId}/',
  chargeItemsSearch: 'POST /v1/chargeitem/_search/',
  locationsList: 'GET /v1/locations/',
  locationsSearch: 'POST /v1/locations/_search/',
  organizationsList: 'GET /v1/organizations/',
  organizationsSearch: 'POST /v1/organizations/_search/',
  referralSourceCreate: 'POST /v1/referralsource/',
  referralSourceGet: 'GET /v1/referralsource/{id}/',
  referralSourceUpdate: 'PUT /v1/referralsource/{id}/',
} as const;

export type RouteName = keyof typeof ROUTES;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ResolvedRoute {
  name: RouteName | 'raw';
  method: HttpMethod;
  /** The template, e.g. `/v1/encounter/{encounterId}/tasklog/` — what errors and metrics show. */
  template: string;
  /** The concrete path with ids filled in. */
  path: string;
}

export function route(name: RouteName, params: Record<string, string | number> = {}): ResolvedRoute {
  const [method, template] = ROUTES[name].split(' ') as [HttpMethod, string];
  const path = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new TypeError(`route ${name} needs ${key}`);
    const text = String(value);
    // An id that is not numeric would turn into an unknown route (a gateway 403), so refuse it here.
    if (!/^\d+$/.test(text)) throw new TypeError(`route ${name}: ${key} must be a numeric WellSky id`);
    return text;
  });
  return { name, method, template, path };
}

/** Reduces a concrete path to a template-like shape (`/v1/patients/123/` → `/v1/patients/{}/`). */
function shapeOf(path: string): string {
  return path
    .split('?')[0]!
    .replace(/\/\d+(?=\/|$)/g, '/{}')
    .replace(/\{\w+\}/g, '{}');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * The known route closest to a path the gateway did not recognise, for the hint of an unknown-route
 * error: `GET /v1/appointments/` → `GET /v1/appointment/`, `/v1/Patient` → `/v1/patients/`.
 */
export function nearestRoute(method: string, path: string): string | undefined {
  const target = `${method.toUpperCase()} ${shapeOf(path).toLowerCase()}`;
  let best: { spec: string; score: number } | undefined;
  for (const spec of Object.values(ROUTES)) {
    const [m, template] = spec.split(' ') as [string, string];
    const candidate = `${m} ${shapeOf(template).toLowerCase()}`;
    const score = editDistance(target, candidate);
    if (!best || score < best.score) best = { spec, score };
  }
  if (!best) return undefined;
  return best.spec === `${method.toUpperCase()} ${path}` ? undefined : best.spec;
}
