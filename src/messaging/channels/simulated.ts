import type { Channel, ChannelOutcome, Envelope } from './channel.ts';

/** The demo's and the tests' channel: stored and shown, never leaves the machine; delivered at once. */
export class SimulatedChannel implements Channel {
  readonly name = 'simulated' as const;
  readonly resendSafe = true;
  readonly maxAttempts = 1;

  async send(envelope: Envelope): Promise<ChannelOutcome> {
    return { kind: 'accepted', providerMessageId: `sim-${envelope.id}`, delivered: true };
  }

  backoffMs(): number {
    return 0;
  }
}
