import type { SubscriptionCriteria } from '../connect/wire/index.ts';
import { AgencyZone } from './agency/calendar.ts';
import { generateAgency } from './agency/generate.ts';
import type { AgencyStore, ChangeFacet, PersonKind } from './agency/store.ts';
import { FaultDice } from './faults.ts';
import { NO_FAULTS, PROFILES } from './profiles.ts';
import { RateLimiter } from './rate-limit.ts';
import { Stats } from './stats.ts';
import { TokenStore } from './tokens.ts';
import type { Faults, Permissions, ProfileName, Quirks, ResolvedOptions, SimulatorOptions } from './types.ts';
import { Webhooks } from './webhooks.ts';

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    seed: options.seed ?? 1,
    profile: options.profile ?? 'feb-2026',
    caregivers: options.caregivers ?? 50,
    clients: options.clients ?? 120,
    weeks: options.weeks ?? 13,
    clientId: options.clientId ?? 'demo-client',
    clientSecret: options.clientSecret ?? 'demo-secret',
    agencyId: options.agencyId ?? '1001',
    timezone: options.timezone ?? 'America/Denver',
    now: options.now ?? (() => new Date()),
    rateLimit: options.rateLimit ?? 100,
    rateClock: options.rateClock ?? (() => performance.now()),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    legacy: options.legacy ?? false,
  };
}

/** Everything one running simulator knows; the HTTP server and the control object both work on it. */
export class SimState {
  profile: ProfileName;
  permissions: Permissions;
  quirks: Quirks;
  faults: Faults;
  rateLimit: number;
  readonly zone: AgencyZone;
  readonly store: AgencyStore;
  readonly tokens = new TokenStore();
  readonly limiter: RateLimiter;
  readonly dice: FaultDice;
  readonly stats = new Stats();
  readonly webhooks: Webhooks;

  constructor(
    readonly options: ResolvedOptions,
    overrides: Pick<SimulatorOptions, 'permissions' | 'quirks' | 'faults'> = {},
  ) {
    this.profile = options.profile;
    this.permissions = { ...PROFILES[options.profile].permissions, ...overrides.permissions };
    this.quirks = { ...PROFILES[options.profile].quirks, ...overrides.quirks };
    this.faults = { ...NO_FAULTS, ...overrides.faults };
    this.rateLimit = options.rateLimit;
    this.limiter = new RateLimiter(options.rateClock);
    this.zone = new AgencyZone(options.timezone);
    this.dice = new FaultDice(options.seed);
    this.store = generateAgency({
      seed: options.seed,
      caregivers: options.caregivers,
      clients: options.clients,
      weeks: options.weeks,
      agencyId: options.agencyId,
      zone: this.zone,
      nowMs: this.nowMs(),
    });
    this.webhooks = new Webhooks(this.store, () => this.nowMs());
  }

  nowMs(): number {
    return this.options.now().getTime();
  }

  get seed(): number {
    return this.options.seed;
  }

  tokenLifetimeSeconds(): number {
    return this.faults.tokenLifetimeSeconds ?? this.options.tokenLifetimeSeconds;
  }

  setProfile(profile: ProfileName): void {
    this.profile = profile;
    this.permissions = { ...PROFILES[profile].permissions };
    this.quirks = { ...PROFILES[profile].quirks };
  }

  setFaults(patch: Partial<Faults>): void {
    this.faults = { ...this.faults, ...patch };
    this.dice.restart();
  }

  /** Webhooks for a person change, named as the criteria name them (facts §3.11). */
  personChanged(kind: PersonKind, id: number, facets: ChangeFacet[] | 'created'): void {
    const resourceType = kind === 'patient' ? 'Patient' : 'Practitioner';
    if (facets === 'created') {
      this.webhooks.emit(`${kind}.created`, resourceType, id);
      return;
    }
    for (const facet of facets) {
      const criteria: SubscriptionCriteria =
        facet === 'status'
          ? kind === 'patient'
            ? 'prospect.status.changed'
            : 'applicant.status.changed'
          : facet === 'dateofdeath' && kind === 'practitioner'
            ? 'practitioner.deactivated.changed'
            : (`${kind}.${facet}.changed` as SubscriptionCriteria);
      this.webhooks.emit(criteria, resourceType, id);
    }
  }
}
