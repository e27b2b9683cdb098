import type { BudgetUsage, SlotGrant, StoreRateBudget } from './budget-repo.ts';

/**
 * Slots of 10 ms, each sending its part of the second's budget (0 or 1 request at 90/s): requests go out
 * evenly spaced, as the in-process pacer sent them. The database's 100 ms slots hand out up to a slot's
 * worth at once, and a burst of nine WellSky answers parsed back to back held the event loop for the
 * requests a person waits on.
 */
const SLOTS_PER_SECOND = 100;
const SLOT_MS = 1000 / SLOTS_PER_SECOND;

/** Slot `slot`'s part of `perSecond`: the parts of one second add up to it exactly. */
function capacity(slot: number, perSecond: number): number {
  const i = slot % SLOTS_PER_SECOND;
  return (
    Math.floor(((i + 1) * perSecond) / SLOTS_PER_SECOND) - Math.floor((i * perSecond) / SLOTS_PER_SECOND)
  );
}

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

  constructor(private readonly now: () => number = Date.now) {}

  async claim(credential: string, perSecond: number, want: number, fromSlot: number): Promise<SlotGrant> {
    const ms = this.now();
    const slot = Math.max(fromSlot, Math.floor(ms / SLOT_MS));
    const slots = this.slotsOf(credential);
    const used = slots.get(slot) ?? 0;
    const granted = Math.max(0, Math.min(want, capacity(slot, perSecond) - used));
    slots.set(slot, used + granted);
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
