import twilio from 'twilio';
import type { TwilioSettings } from '../settings.ts';
import { type Channel, type ChannelOutcome, type Envelope, e164, exponentialBackoff } from './channel.ts';
import { RedirectingRequestClient } from './twilio-http.ts';

export const STATUS_CALLBACK_PATH = '/webhooks/twilio/status';
export const INBOUND_PATH = '/webhooks/twilio/sms';

/** Twilio's error codes that mean "never going to this number", in plain words. */
const PERMANENT: Record<number, { reason: string; optedOut?: boolean }> = {
  21610: { reason: 'the phone has opted out of texts from this number (replied STOP)', optedOut: true },
  21211: { reason: 'not a valid phone number' },
  21614: { reason: 'the number cannot receive text messages' },
  21612: { reason: 'Twilio cannot route a text to this number' },
  21408: { reason: 'sending to this region is not enabled on the Twilio account' },
};

interface TwilioErrorLike {
  status?: number;
  code?: number | string;
  message?: string;
}

/** Sends through the official `twilio` package (`messages.create`). */
export class TwilioChannel implements Channel {
  readonly name = 'twilio' as const;
  // Twilio's create is not idempotent: a crash mid-call must not send twice.
  readonly resendSafe = false;
  readonly maxAttempts = 4;
  private readonly client: twilio.Twilio;

  constructor(private readonly settings: TwilioSettings) {
    this.client = twilio(settings.accountSid, settings.authToken, {
      ...(settings.apiBaseUrl ? { httpClient: new RedirectingRequestClient(settings.apiBaseUrl) } : {}),
    });
  }

  async send(envelope: Envelope): Promise<ChannelOutcome> {
    const { from, messagingServiceSid, publicUrl } = this.settings;
    try {
      const message = await this.client.messages.create({
        to: e164(envelope.to),
        body: envelope.body,
        ...(messagingServiceSid ? { messagingServiceSid } : { from: from as string }),
        ...(publicUrl ? { statusCallback: `${publicUrl}${STATUS_CALLBACK_PATH}` } : {}),
      });
      return { kind: 'accepted', providerMessageId: message.sid, delivered: false };
    } catch (error) {
      return classify(error as TwilioErrorLike & { code?: unknown });
    }
  }

  backoffMs(attempt: number): number {
    return exponentialBackoff(attempt, 5_000);
  }
}

/** Which failures are final, which are safe to repeat, and which leave the outcome unknown. */
export function classify(error: TwilioErrorLike): ChannelOutcome {
  const code = Number(error.code);
  const known = PERMANENT[code];
  if (known) return { kind: 'failed', reason: `${known.reason} (Twilio ${code})`, optedOut: known.optedOut };
  const status = error.status;
  // 429 is refused before Twilio acts; a connection that never opened sent nothing.
  if (status === 429) return { kind: 'retry', reason: 'Twilio is rate limiting (HTTP 429)' };
  if (typeof error.code === 'string' && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(error.code)) {
    return { kind: 'retry', reason: `Twilio could not be reached (${error.code})` };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      kind: 'failed',
      reason: `Twilio refused the message (HTTP ${status}${Number.isFinite(code) ? `, error ${code}` : ''})`,
    };
  }
  return {
    kind: 'unknown',
    reason:
      'Twilio did not confirm the message (server error or lost connection); it may or may not have gone out — ' +
      'check the Twilio console before sending it again',
  };
}

/** Twilio's MessageStatus → our state (null: no change worth recording). */
export function stateFromTwilioStatus(status: string): 'sent' | 'delivered' | 'failed' | null {
  switch (status) {
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

export function twilioFailureReason(status: string, errorCode: string | undefined): string {
  const code = Number(errorCode);
  const known = PERMANENT[code];
  if (known) return `${known.reason} (Twilio ${code})`;
  return `Twilio reports the message ${status}${errorCode ? ` (error ${errorCode})` : ''}`;
}
