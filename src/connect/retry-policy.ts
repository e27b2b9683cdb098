import type { ConnectError } from './errors.ts';

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
}

export interface RetryContext {
  /** 0 for the first retry. */
  attempt: number;
  maxRetries: number;
  /** Whether sending the request twice is harmless (reads, PUT replacements, searches). */
  idempotent: boolean;
  /** True when the request certainly never left this machine (connection refused). */
  neverSent: boolean;
  random: () => number;
}

const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Every retry decision of the client, in one place. A 429 was refused at the gateway before WellSky did
 * anything, so it is safe to repeat for any method; a 5xx, a timeout or a dropped connection may have
 * reached WellSky, so only idempotent requests are repeated — a create is never silently re-sent.
 */
export function decideRetry(error: ConnectError, context: RetryContext): RetryDecision {
  const no = { retry: false, delayMs: 0 };
  if (context.attempt >= context.maxRetries) return no;
  const backoff = Math.round(context.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** context.attempt));
  switch (error.kind) {
    case 'rate-limited':
      return {
        retry: true,
        delayMs:
          error.retryAfterMs === undefined ? backoff : Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS),
      };
    case 'server':
      return context.idempotent ? { retry: true, delayMs: backoff } : no;
    case 'network':
    case 'timeout':
      return context.idempotent || context.neverSent ? { retry: true, delayMs: backoff } : no;
    default:
      return no;
  }
}
