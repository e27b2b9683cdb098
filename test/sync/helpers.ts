import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { RequestMeter, Sync, type SyncSettings } from '../../src/sync/index.ts';
import { clientFor } from '../helpers/sim.ts';

/** Every sync test runs at one pinned instant, on the simulator's clock and the sync's alike. */
export const NOW = new Date('2026-02-12T17:00:00Z');
export const clock = () => NOW;

/** Started in a `before` hook, so the caller closes it in its `after` (test/helpers/sim.ts's `after` would fire at the hook's end). */
export async function pinnedSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ now: clock, ...options });
}

/** A sync against `sim` with a request meter; `rate` raises both ceilings to keep big tests fast. */
export function syncFor(
  sim: RunningSimulator,
  store: Store,
  options: { settings?: Partial<SyncSettings>; rate?: number } = {},
) {
  const meter = new RequestMeter();
  const client = clientFor(sim, {
    onEvent: meter.onEvent,
    config: options.rate ? { rateLimitPerSecond: options.rate } : {},
  });
  const sync = new Sync({ client, store, meter, now: clock, settings: options.settings });
  return { sync, meter, client };
}
