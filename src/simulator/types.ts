/**
 * Switches that shape how the simulated WellSky answers. Permissions say what the credentials may do,
 * quirks reproduce observed vendor oddities, faults inject transport trouble. All three can change while
 * the simulator runs (control surface), so clients can be tested against a moving target.
 */

/** One boolean per capability. A refused capability answers the authorizer's explicit-deny 403. */
export interface Permissions {
  patientsRead: boolean;
  patientsWrite: boolean;
  practitionersRead: boolean;
  practitionersWrite: boolean;
  appointmentsRead: boolean;
  /** Direct appointment create/update/delete (never reached the API in Feb 2026). */
  appointmentsWrite: boolean;
  encountersRead: boolean;
  /** Direct encounter create/update/delete (never reached the API in Feb 2026). */
  encountersWrite: boolean;
  /** Clock-in and clock-out. */
  clock: boolean;
  taskLogsWrite: boolean;
  tasksWrite: boolean;
  adminTasksRead: boolean;
  adminTasksWrite: boolean;
  documentsRead: boolean;
  documentsWrite: boolean;
  subscriptionsRead: boolean;
  subscriptionsWrite: boolean;
  relatedPersonsRead: boolean;
  relatedPersonsWrite: boolean;
  profileTagsRead: boolean;
  profileTagsWrite: boolean;
  carePlansRead: boolean;
  carePlansWrite: boolean;
  chargeItemsRead: boolean;
  locationsRead: boolean;
  organizationsRead: boolean;
  referralSourcesRead: boolean;
  referralSourcesWrite: boolean;
}
export type Capability = keyof Permissions;

/** Observed vendor behaviour (facts §3–§4), each behind its own switch. */
export interface Quirks {
  /** `active=true` on a patient search returns an empty bundle (facts §3.4 [V]). */
  patientActiveFilterEmpty: boolean;
  /** The patient `status` tag reads the literal "None" (facts §3.4 [V]). */
  patientStatusNone: boolean;
  /** Appointment entries carry only `client.id` / `caregiver.id` (facts §2.4 [V]). */
  appointmentNamesMissing: boolean;
  /** `POST /v1/appointment/_search/` answers 403 explicit deny (facts §3.1 S2, Feb 26 [V]). */
  appointmentSearchPostForbidden: boolean;
  /** Document upload: array content and valid payloads → 500 HTML (facts §3.9 [V]). */
  documentUploadBroken: boolean;
  /** ~5 % of encounters refuse task logs with `success:false` (facts §3.6 / §5 Feb 5 [V]). */
  encounterRejectsTaskLog: boolean;
  /** A bare `GET /v1/patients/` returns a ~40 % subset (facts §3.4 "~29 of ~70" [V]). */
  patientBareListPartial: boolean;
  /** `_page` is 1-based on encounter, documentReferences, profileTags, relatedperson (facts §2.3, unverified). */
  onePagedRoutes: boolean;
  /** `GET /v1/profileTags/` exists (the spec reading says it does not, facts §3.1 PT2 [3P]). */
  profileTagsListRoute: boolean;
  /**
   * Patient/practitioner search ignores `external_id` (facts §2.2: "no custom-field search" [C], against
   * the documented filter [D]); off by default, on to prove nothing relies on it.
   */
  externalIdFilterIgnored: boolean;
}

/** Transport trouble, deterministic given the seed (each `setFaults` restarts the dice). */
export interface Faults {
  /** Added to every API and token request. */
  latencyMs: number;
  /** Uniform extra delay 0..latencyJitterMs. */
  latencyJitterMs: number;
  /** Share (0..1) of authenticated valid-route requests answered 5xx. */
  errorRate: number;
  /** Pin the injected 5xx status; `null` rotates 500 (HTML) / 502 / 503 from the seed. */
  errorStatus: 500 | 502 | 503 | null;
  /** Share (0..1) of requests whose socket is destroyed without an answer. */
  dropRate: number;
  /**
   * Share (0..1) of authenticated writes (not GETs, not `_search`) that WellSky carries out but whose answer never
   * arrives (the socket is destroyed after the handler ran): the case where a write exists although the
   * client saw an error, which exactly-once delivery has to survive.
   */
  lostResponseRate: number;
  /** Share (0..1) of authenticated valid-route requests answered 429 regardless of the bucket. */
  force429Rate: number;
  /** When set, 429 answers carry `Retry-After: <seconds>` (the stock gateway sends none). */
  retryAfterSeconds: number | null;
  /** Overrides the real validity of tokens (checked at use time, so it also shortens live tokens). */
  tokenLifetimeSeconds: number | null;
}

export type ProfileName = 'feb-2026' | 'full';

export interface SimulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 1. */
  seed?: number;
  /** Default 'feb-2026'. */
  profile?: ProfileName;
  /** Default 50. */
  caregivers?: number;
  /** Default 120. */
  clients?: number;
  /** Default 13: round(weeks/3) weeks back from the current week, the rest ahead. */
  weeks?: number;
  /** Default 'demo-client'. */
  clientId?: string;
  /** Default 'demo-secret'. */
  clientSecret?: string;
  /** Default '1001'. */
  agencyId?: string;
  /** Agency zone for local shift times and date selectors; default 'America/Denver'. */
  timezone?: string;
  /** Injectable clock; token expiry, generation anchor and past/future use it. */
  now?: () => Date;
  /** Requests per second per client id (all its tokens together, facts §2.8); default 100. */
  rateLimit?: number;
  /**
   * The rate limiter's monotonic clock in milliseconds; default `performance.now` (how fast requests
   * really arrive). Tests hold it still so that a burst is counted the same on any machine.
   */
  rateClock?: () => number;
  /** Real token validity; default 3599 (the response always says "3599"). */
  tokenLifetimeSeconds?: number;
  /** Legacy-host mode: 404 HTML for every path. */
  legacy?: boolean;
  permissions?: Partial<Permissions>;
  quirks?: Partial<Quirks>;
  faults?: Partial<Faults>;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  seed: number;
  profile: ProfileName;
  caregivers: number;
  clients: number;
  weeks: number;
  clientId: string;
  clientSecret: string;
  agencyId: string;
  timezone: string;
  now: () => Date;
  rateLimit: number;
  rateClock: () => number;
  tokenLifetimeSeconds: number;
  legacy: boolean;
}
