/**
 * What `doctor` checks, one row per capability an agency cares about. Reads are probed with the smallest
 * real call. Writes are probed safely: a deliberately invalid body or the id 0, so WellSky's answer tells
 * "route exists and these credentials may use it" (400/404/422) from "refused" (403) and from "no such
 * route" (the gateway's 403) without creating anything.
 */
export type ProbeKind = 'read' | 'safe-write' | 'write' | 'absent';

export interface ProbeContext {
  caregiverId: string;
  clientId: string;
  encounterId: string;
  today: string; // YYYYMMDD
  weekAgo: string; // YYYYMMDD
  agencyId: string | undefined;
}

export interface ProbeSpec {
  id: string;
  capability: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route template shown to people. */
  route: string;
  kind: ProbeKind;
  path: (c: ProbeContext) => string;
  body?: (c: ProbeContext) => unknown;
  /** Said after the status when the probe answers as this capability's known caveat predicts. */
  caveat?: string;
}

const paging = '?_count=1&_page=0';

export const PROBES: ProbeSpec[] = [
  {
    id: 'caregivers.read',
    capability: 'Caregivers and applicants (search)',
    method: 'POST',
    route: '/v1/practitioners/_search/',
    kind: 'read',
    path: () => `/v1/practitioners/_search/${paging}`,
    body: () => ({}),
  },
  {
    id: 'clients.read',
    capability: 'Clients and prospects (search)',
    method: 'POST',
    route: '/v1/patients/_search/',
    kind: 'read',
    path: () => `/v1/patients/_search/${paging}`,
    body: () => ({}),
  },
  {
    id: 'shifts.read',
    capability: 'Shifts of a caregiver or client (GET search)',
    method: 'GET',
    route: '/v1/appointment/',
    kind: 'read',
    path: (c) =>
      `/v1/appointment/?caregiverId=${c.caregiverId}&startDate=${c.today}&additionalDays=6&_count=1`,
  },
  {
    id: 'shifts.search-post',
    capability: 'Shifts (POST _search form)',
    method: 'POST',
    route: '/v1/appointment/_search/',
    kind: 'read',
    path: () => '/v1/appointment/_search/?_count=1',
    body: (c) => ({ caregiverId: c.caregiverId, startDate: c.today, additionalDays: '6' }),
    caveat: 'Skybridge reads shifts with the GET search, so this one is not needed',
  },
  {
    id: 'visits.read',
    capability: 'Visits (encounter search)',
    method: 'POST',
    route: '/v1/encounter/_search/',
    kind: 'read',
    path: () => '/v1/encounter/_search/?_count=1',
    body: (c) => ({ caregiverId: c.caregiverId, startDate: c.weekAgo, endDate: c.today }),
  },
  {
    id: 'notes.read',
    capability: 'Shift notes of a visit (task log list)',
    method: 'GET',
    route: '/v1/encounter/{encounterId}/tasklog/',
    kind: 'read',
    path: (c) => `/v1/encounter/${c.encounterId}/tasklog/`,
  },
  {
    id: 'family.read',
    capability: 'Family and contacts of a client',
    method: 'GET',
    route: '/v1/relatedperson/{patientId}/',
    kind: 'read',
    path: (c) => `/v1/relatedperson/${c.clientId}/`,
  },
  {
    id: 'careplan.read',
    capability: 'Care-plan activity catalogue (ADL/IADL)',
    method: 'GET',
    route: '/v1/careplan/activity-metadata/',
    kind: 'read',
    path: (c) =>
      `/v1/careplan/activity-metadata/?activity_type=ADL${c.agencyId ? `&agency_id=${c.agencyId}` : ''}`,
  },
  {
    id: 'profile-tags.read',
    capability: 'Skill tags (one tag)',
    method: 'GET',
    route: '/v1/profileTags/{id}/',
    kind: 'read',
    path: () => '/v1/profileTags/0/',
  },
  {
    id: 'locations.read',
    capability: 'Offices (locations)',
    method: 'GET',
    route: '/v1/locations/',
    kind: 'read',
    path: () => `/v1/locations/${paging}`,
  },
  {
    id: 'organizations.read',
    capability: 'Agency (organizations)',
    method: 'GET',
    route: '/v1/organizations/',
    kind: 'read',
    path: () => '/v1/organizations/',
  },
  {
    id: 'subscriptions.read',
    capability: 'Webhook subscriptions (list)',
    method: 'GET',
    route: '/v1/subscriptions/',
    kind: 'read',
    path: () => `/v1/subscriptions/${paging}`,
  },
  {
    id: 'billing.read',
    capability: 'Billing lines (charge items)',
    method: 'POST',
    route: '/v1/chargeitem/_search/',
    kind: 'read',
    path: () => '/v1/chargeitem/_search/?_count=1',
    body: (c) => ({
      startDate: Number(c.weekAgo),
      endDate: Number(c.today),
      caregiverId: Number(c.caregiverId),
    }),
  },
  {
    id: 'notes.write',
    capability: 'Write shift notes / care alerts (task log on a visit)',
    method: 'POST',
    route: '/v1/encounter/{encounterId}/tasklog/',
    kind: 'safe-write',
    path: () => '/v1/encounter/0/tasklog/',
    body: () => ({}),
  },
  {
    id: 'clock.in',
    capability: 'Clock in (EVV)',
    method: 'POST',
    route: '/v1/encounter/{appointmentId}/clockin/',
    kind: 'safe-write',
    path: () => '/v1/encounter/0/clockin/',
    body: () => ({}),
  },
  {
    id: 'clock.out',
    capability: 'Clock out (EVV)',
    method: 'PUT',
    route: '/v1/encounter/{encounterId}/clockout/',
    kind: 'safe-write',
    path: () => '/v1/encounter/0/clockout/',
    body: () => ({}),
  },
  {
    id: 'office-tasks.write',
    capability: 'Create office tasks (admin tasks)',
    method: 'POST',
    route: '/v1/adminTasks/',
    kind: 'safe-write',
    path: () => '/v1/adminTasks/',
    body: () => ({}),
  },
  {
    id: 'shifts.write',
    capability: 'Change shifts (mark open, reassign: appointment replace)',
    method: 'PUT',
    route: '/v1/appointment/{id}/',
    kind: 'safe-write',
    path: () => '/v1/appointment/0/',
    body: () => ({}),
  },
  {
    id: 'shift-tasks.write',
    capability: 'Tick shift tasks',
    method: 'PUT',
    route: '/v1/encounter/{encounterId}/task/{taskId}/',
    kind: 'safe-write',
    path: () => '/v1/encounter/0/task/0/',
    body: () => ({}),
  },
  {
    id: 'documents.write',
    capability: 'Upload documents',
    method: 'POST',
    route: '/v1/documentReferences/',
    kind: 'safe-write',
    path: () => '/v1/documentReferences/',
    body: () => ({}),
    caveat:
      'valid uploads answered 500 (vendor side) through Feb 2026 even when validation passed; run with --probe-writes to test a real upload',
  },
  {
    id: 'clients.write',
    capability: 'Update clients and prospects',
    method: 'PUT',
    route: '/v1/patients/{id}/',
    kind: 'safe-write',
    path: () => '/v1/patients/0/',
    body: () => ({}),
  },
  {
    id: 'caregivers.write',
    capability: 'Update caregivers and applicants',
    method: 'PUT',
    route: '/v1/practitioners/{id}/',
    kind: 'safe-write',
    path: () => '/v1/practitioners/0/',
    body: () => ({}),
  },
  {
    id: 'family.write',
    capability: 'Add family contacts',
    method: 'POST',
    route: '/v1/relatedperson/',
    kind: 'safe-write',
    path: () => '/v1/relatedperson/',
    body: () => ({}),
  },
  {
    id: 'careplan.write',
    capability: 'Add care-plan activities',
    method: 'POST',
    route: '/v1/careplan/activity/{patientId}/',
    kind: 'safe-write',
    path: () => '/v1/careplan/activity/0/',
    body: () => ({}),
  },
  {
    id: 'subscriptions.write',
    capability: 'Create webhook subscriptions',
    method: 'POST',
    route: '/v1/subscriptions/',
    kind: 'safe-write',
    path: () => '/v1/subscriptions/',
    body: () => ({}),
  },
  {
    id: 'client-profile-notes',
    capability: 'Free-text note on a client profile',
    method: 'POST',
    route: '/v1/patients/{id}/notes/',
    kind: 'absent',
    path: (c) => `/v1/patients/${c.clientId}/notes/`,
    body: () => ({}),
    caveat:
      'the Connect API has no profile-note route; Skybridge writes client notes as task logs on a visit',
  },
  {
    id: 'prospect-notes',
    capability: 'Note on a prospect',
    method: 'POST',
    route: '/v1/prospects/{id}/notes/',
    kind: 'absent',
    path: (c) => `/v1/prospects/${c.clientId}/notes/`,
    body: () => ({}),
    caveat:
      'no such route exists; Skybridge holds prospect notes for staff unless an office-task route is allowed',
  },
  {
    id: 'messages',
    capability: 'Messages (communication)',
    method: 'POST',
    route: '/v1/communication/',
    kind: 'absent',
    path: () => '/v1/communication/',
    body: () => ({}),
    caveat: 'no messaging route exists in the Connect API',
  },
];
