import { Webhook } from 'standardwebhooks';
import type { WebhookSettings } from '../settings.ts';
import { type Channel, type ChannelOutcome, type Envelope, e164, exponentialBackoff } from './channel.ts';

/** The JSON each outgoing message is POSTed as (the agency's assistant or phone system sends it). */
export interface OutgoingWebhookPayload {
  type: 'message.outbound';
  id: string;
  to: string;
  body: string;
  purpose: string;
  urgent: boolean;
  refs: Record<string, string>;
  createdAt: string;
  /** Where to post the caregiver's reply. */
  replyTo: string;
}

/**
 * Signed per Standard Webhooks: the message id is the `webhook-id`, the same on every retry, so the
 * receiver can deduplicate; that is also why an attempt cut short by a crash may be repeated.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;
  readonly resendSafe = true;
  readonly maxAttempts: number;
  private readonly signer: Webhook;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly now: () => Date,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.signer = new Webhook(settings.secret);
    this.maxAttempts = settings.maxAttempts;
  }

  async send(envelope: Envelope): Promise<ChannelOutcome> {
    const payload: OutgoingWebhookPayload = {
      type: 'message.outbound',
      id: envelope.id,
      to: e164(envelope.to),
      body: envelope.body,
      purpose: envelope.purpose,
      urgent: envelope.urgent,
      refs: envelope.refs,
      createdAt: envelope.createdAt.toISOString(),
      replyTo: '/api/v1/messages/inbound',
    };
    const body = JSON.stringify(payload);
    const at = this.now();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': envelope.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.signer.sign(envelope.id, at, body),
    };
    try {
      const response = await this.fetchImpl(this.settings.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { kind: 'accepted', providerMessageId: envelope.id, delivered: false };
      return { kind: 'retry', reason: `the messages webhook answered HTTP ${response.status}` };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      return {
        kind: 'retry',
        reason:
          name === 'TimeoutError'
            ? `the messages webhook did not answer within ${this.settings.timeoutMs / 1000} s`
            : 'the messages webhook could not be reached',
      };
    }
  }

  backoffMs(attempt: number): number {
    return exponentialBackoff(attempt);
  }
}
