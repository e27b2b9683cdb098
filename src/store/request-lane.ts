import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { PoolLike } from './statement-names.ts';

const lane = new AsyncLocalStorage<true>();

/** Runs `fn` as the work of an HTTP request: its store statements go before background work's. */
export function servingRequest<T>(fn: () => T): T {
  return lane.run(true, fn);
}

/** A background caller lets at most this many requests go before it. */
const REQUESTS_BEFORE_BACKGROUND = 8;

interface Waiter {
  resolve: () => void;
  /** Requests served while this caller was first in the background queue. */
  passed: number;
}

/**
 * The embedded store has one connection, and everyone queues for it: the delivery worker, the sync, the
 * watch and the audit spool as much as the request a person is waiting on. pg's pool serves its queue in
 * arrival order, so a note being accepted waited for every statement the worker had queued for the notes
 * before it. This pool serves a request's statement (or transaction) before any queued background one —
 * never one already running — and lets a background caller go first once 8 requests have gone before it,
 * so that background work keeps moving under a steady stream of requests (issue #11, item 6). Counted in
 * requests, not milliseconds, so the order does not depend on how fast the machine is.
 */
export class RequestFirstPool {
  private held = false;
  private readonly requests: Waiter[] = [];
  private readonly background: Waiter[] = [];

  constructor(private readonly pool: PoolLike) {}

  async connect(): Promise<Pick<pg.PoolClient, 'query' | 'release'>> {
    if (this.held) {
      await new Promise<void>((resolve) =>
        (lane.getStore() ? this.requests : this.background).push({ resolve, passed: 0 }),
      );
    }
    this.held = true;
    let client: Pick<pg.PoolClient, 'query' | 'release'>;
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
    let next: Waiter | undefined;
    if (oldest && oldest.passed >= REQUESTS_BEFORE_BACKGROUND) next = this.background.shift();
    else {
      next = this.requests.shift();
      if (next && oldest) oldest.passed += 1;
      next ??= this.background.shift();
    }
    if (next) next.resolve();
    else this.held = false;
  }
}
