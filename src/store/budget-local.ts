import {
  type BudgetUsage,
  SLOT_MS,
  SLOTS_PER_SECOND,
  type SlotGrant,
  type StoreRateBudget,
  slotCapacity,
} from './budget-repo.ts';

/**
 * The embedded store's rate budget, kept in the memory of the process that holds the store: the same
 * slots as the PostgreSQL one (`BudgetRepo`), claimed by that process and, through the
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
    // Every slot of the second sends: the quiet end of each second in the database's budget is there for
    // requests held up between processes and a database; here a grant is spent where it is made, and a
    // request of a person (a call-out's live read) need not wait up to 200 ms for the next second.
    const granted = Math.max(0, Math.min(want, slotCapacity(slot, perSecond, SLOTS_PER_SECOND) - used));
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
