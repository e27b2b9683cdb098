import type { SubscriptionCriteria } from '../connect/wire/index.ts';
import type { AgencyStore } from './agency/store.ts';

export interface WebhookDelivery {
  subscriptionId: number;
  endpoint: string;
  criteria: string;
  resourceType: string;
  id: number;
  status?: number;
  error?: string;
  at: string;
}

const TIMEOUT_MS = 5000;

/**
 * Thin notifications (facts §3.11 [D]): `POST {resourceType, id:<number>}` with the subscription's
 * "Name: value" headers; one attempt, 5 s timeout (retry policy undocumented). Delivery never blocks
 * the API request that caused it.
 */
export class Webhooks {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly store: AgencyStore,
    private readonly now: () => number,
  ) {}

  emit(criteria: SubscriptionCriteria, resourceType: string, id: number): void {
    if (this.closed) return;
    for (const sub of this.store.subscriptions.values()) {
      if (sub.status !== 'active' || sub.criteria !== criteria) continue;
      const job = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        this.deliver(sub.id, sub.channel.endpoint, sub.channel.header ?? [], criteria, resourceType, id),
      );
      this.inflight.add(job);
      void job.finally(() => this.inflight.delete(job));
    }
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.closed = true;
    for (const controller of this.controllers) controller.abort();
  }

  private async deliver(
    subscriptionId: number,
    endpoint: string,
    headerLines: string[],
    criteria: string,
    resourceType: string,
    id: number,
  ): Promise<void> {
    const record: WebhookDelivery = {
      subscriptionId,
      endpoint,
      criteria,
      resourceType,
      id,
      at: new Date(this.now()).toISOString(),
    };
    this.deliveries.push(record);
    if (this.closed) {
      record.error = 'simulator closed';
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ resourceType, id }),
        signal: controller.signal,
      });
      record.status = res.status;
      await res.body?.cancel();
    } catch (error) {
      record.error = controller.signal.aborted ? 'timeout or shutdown' : (error as Error).message;
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }
}
