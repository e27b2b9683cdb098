import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WebhookNotification } from '../connect/wire/index.ts';
import type { SyncSummary, WebhookRef } from './engine.ts';

/** The header each subscription carries (facts §3.11 `channel.header`; §3.11's example uses Authorization). */
export const WEBHOOK_HEADER = 'authorization';

export function webhookHeaderLine(secret: string): string {
  return `Authorization: Bearer ${secret}`;
}

export interface WebhookRequest {
  /** Node's `IncomingHttpHeaders` or any record of lower- or mixed-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body (string or Buffer) or an already parsed object. */
  body: unknown;
}

export interface WebhookResponse {
  status: number;
  body: { ok: boolean; error?: string; queued?: boolean };
}

export interface WebhookHandlerOptions {
  /** The shared secret (`SKYBRIDGE_WEBHOOK_SECRET`); required, at least 16 characters. */
  secret: string;
  /** Refreshes a batch of records, e.g. `(refs) => sync.refresh(refs)`. */
  refresh: (refs: WebhookRef[]) => Promise<SyncSummary | undefined>;
  /** After each applied batch, e.g. `() => mirror.reload()`. */
  onApplied?: (summary: SyncSummary | undefined) => Promise<void> | void;
  onError?: (error: unknown) => void;
}

export interface WebhookHandler {
  (request: WebhookRequest): WebhookResponse;
  /** Resolves when every queued refresh has been applied (tests, shutdown). */
  idle(): Promise<void>;
  readonly pending: number;
}

const Body = z.preprocess((raw) => {
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    try {
      return JSON.parse(raw.toString());
    } catch {
      return undefined;
    }
  }
  return raw;
}, WebhookNotification);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant time, whatever the lengths: compare digests, never the strings. */
function secretMatches(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(secret));
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * The receiver of WellSky webhooks. WellSky signs nothing (stack notes; facts §3.11): the only proof is
 * the header the subscription was created with, checked in constant time. The body is a thin
 * `{resourceType, id}`; the handler answers at once (WellSky wants a quick 200) and refreshes the record
 * in the background through a queue that coalesces duplicates: a burst of five notifications for one
 * patient costs one read.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  if (!options.secret || options.secret.length < 16) {
    throw new RangeError('the webhook secret (SKYBRIDGE_WEBHOOK_SECRET) must be at least 16 characters');
  }
  const expected = `Bearer ${options.secret}`;
  // One batch at a time: notifications are few, and ordered writes keep the mirror simple.
  const waiting = new Map<string, WebhookRef>();
  let draining: Promise<void> | undefined;

  const drain = async () => {
    while (waiting.size > 0) {
      // Let notifications that arrive in the same burst join this batch.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = [...waiting.values()];
      waiting.clear();
      try {
        const summary = await options.refresh(batch);
        await options.onApplied?.(summary);
      } catch (error) {
        options.onError?.(error);
      }
    }
  };
  const kick = () => {
    draining ??= drain().finally(() => {
      draining = undefined;
      if (waiting.size > 0) kick();
    });
  };

  const handler = ((request: WebhookRequest): WebhookResponse => {
    if (!secretMatches(header(request.headers, WEBHOOK_HEADER), expected)) {
      return { status: 401, body: { ok: false, error: 'unauthorized' } };
    }
    const parsed = Body.safeParse(request.body);
    if (!parsed.success) {
      return { status: 400, body: { ok: false, error: 'expected {"resourceType": "...", "id": <number>}' } };
    }
    const ref = { resourceType: parsed.data.resourceType, id: parsed.data.id };
    waiting.set(`${ref.resourceType}/${ref.id}`, ref);
    kick();
    return { status: 200, body: { ok: true, queued: true } };
  }) as WebhookHandler;

  handler.idle = async () => {
    while (draining) await draining;
  };
  Object.defineProperty(handler, 'pending', { get: () => waiting.size });
  return handler;
}
