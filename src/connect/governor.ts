/**
 * Keeps every request of this process under the agency's rate ceiling (facts §2.8: 100/s per client;
 * the default is 90 % of it). A generic cell-rate algorithm: O(1) per request, FIFO by construction, and
 * a short burst allowance so idle periods do not turn into a thundering burst above the ceiling.
 */
export interface RateGovernor {
  /** Resolves when one more request may be sent. */
  acquire(): Promise<void>;
  readonly ratePerSecond: number;
}

export interface GovernorOptions {
  ratePerSecond: number;
  /** How many requests may go back to back after an idle period; keeps the 1-second peak below the ceiling. */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRateGovernor(options: GovernorOptions): RateGovernor {
  const interval = 1000 / options.ratePerSecond;
  const burst = Math.max(1, options.burst ?? Math.max(1, Math.floor(options.ratePerSecond / 10)));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  let theoreticalArrival = 0;

  return {
    ratePerSecond: options.ratePerSecond,
    async acquire() {
      const t = now();
      theoreticalArrival = Math.max(theoreticalArrival, t);
      const wait = theoreticalArrival - t - (burst - 1) * interval;
      theoreticalArrival += interval;
      if (wait > 0) await sleep(wait);
    },
  };
}
