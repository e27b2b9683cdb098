import { after } from 'node:test';
import type { ConnectClient } from '../../src/connect/client.ts';
import type { DeliveryWorkerOptions } from '../../src/documentation/worker.ts';
import { type DocumentationRuntime, documentationRuntime } from '../../src/runtime/documentation.ts';
import type { RunningSimulator } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/index.ts';
import { clientFor } from './sim.ts';

/** Where the simulated agency's clock starts in these tests. */
export const NOW = new Date('2026-02-12T17:00:00Z');
const started = performance.now();
/** The tests' clock: starts at NOW and runs at real speed, so retry times come due. */
export const clock = () => new Date(NOW.getTime() + (performance.now() - started));

export interface VisitInfo {
  id: string;
  clientId: string;
  caregiverId: string;
  start: Date;
  end: Date;
  /** The middle of the visit: a time a note about it would carry. */
  middle: string;
}

/** Visits the simulator holds between two agency-local days. */
export function visitsOf(sim: RunningSimulator, from: string, to: string): VisitInfo[] {
  return sim.control.data
    .encounters({ from, to })
    .filter((e) => e.period?.start && e.period?.end)
    .map((e) => {
      const start = new Date(e.period!.start!);
      const end = new Date(e.period!.end!);
      const participant = e.participant as { Individual?: { reference: string }[] };
      return {
        id: String(e.id),
        clientId: e.subject!.reference.split('/')[1]!,
        caregiverId: participant.Individual![0]!.reference.split('/')[1]!,
        start,
        end,
        middle: new Date((start.getTime() + end.getTime()) / 2).toISOString(),
      };
    });
}

export const fastSleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20)));

/** The documentation pipeline wired as the product wires it, on `store`, against `sim`. */
export function pipeline(
  store: Store,
  sim: RunningSimulator,
  options: { env?: NodeJS.ProcessEnv; worker?: Partial<DeliveryWorkerOptions>; client?: ConnectClient } = {},
): DocumentationRuntime & { client: ConnectClient } {
  const client = options.client ?? clientFor(sim, { sleep: fastSleep, config: { rateLimitPerSecond: 500 } });
  const runtime = documentationRuntime(store, client, options.env ?? {}, {
    now: clock,
    retryBaseMs: 20,
    retryMaxMs: 200,
    pollMs: 20,
    ...options.worker,
  });
  after(() => runtime.worker?.stop());
  return { ...runtime, client };
}

/** Task logs in the simulator that carry this item's reference. */
export function logsWith(sim: RunningSimulator, reference: string) {
  return sim.control.taskLogs().filter((log) => log.description.includes(`Ref ${reference}`));
}

/**
 * Polls `check` until it holds. The bound only names what never happened; it is generous because a busy
 * machine may be ten times slower than an idle one (each test file also has a timeout, see run-tests.js).
 */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
