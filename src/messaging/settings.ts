import { z } from 'zod';
import { parseQuietHours, type QuietHours } from './quiet-hours.ts';
import type { ChannelName } from './types.ts';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  /** The URL Twilio calls us on, as Twilio sees it (no trailing slash); signatures are checked against it. */
  publicUrl: string | undefined;
  /** Only tests and the demo set it: the Twilio-compatible local endpoint the SDK talks to instead. */
  apiBaseUrl: string | undefined;
}

export interface WebhookSettings {
  url: string;
  secret: string;
  /** How many deliveries in all before the message is failed. */
  maxAttempts: number;
  timeoutMs: number;
}

export interface MessagingSettings {
  channel: ChannelName;
  /** Why there is no channel, said to whoever asks (null when there is one). */
  noChannelReason: string | null;
  quietHours: QuietHours | null;
  timezone: string;
  twilio?: TwilioSettings;
  webhook?: WebhookSettings;
}

export class MessagingConfigError extends Error {
  override name = 'MessagingConfigError';
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

const httpUrl = (variable: string) =>
  z
    .string()
    .url(`${variable} must be an http(s) URL`)
    .refine((u) => /^https?:\/\//.test(u), `${variable} must start with http:// or https://`)
    .transform((u) => u.replace(/\/+$/, ''));

const TwilioEnv = z
  .object({
    TWILIO_ACCOUNT_SID: z
      .string({ error: 'TWILIO_ACCOUNT_SID is missing (your Twilio account SID, AC…)' })
      .regex(/^AC[0-9a-fA-F]{32}$/, 'TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits'),
    TWILIO_AUTH_TOKEN: z
      .string({ error: 'TWILIO_AUTH_TOKEN is missing (the account’s auth token)' })
      .min(16, 'TWILIO_AUTH_TOKEN looks too short'),
    TWILIO_FROM: z.string().optional(),
    TWILIO_MESSAGING_SERVICE_SID: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'TWILIO_MESSAGING_SERVICE_SID must be MG followed by 32 hex digits')
      .optional(),
    SKYBRIDGE_PUBLIC_URL: httpUrl('SKYBRIDGE_PUBLIC_URL').optional(),
    TWILIO_API_BASE_URL: httpUrl('TWILIO_API_BASE_URL').optional(),
  })
  .refine((e) => e.TWILIO_FROM !== undefined || e.TWILIO_MESSAGING_SERVICE_SID !== undefined, {
    message: 'set TWILIO_FROM (the sending number, +1…) or TWILIO_MESSAGING_SERVICE_SID',
    path: ['TWILIO_FROM'],
  });

const WebhookEnv = z.object({
  SKYBRIDGE_MESSAGES_WEBHOOK_URL: z
    .string({ error: 'SKYBRIDGE_MESSAGES_WEBHOOK_URL is missing (where each outgoing message is POSTed)' })
    .pipe(httpUrl('SKYBRIDGE_MESSAGES_WEBHOOK_URL')),
  SKYBRIDGE_MESSAGES_WEBHOOK_SECRET: z
    .string({ error: 'SKYBRIDGE_MESSAGES_WEBHOOK_SECRET is missing (a Standard Webhooks secret, whsec_…)' })
    .regex(
      /^whsec_[A-Za-z0-9+/=]{24,}$/,
      'SKYBRIDGE_MESSAGES_WEBHOOK_SECRET must be whsec_ followed by base64 (at least 18 bytes)',
    ),
  SKYBRIDGE_MESSAGES_WEBHOOK_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20, 'SKYBRIDGE_MESSAGES_WEBHOOK_ATTEMPTS is at most 20')
    .default(5),
});

function parseOrThrow<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => i.message).join('; ');
  throw new MessagingConfigError(`messaging is not configured correctly: ${problems}`);
}

/**
 * Messaging settings from the environment. `SKYBRIDGE_MESSAGING` picks the channel; when it is unset
 * the demo (simulated WellSky) uses `simulated` and a real WellSky uses none, so nothing pretends to be
 * sent to real people.
 */
export function messagingSettings(
  env: NodeJS.ProcessEnv,
  options: { simulatedWellSky: boolean; timezone: string },
): MessagingSettings {
  const raw = nonEmpty(env.SKYBRIDGE_MESSAGING)?.toLowerCase();
  let quietHours: QuietHours | null;
  try {
    quietHours = parseQuietHours(nonEmpty(env.SKYBRIDGE_QUIET_HOURS));
  } catch (error) {
    throw new MessagingConfigError((error as Error).message);
  }
  const base = { quietHours, timezone: options.timezone };
  const channel = raw ?? (options.simulatedWellSky ? 'simulated' : 'none');
  const clean = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, nonEmpty(v)]));
  switch (channel) {
    case 'simulated':
      return { ...base, channel: 'simulated', noChannelReason: null };
    case 'none':
      return {
        ...base,
        channel: 'none',
        noChannelReason:
          'no messaging channel is configured (set SKYBRIDGE_MESSAGING to twilio or webhook): nobody was contacted',
      };
    case 'twilio': {
      const e = parseOrThrow(TwilioEnv, clean);
      return {
        ...base,
        channel: 'twilio',
        noChannelReason: null,
        twilio: {
          accountSid: e.TWILIO_ACCOUNT_SID,
          authToken: e.TWILIO_AUTH_TOKEN,
          from: e.TWILIO_FROM,
          messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
          publicUrl: e.SKYBRIDGE_PUBLIC_URL,
          apiBaseUrl: e.TWILIO_API_BASE_URL,
        },
      };
    }
    case 'webhook': {
      const e = parseOrThrow(WebhookEnv, clean);
      return {
        ...base,
        channel: 'webhook',
        noChannelReason: null,
        webhook: {
          url: e.SKYBRIDGE_MESSAGES_WEBHOOK_URL,
          secret: e.SKYBRIDGE_MESSAGES_WEBHOOK_SECRET,
          maxAttempts: e.SKYBRIDGE_MESSAGES_WEBHOOK_ATTEMPTS,
          timeoutMs: 10_000,
        },
      };
    }
    default:
      throw new MessagingConfigError(
        `SKYBRIDGE_MESSAGING must be twilio, webhook, simulated or none, got "${raw}"`,
      );
  }
}
