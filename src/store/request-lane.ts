import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

const lane = new AsyncLocalStorage<true>();

/** Runs `fn` as the work of an HTTP request: its store statements go before background work's. */
export function servingRequest<T>(fn: () => T): T {
  return lane.run(true, fn);
}

/** A background caller never waits longer than this behind requests. */
const BACKGROUND_MAX_WAIT_MS = 50;

interface Waiter {
  resolve: () => void;
  since: number;
}

/**
 * The embedded store has one connection, and everyone queues for it: the delivery worker, the sync, the
 * watch and the audit spool as much as the request a person is waiting on. pg's pool serves its queue in
 * arrival order, so a note being accepted waited for every statement the worker had queued for the notes
 * before it. This pool serves a request's statement (or transaction) before any queued background one —
 * never one already running — and lets a background caller go first once it has waited 50 ms, so that
 * background work keeps moving under a steady stream of requests (issue #11, item 6).
 */
export class RequestFirstPool {
  private held = false;
  private readonly requests: Waiter[] = [];
  private readonly background: Waiter[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async connect(): Promise<Pick<pg.PoolClient, 'query' | 'release'>> {
    if (this.held) {
      await new Promise<void>((resolve) =>
        (lane.getStore() ? this.requests : this.background).push({ resolve, since: this.now() }),
      );
    }
    this.held = true;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.handOver();
      throw error;
    }
    let released = false;
    return {
      query: client.query.bind(client) as pg.PoolClient['query'],
      release: (error?: Error | boolean) => {
        if (released) return;
        released = true;
        client.release(error);
        this.handOver();
      },
    };
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private handOver(): void {
    const oldest = this.background[0];
    const next =
      oldest && this.now() - oldest.since >= BACKGROUND_MAX_WAIT_MS
        ? this.background.shift()
        : (this.requests.shift() ?? this.background.shift());
    if (next) next.resolve();
    else this.held = false;
  }
}
