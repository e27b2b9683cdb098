import { Messaging } from '../messaging/messaging.ts';
import { messagingSettings } from '../messaging/settings.ts';
import type { Store } from '../store/store.ts';

export interface MessagingRuntimeOptions {
  /** The demo: its default channel is `simulated`; against a real WellSky there is none unless configured. */
  simulatedWellSky: boolean;
  timezone: string;
  now?: (() => Date) | undefined;
  pollMs?: number;
}

/** Messaging from the environment (`SKYBRIDGE_MESSAGING`, …); errors name the missing variable. */
export function messagingRuntime(
  store: Store,
  env: NodeJS.ProcessEnv,
  options: MessagingRuntimeOptions,
): Messaging {
  const settings = messagingSettings(env, {
    simulatedWellSky: options.simulatedWellSky,
    timezone: options.timezone,
  });
  return new Messaging({
    store,
    settings,
    ...(options.now ? { now: options.now } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    onError: (what, id, error) => {
      // Ids and error classes only: a phone or a text must never reach a log.
      const name = error instanceof Error ? error.name : 'Error';
      process.stderr.write(`skybridge messaging: ${what} ${id} failed (${name})\n`);
    },
  });
}
