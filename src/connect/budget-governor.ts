import { createCellRatePacer } from './governor.ts';

/** A claim's answer: `granted` requests may go in `slot`, which starts `startsInMs` from now (< 0: begun). */
export interface SlotGrant {
  slot: number;
  granted: number;
  startsInMs: number;
  slotMs: number;
}

/**
 * A rate budget kept outside this process (PostgreSQL, in practice), cut into numbered time slots whose
 * capacities add up to the budget per second. The store implements it; the client only claims.
 */
export interface SharedBudget {
  /** Where the budget is kept, for `doctor` and `/metrics` ("PostgreSQL"). */
  readonly where: string;
  /** Up to `want` requests in the earliest slot at or after `fromSlot` that is not over. */
  claim(want: number, fromSlot: number): Promise<SlotGrant>;
}

export interface SharedGovernorOptions {
  budget: SharedBudget;
  ratePerSecond: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** While the budget cannot be reached, pace alone at this fraction of it (default 1/4). */
  fallbackShare?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Draws requests from a shared slotted budget. One claim is in flight at a time per process; a grant is
 * spent only inside its slot (a grant left over when the slot ends is dropped, never carried), so every
 * process together sends at most a slot's capacity per slot, whatever their number or speed.
 */
export class SharedBudgetGovernor {
  readonly where: string;
  fallbacks = 0;
  private readonly waiters: Array<() => void> = [];
  private tokens = 0;
  private tokensUntil = 0;
  private fromSlot = 0;
  private pumping = false;
  private roundTripMs = 0;
  private slotOffsetMs: number | undefined;
  private slotMs = 100;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxClaim: number;
  private readonly fallback: () => Promise<void>;

  constructor(private readonly options: SharedGovernorOptions) {
    this.where = options.budget.where;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? defaultSleep;
    // Up to a whole slot per claim: a busy process fills a slot in one round trip, and busy processes
    // take turns slot by slot. (Only waiting requests are claimed, so nothing is taken to be wasted.)
    this.maxClaim = Math.max(1, Math.ceil(options.ratePerSecond / 10));
    this.fallback = createCellRatePacer({
      ratePerSecond: options.ratePerSecond * (options.fallbackShare ?? 0.25),
      burst: 1,
      now: this.now,
      sleep: this.sleep,
    });
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      void this.pump();
    });
  }

  /** The slot under way at local time `at` (0 until a first answer told the clocks' offset). */
  private slotAt(at: number): number {
    if (this.slotOffsetMs === undefined) return 0;
    return Math.floor((at + this.slotOffsetMs) / this.slotMs);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        if (this.tokens > 0 && this.now() < this.tokensUntil) {
          this.tokens -= 1;
          this.waiters.shift()?.();
          continue;
        }
        this.tokens = 0;
        await this.claim();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async claim(): Promise<void> {
    let grant: SlotGrant;
    const asked = this.now();
    try {
      grant = await this.options.budget.claim(
        Math.min(this.waiters.length, this.maxClaim),
        Math.max(this.fromSlot, this.slotAt(asked + 1.5 * this.roundTripMs)),
      );
    } catch {
      // The budget's store is unreachable: keep working, slower than any share could be, and ask again
      // for the next request. The request itself will likely fail on the same outage anyway.
      this.fallbacks += 1;
      await this.fallback();
      this.waiters.shift()?.();
      return;
    }
    const answered = this.now();
    // A slow answer (a busy machine) would hand out slots already over: measure the round trip and
    // claim that far ahead. The slot numbers tell where the database's clock is relative to ours.
    this.roundTripMs = 0.7 * this.roundTripMs + 0.3 * (answered - asked);
    this.slotOffsetMs = grant.slot * grant.slotMs - (answered + grant.startsInMs);
    this.slotMs = grant.slotMs;
    if (grant.granted === 0) {
      this.fromSlot = grant.slot + 1;
      return;
    }
    this.fromSlot = grant.slot;
    // The slot's times are the database's, read somewhere between asking and the answer: so start no
    // earlier than the latest and stop by the earliest reading of its end. Only if the round trip took
    // most of a slot is up to half a slot allowed after that, so a slow machine still makes progress.
    const start = answered + grant.startsInMs;
    this.tokens = grant.granted;
    this.tokensUntil = Math.max(asked + grant.startsInMs + grant.slotMs, start + grant.slotMs / 2);
    if (grant.startsInMs > 0) await this.sleep(grant.startsInMs);
  }
}
