import { type ConnectConfig, type ConnectConfigInput, loadConnectConfig } from './config.ts';
import { createRateGovernor, type RateGovernor } from './governor.ts';
import { appointmentsResource } from './resources/appointments.ts';
import {
  carePlansResource,
  chargeItemsResource,
  officesResource,
  profileTagsResource,
  relatedPersonsResource,
  subscriptionsResource,
} from './resources/catalog.ts';
import { encountersResource } from './resources/encounters.ts';
import { adminTasksResource, documentsResource } from './resources/office.ts';
import { patientsResource, practitionersResource } from './resources/people.ts';
import { TokenManager } from './token-manager.ts';
import { type RequestEvent, Transport } from './transport.ts';

export interface ConnectClientOptions {
  /** Settings; anything missing is read from `WELLSKY_*` environment variables. */
  config?: Partial<ConnectConfigInput>;
  env?: NodeJS.ProcessEnv;
  /** Share one governor between clients of the same credentials (the ceiling is per client id). */
  governor?: RateGovernor;
  fetch?: typeof fetch;
  onEvent?: (event: RequestEvent) => void;
  onTokenRequest?: () => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The typed WellSky Connect client: every route spelled right, every page read, every error classified. */
export class ConnectClient {
  readonly config: ConnectConfig;
  readonly tokens: TokenManager;
  readonly transport: Transport;
  readonly governor: RateGovernor;

  readonly practitioners;
  readonly patients;
  readonly appointments;
  readonly encounters;
  readonly adminTasks;
  readonly documents;
  readonly relatedPersons;
  readonly profileTags;
  readonly carePlans;
  readonly subscriptions;
  readonly offices;
  readonly chargeItems;

  constructor(options: ConnectClientOptions = {}) {
    this.config = loadConnectConfig(options.config, options.env);
    this.governor = options.governor ?? createRateGovernor({ ratePerSecond: this.config.rateLimitPerSecond });
    this.tokens = new TokenManager({
      config: this.config,
      fetch: options.fetch,
      now: options.now,
      onTokenRequest: options.onTokenRequest,
    });
    this.transport = new Transport({
      config: this.config,
      tokens: this.tokens,
      governor: this.governor,
      fetch: options.fetch,
      onEvent: options.onEvent,
      sleep: options.sleep,
      random: options.random,
    });
    const t = this.transport;
    this.practitioners = practitionersResource(t);
    this.patients = patientsResource(t);
    this.appointments = appointmentsResource(t, this.config.timezone);
    this.encounters = encountersResource(t);
    this.adminTasks = adminTasksResource(t);
    this.documents = documentsResource(t);
    this.relatedPersons = relatedPersonsResource(t);
    this.profileTags = profileTagsResource(t);
    this.carePlans = carePlansResource(t, this.config.agencyId);
    this.subscriptions = subscriptionsResource(t);
    this.offices = officesResource(t);
    this.chargeItems = chargeItemsResource(t);
  }
}
