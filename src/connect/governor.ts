import { type SharedBudget, SharedBudgetGovernor } from './budget-governor.ts';

/**
 * Keeps every request under the agency's rate ceiling (facts §2.8: 100/s per client id; the default
 * budget is 90 % of it). Alone, a process paces itself with a generic cell-rate algorithm: O(1) per
 * request, FIFO by construction, with a short burst allowance so idle periods do not turn into a
 * thundering burst above the ceiling. Several processes with one credential share one budget instead
 * (`share`): the ceiling is per client id, not per process.
 */
export interface RateGovernor {
  /** Resolves when one more request may be sent. */
  acquire(): Promise<void>;
  readonly ratePerSecond: number;
  /** From now on, draw from a budget shared with every process using the same credential. */
  share(budget: SharedBudget): void;
  describe(): GovernorState;
}

export interface GovernorState {
  /** `in-process`: this process alone paces itself; `shared`: one budget across processes. */
  mode: 'in-process' | 'shared';
  ratePerSecond: number;
  /** Where the shared budget is kept, e.g. "PostgreSQL"; absent in-process. */
  sharedThrough?: string;
  /** Requests let through by this process since it started. */
  granted: number;
  /** Requests of this process waiting for their turn right now. */
  waiting: number;
  /** Shared mode: times the budget could not be reached and this process paced itself alone. */
  fallbacks: number;
}

export interface GovernorOptions {
  ratePerSecond: number;
  /** How many requests may go back to back after an idle period; keeps the 1-second peak below the ceiling. */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The in-process pacer: a generic cell-rate algorithm. */
export function createCellRatePacer(options: GovernorOptions): () => Promise<void> {
  const interval = 1000 / options.ratePerSecond;
  const burst = Math.max(1, options.burst ?? Math.max(1, Math.floor(options.ratePerSecond / 10)));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  let theoreticalArrival = 0;
  return async () => {
    const t = now();
    theoreticalArrival = Math.max(theoreticalArrival, t);
    const wait = theoreticalArrival - t - (burst - 1) * interval;
    theoreticalArrival += interval;
    if (wait > 0) await sleep(wait);
  };
}

export function createRateGovernor(options: GovernorOptions): RateGovernor {
  const local = createCellRatePacer(options);
  let shared: SharedBudgetGovernor | undefined;
  let granted = 0;
  let waiting = 0;
  return {
    ratePerSecond: options.ratePerSecond,
    async acquire() {
      waiting += 1;
      try {
        await (shared ? shared.acquire() : local());
      } finally {
        waiting -= 1;
      }
      granted += 1;
    },
    share(budget) {
      shared = new SharedBudgetGovernor({
        budget,
        ratePerSecond: options.ratePerSecond,
        ...(options.now ? { now: options.now } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
    },
    describe() {
      return {
        mode: shared ? 'shared' : 'in-process',
        ratePerSecond: options.ratePerSecond,
        ...(shared ? { sharedThrough: shared.where } : {}),
        granted,
        waiting,
        fallbacks: shared?.fallbacks ?? 0,
      };
    },
  };
}
