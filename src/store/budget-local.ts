import type { BudgetUsage, SlotGrant, StoreRateBudget } from './budget-repo.ts';

/**
 * Slots of 10 ms, each sending its part of the second's budget (0 or 1 request at 90/s): requests go out
 * evenly spaced, as the in-process pacer sent them. The database's 100 ms slots hand out up to a slot's
 * worth at once, and a burst of nine WellSky answers parsed back to back held the event loop for the
 * requests a person waits on.
 */
const SLOTS_PER_SECOND = 100;
const SLOT_MS = 1000 / SLOTS_PER_SECOND;

/**
 * Slot `slot`'s part of `perSecond`, counted from the slot's absolute number, so the parts of any second
 * add up to the rate and a fraction carries over (0.5 a second: one slot in 200 grants one request).
 */
function capacity(slot: number, perSecond: number): number {
  return (
    Math.floor(((slot + 1) * perSecond) / SLOTS_PER_SECOND) -
    Math.floor((slot * perSecond) / SLOTS_PER_SECOND)
  );
}

/** How far ahead a claim looks for room: an hour of slots (a rate below one request an hour finds none). */
const SEARCH_SLOTS = 3_600 * SLOTS_PER_SECOND;

/** Milliseconds on a clock that never steps back (a wall-clock step would stall every claimer). */
const monotonicNow = () => performance.timeOrigin + performance.now();

/**
 * The embedded store's rate budget, kept in the memory of the process that holds the store: slots like
 * the PostgreSQL one's (`BudgetRepo`), shorter, claimed by that process and, through the
 * store's socket, by every command running beside it. PGlite is one process, but the commands it lends
 * its store to are not: each paced alone, a `skybridge sync --full` beside the service doubled the
 * requests per second sent with one client id.
 */
export class LocalSlotBudget implements StoreRateBudget {
  readonly where = 'the embedded store’s process (shared with commands beside it)';
  readonly kind = 'embedded';
  private readonly used = new Map<string, Map<number, number>>();
  private claims = 0;

  /** Per credential, the lowest rate a claimer asked with: a command with a higher one is held to it. */
  private readonly rates = new Map<string, number>();

  constructor(private readonly now: () => number = monotonicNow) {}

  /**
   * Up to `want` requests in the first slot at or after `fromSlot` (and not before now) that has room;
   * granted 0 only when none has within an hour.
   */
  async claim(credential: string, perSecond: number, want: number, fromSlot: number): Promise<SlotGrant> {
    const ms = this.now();
    const rate = Math.min(perSecond, this.rates.get(credential) ?? perSecond);
    this.rates.set(credential, rate);
    const slots = this.slotsOf(credential);
    const first = Math.max(fromSlot, Math.floor(ms / SLOT_MS));
    let slot = first;
    let room = capacity(slot, rate) - (slots.get(slot) ?? 0);
    while (room <= 0 && slot < first + SEARCH_SLOTS) {
      slot += 1;
      room = capacity(slot, rate) - (slots.get(slot) ?? 0);
    }
    const granted = Math.max(0, Math.min(want, room));
    if (granted > 0) slots.set(slot, (slots.get(slot) ?? 0) + granted);
    // Old slots only serve `usage`: now and then, drop what is older than 2 minutes.
    if (++this.claims % 2000 === 0) this.prune(ms);
    return { slot, granted, startsInMs: slot * SLOT_MS - ms, slotMs: SLOT_MS };
  }

  async usage(credential: string, seconds: number): Promise<BudgetUsage> {
    const slots = this.slotsOf(credential);
    const now = Math.floor(this.now() / 1000);
    const lastSeconds = Array.from({ length: seconds }, (_, i) => {
      const second = now - seconds + i;
      let sum = 0;
      for (let s = second * SLOTS_PER_SECOND; s < (second + 1) * SLOTS_PER_SECOND; s++)
        sum += slots.get(s) ?? 0;
      return sum;
    });
    return { lastSeconds, busiestSecond: Math.max(0, ...lastSeconds) };
  }

  private slotsOf(credential: string): Map<number, number> {
    let slots = this.used.get(credential);
    if (!slots) {
      slots = new Map();
      this.used.set(credential, slots);
    }
    return slots;
  }

  private prune(ms: number): void {
    const oldest = Math.floor(ms / SLOT_MS) - 120 * SLOTS_PER_SECOND;
    for (const slots of this.used.values())
      for (const slot of slots.keys()) if (slot < oldest) slots.delete(slot);
  }
}
