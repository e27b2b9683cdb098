/** What a channel is handed: one stored message, at one attempt. */
export interface Envelope {
  id: string;
  /** 10-digit US number. */
  to: string;
  body: string;
  purpose: string;
  urgent: boolean;
  refs: Record<string, string>;
  attempt: number;
  createdAt: Date;
}

export type ChannelOutcome =
  /** The provider took it; `delivered` when the channel knows it reached the phone (simulated). */
  | { kind: 'accepted'; providerMessageId: string | null; delivered: boolean }
  /** It will never go: a plain reason; `optedOut` when the provider says the phone opted out. */
  | { kind: 'failed'; reason: string; optedOut?: boolean }
  /** Nothing was taken; safe to try again later. */
  | { kind: 'retry'; reason: string }
  /** It may or may not have been taken: never resent blindly. */
  | { kind: 'unknown'; reason: string };

export interface Channel {
  readonly name: 'twilio' | 'webhook' | 'simulated';
  /**
   * Whether an attempt interrupted by a crash may be repeated: true when the receiver deduplicates
   * (the webhook's stable webhook-id) or nothing leaves the machine (simulated).
   */
  readonly resendSafe: boolean;
  /** Deliveries in all before a retried message is failed. */
  readonly maxAttempts: number;
  send(envelope: Envelope): Promise<ChannelOutcome>;
  /** Delay before attempt `attempt + 1` after a retryable outcome. */
  backoffMs(attempt: number): number;
}

/** Exponential, capped: 10 s, 40 s, 160 s, 10 min, … */
export function exponentialBackoff(attempt: number, baseMs = 10_000, capMs = 30 * 60_000): number {
  return Math.min(capMs, baseMs * 4 ** Math.max(0, attempt - 1));
}

export function e164(digits: string): string {
  return `+1${digits}`;
}
