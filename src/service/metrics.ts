import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SkybridgeApp } from '../runtime/app.ts';
import { ITEM_STATES } from '../store/types.ts';
import { rateBudgetMetrics } from './metrics-budget.ts';
import { fillMetrics } from './metrics-fill.ts';

/**
 * The process-wide registry: Node's process metrics (CPU, memory, event-loop lag, handles) and whatever
 * another part of Skybridge measures. A part adds its own metric with `registers: [metricsRegistry]`;
 * `/metrics` serves this registry together with the server's own. Label values must be templates, ids
 * of no one, states or codes — never a URL, phone, name or text — since a scrape leaves the building.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One server's metrics, in a registry of its own so that several servers in one process (tests) do not
 * collide: requests by route template and status, time to answer, and gauges read from the app at
 * scrape time (documentation items by state, WellSky requests, sync age, readiness, simulated or not).
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route'>;

  constructor(app: SkybridgeApp) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'skybridge_http_requests_total',
      help: 'HTTP requests answered, by route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'skybridge_http_request_duration_seconds',
      help: 'Time to answer, by route template.',
      labelNames: ['method', 'route'],
      buckets: BUCKETS,
      registers,
    });
    appGauges(app, registers);
    rateBudgetMetrics(app, registers);
    fillMetrics(app, registers);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.durations.observe({ method, route }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text of this server and of the process-wide registry. */
  async render(): Promise<string> {
    return Registry.merge([metricsRegistry, this.registry]).metrics();
  }
}

/** Values the app holds, read when scraped; WellSky's totals are the meter's counters, mirrored. */
function appGauges(app: SkybridgeApp, registers: Registry[]): void {
  new Gauge({
    name: 'skybridge_documentation_items',
    help: 'Documentation items by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      const rows = await app.store.db
        .selectFrom('documentation_items')
        .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('state')
        .execute();
      const counts = new Map<string, number>(ITEM_STATES.map((s) => [s, 0]));
      for (const r of rows) counts.set(r.state, Number(r.n));
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const meterCounter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  meterCounter(
    'skybridge_wellsky_requests_total',
    'HTTP requests sent to WellSky (every attempt).',
    () => app.meter.snapshot().requests,
  );
  meterCounter(
    'skybridge_wellsky_rate_limited_total',
    'WellSky answers with status 429.',
    () => app.meter.snapshot().rateLimited,
  );
  meterCounter(
    'skybridge_wellsky_errors_total',
    'WellSky requests that ended in an error.',
    () => app.meter.snapshot().errors,
  );
  new Gauge({
    name: 'skybridge_sync_age_seconds',
    help: 'Seconds since the last sync of the mirror finished (-1: none yet).',
    registers,
    collect() {
      const finished = app.lastSync?.finishedAt;
      this.set(finished ? Math.max(0, (app.now().getTime() - Date.parse(finished)) / 1000) : -1);
    },
  });
  new Gauge({
    name: 'skybridge_ready',
    help: 'Whether the service finished starting (1) or not (0).',
    registers,
    collect() {
      this.set(app.ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'skybridge_simulated',
    help: 'Whether WellSky is the in-process simulator (1) or the real one (0).',
    registers,
    collect() {
      this.set(app.mode === 'simulated' ? 1 : 0);
    },
  });
}
