import type { Faults, Permissions, ProfileName, Quirks } from './types.ts';

const ALL_PERMISSIONS: Permissions = {
  patientsRead: true,
  patientsWrite: true,
  practitionersRead: true,
  practitionersWrite: true,
  appointmentsRead: true,
  appointmentsWrite: true,
  encountersRead: true,
  encountersWrite: true,
  clock: true,
  taskLogsWrite: true,
  tasksWrite: true,
  adminTasksRead: true,
  adminTasksWrite: true,
  documentsRead: true,
  documentsWrite: true,
  subscriptionsRead: true,
  subscriptionsWrite: true,
  relatedPersonsRead: true,
  relatedPersonsWrite: true,
  profileTagsRead: true,
  profileTagsWrite: true,
  carePlansRead: true,
  carePlansWrite: true,
  chargeItemsRead: true,
  locationsRead: true,
  organizationsRead: true,
  referralSourcesRead: true,
  referralSourcesWrite: true,
};

const NO_QUIRKS: Quirks = {
  patientActiveFilterEmpty: false,
  patientStatusNone: false,
  appointmentNamesMissing: false,
  appointmentSearchPostForbidden: false,
  documentUploadBroken: false,
  encounterRejectsTaskLog: false,
  patientBareListPartial: false,
  onePagedRoutes: false,
  profileTagsListRoute: false,
  externalIdFilterIgnored: false,
};

/**
 * `feb-2026` is WellSky as the source project met it: every observed quirk on, and no direct
 * appointment/encounter writes (those calls never reached the API, facts §3.1 S5/E3). Document uploads
 * fail through the `documentUploadBroken` quirk, not a permission (facts §3.9: validation runs first).
 * `full` is the API as documented, with everything permitted and no quirks.
 */
export const PROFILES: Readonly<Record<ProfileName, { permissions: Permissions; quirks: Quirks }>> = {
  'feb-2026': {
    permissions: { ...ALL_PERMISSIONS, appointmentsWrite: false, encountersWrite: false },
    quirks: {
      ...NO_QUIRKS,
      patientActiveFilterEmpty: true,
      patientStatusNone: true,
      appointmentNamesMissing: true,
      appointmentSearchPostForbidden: true,
      documentUploadBroken: true,
      encounterRejectsTaskLog: true,
      patientBareListPartial: true,
    },
  },
  full: { permissions: { ...ALL_PERMISSIONS }, quirks: { ...NO_QUIRKS } },
};

export const NO_FAULTS: Readonly<Faults> = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  errorStatus: null,
  dropRate: 0,
  lostResponseRate: 0,
  force429Rate: 0,
  retryAfterSeconds: null,
  tokenLifetimeSeconds: null,
};
