import { Messaging, type MessagingOptions } from '../../src/messaging/messaging.ts';
import { parseQuietHours } from '../../src/messaging/quiet-hours.ts';
import type { MessagingSettings } from '../../src/messaging/settings.ts';
import type { Store } from '../../src/store/index.ts';

/** 08:00 in Denver on a Monday: outside the default quiet hours. */
export const MORNING = new Date('2026-03-02T15:00:00Z');

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private at: Date = MORNING) {}
  now = (): Date => new Date(this.at);
  set(at: Date): void {
    this.at = new Date(at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export function settings(overrides: Partial<MessagingSettings> = {}): MessagingSettings {
  return {
    channel: 'simulated',
    noChannelReason: null,
    quietHours: parseQuietHours('21:00-07:00'),
    timezone: 'America/Denver',
    ...overrides,
  };
}

export function messaging(
  store: Store,
  clock: TestClock,
  overrides: Partial<MessagingSettings> = {},
  extra: Partial<MessagingOptions> = {},
): Messaging {
  return new Messaging({ store, settings: settings(overrides), now: clock.now, pollMs: 0, ...extra });
}

export async function clearMessages(store: Store): Promise<void> {
  await store.db.deleteFrom('message_transitions').execute();
  await store.db.deleteFrom('outbound_messages').execute();
  await store.db.deleteFrom('inbound_messages').execute();
  await store.db.deleteFrom('opt_outs').execute();
}
