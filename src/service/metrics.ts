import type { SkybridgeApp } from '../runtime/app.ts';
import { ITEM_STATES } from '../store/types.ts';

// Prometheus text by hand rather than prom-client: a handful of series, no default process collectors
// or global registry to reset between tests, and one dependency fewer. Labels are route templates and
// status codes only — never a URL, so no id, phone or name can reach a scrape.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class HttpMetrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(labels, (this.requests.get(labels) ?? 0) + 1);
    const key = `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`;
    let h = this.durations.get(key);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(key, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  async render(app: SkybridgeApp): Promise<string> {
    const out: string[] = [];
    out.push('# HELP skybridge_http_requests_total HTTP requests answered, by route template and status.');
    out.push('# TYPE skybridge_http_requests_total counter');
    for (const [labels, n] of this.requests) out.push(`skybridge_http_requests_total{${labels}} ${n}`);
    out.push('# HELP skybridge_http_request_duration_seconds Time to answer, by route template.');
    out.push('# TYPE skybridge_http_request_duration_seconds histogram');
    for (const [labels, h] of this.durations) {
      BUCKETS.forEach((b, i) => {
        out.push(`skybridge_http_request_duration_seconds_bucket{${labels},le="${b}"} ${h.counts[i]}`);
      });
      out.push(`skybridge_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`skybridge_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      out.push(`skybridge_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }

    const byState = new Map<string, number>(ITEM_STATES.map((s) => [s, 0]));
    const rows = await app.store.db
      .selectFrom('documentation_items')
      .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('state')
      .execute();
    for (const r of rows) byState.set(r.state, Number(r.n));
    out.push('# HELP skybridge_documentation_items Documentation items by state.');
    out.push('# TYPE skybridge_documentation_items gauge');
    for (const [state, n] of byState) out.push(`skybridge_documentation_items{state="${state}"} ${n}`);

    const meter = app.meter.snapshot();
    out.push('# HELP skybridge_wellsky_requests_total HTTP requests sent to WellSky (every attempt).');
    out.push('# TYPE skybridge_wellsky_requests_total counter');
    out.push(`skybridge_wellsky_requests_total ${meter.requests}`);
    out.push('# HELP skybridge_wellsky_rate_limited_total WellSky answers with status 429.');
    out.push('# TYPE skybridge_wellsky_rate_limited_total counter');
    out.push(`skybridge_wellsky_rate_limited_total ${meter.rateLimited}`);
    out.push('# HELP skybridge_wellsky_errors_total WellSky requests that ended in an error.');
    out.push('# TYPE skybridge_wellsky_errors_total counter');
    out.push(`skybridge_wellsky_errors_total ${meter.errors}`);

    out.push(
      '# HELP skybridge_sync_age_seconds Seconds since the last sync of the mirror finished (-1: none yet).',
    );
    out.push('# TYPE skybridge_sync_age_seconds gauge');
    const finished = app.lastSync?.finishedAt;
    out.push(
      `skybridge_sync_age_seconds ${finished ? Math.max(0, (Date.now() - Date.parse(finished)) / 1000) : -1}`,
    );
    out.push('# HELP skybridge_ready Whether the service finished starting (1) or not (0).');
    out.push('# TYPE skybridge_ready gauge');
    out.push(`skybridge_ready ${app.ready ? 1 : 0}`);
    out.push(
      `# HELP skybridge_simulated Whether WellSky is the in-process simulator (1) or the real one (0).`,
    );
    out.push('# TYPE skybridge_simulated gauge');
    out.push(`skybridge_simulated ${app.mode === 'simulated' ? 1 : 0}`);
    return `${out.join('\n')}\n`;
  }
}
