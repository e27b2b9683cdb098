import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { normalizePhone } from '../lib/phone.ts';
import type { Store } from '../store/store.ts';
import type { Channel } from './channels/channel.ts';
import { SimulatedChannel } from './channels/simulated.ts';
import { stateFromTwilioStatus, TwilioChannel, twilioFailureReason } from './channels/twilio.ts';
import { WebhookChannel } from './channels/webhook.ts';
import { Inbox } from './inbox.ts';
import { OPTED_OUT_REASON, Outbox, quietReason } from './outbox.ts';
import { quietUntil } from './quiet-hours.ts';
import { MessagingRepo, type OutboundMessage } from './repo.ts';
import type { MessagingSettings } from './settings.ts';
import type { ChannelName, InboundHandler, Messenger, OutgoingText, SendResult } from './types.ts';
import { type InboundView, inboundView, type MessageView, outboundView } from './views.ts';

/** A caller's mistake (bad phone, empty text): the message names the field. */
export class MessagingInputError extends Error {
  override name = 'MessagingInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const OutgoingSchema = z.object({
  key: z
    .string()
    .trim()
    .min(1, 'key: give the idempotency key of the message')
    .max(300, 'key: at most 300 characters'),
  to: z.string().min(1, 'to: give the phone to text'),
  body: z.string().trim().min(1, 'body: the text is empty').max(1600, 'body: at most 1,600 characters'),
  urgent: z.boolean(),
  purpose: z.string().trim().min(1, 'purpose: say what the message is for').max(60),
  refs: z.record(z.string(), z.string()).optional(),
});

export const InboundInput = z.object({
  from: z.string().min(1, 'from: give the sender’s phone'),
  text: z.string().min(1, 'text: the message is empty').max(1600, 'text: at most 1,600 characters'),
  /** The provider's message id when it has one (deduplicates redeliveries); else one is made. */
  providerMessageId: z.string().min(1).max(200).optional(),
  provider: z.string().min(1).max(40).optional(),
});
export type InboundInput = z.input<typeof InboundInput>;

export interface ReceiveResult {
  message: InboundView;
  /** True when this provider message id was stored before: nothing was done again. */
  duplicate: boolean;
}

export interface MessagingOptions {
  store: Store;
  settings: MessagingSettings;
  now?: () => Date;
  /** For tests of the webhook channel; default the global fetch. */
  fetch?: typeof fetch;
  /** How often the sender and the inbound processor look for due work (ms); 0 = only when called. */
  pollMs?: number;
  /** Receives ids and error classes only, never phones or texts. */
  onError?: (what: string, id: string, error: unknown) => void;
}

function buildChannel(
  settings: MessagingSettings,
  now: () => Date,
  fetchImpl?: typeof fetch,
): Channel | null {
  switch (settings.channel) {
    case 'simulated':
      return new SimulatedChannel();
    case 'twilio':
      return settings.twilio ? new TwilioChannel(settings.twilio) : null;
    case 'webhook':
      return settings.webhook ? new WebhookChannel(settings.webhook, now, fetchImpl) : null;
    default:
      return null;
  }
}

/**
 * The durable outbox and inbox of text messages behind one channel. Implements the messenger contract
 * (`send`, `isOptedOut`, `canContact`, `channel`, `registerInboundHandler`).
 */
export class Messaging implements Messenger {
  readonly repo: MessagingRepo;
  readonly channel: ChannelName;
  readonly canContact: boolean;
  readonly settings: MessagingSettings;
  private readonly handlers: InboundHandler[] = [];
  private readonly outbox: Outbox | null;
  private readonly inbox: Inbox;
  private readonly now: () => Date;
  private readonly workerId = `msg-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private tickRunning: Promise<void> | undefined;

  constructor(private readonly o: MessagingOptions) {
    this.settings = o.settings;
    this.now = o.now ?? (() => new Date());
    this.repo = new MessagingRepo(o.store);
    const channel = buildChannel(o.settings, this.now, o.fetch);
    this.channel = channel ? channel.name : 'none';
    this.canContact = channel !== null;
    const onError = (what: string) => (id: string, error: unknown) => o.onError?.(what, id, error);
    this.outbox = channel
      ? new Outbox({
          repo: this.repo,
          channel,
          workerId: this.workerId,
          now: this.now,
          quietHours: o.settings.quietHours,
          timezone: o.settings.timezone,
          onError: onError('send'),
        })
      : null;
    this.inbox = new Inbox({
      repo: this.repo,
      workerId: this.workerId,
      now: this.now,
      handlers: this.handlers,
      send: (text) => this.send(text),
      providersAnsweringKeywords: ['twilio'],
      onError: onError('inbound'),
    });
  }

  /** Handlers are tried in registration order; the first that handles a text wins. */
  registerInboundHandler(handler: InboundHandler): void {
    this.handlers.push(handler);
  }

  async send(text: OutgoingText): Promise<SendResult> {
    const parsed = OutgoingSchema.safeParse(text);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new MessagingInputError(issue.message, String(issue.path[0] ?? 'text'));
    }
    const input = parsed.data;
    const now = this.now();
    const existing = await this.repo.getByKey(input.key);
    if (existing) return result(existing, true);
    const phone = normalizePhone(input.to);
    const decision = await this.decide(phone?.digits, input.urgent, now);
    const { message, created } = await this.repo.insertOutbound(
      {
        key: input.key,
        toPhone: phone?.digits ?? input.to.replace(/\D/g, '').slice(0, 15),
        body: input.body,
        purpose: input.purpose,
        refs: input.refs ?? {},
        urgent: input.urgent,
        channel: this.channel,
        ...decision,
      },
      now,
    );
    if (!created) return result(message, true);
    if (message.state === 'queued' && message.not_before <= now && this.outbox) {
      await this.outbox.deliverDue({ ids: [message.id] });
      return result((await this.repo.get(message.id)) ?? message, false);
    }
    return result(message, false);
  }

  private async decide(
    phone: string | undefined,
    urgent: boolean,
    now: Date,
  ): Promise<{ state: 'queued' | 'not-sent'; reason: string | null; notBefore: Date }> {
    if (!phone) return { state: 'not-sent', reason: 'not a valid US phone number', notBefore: now };
    if (!this.canContact) {
      return {
        state: 'not-sent',
        reason: this.settings.noChannelReason ?? 'no messaging channel',
        notBefore: now,
      };
    }
    if (await this.repo.isOptedOut(phone))
      return { state: 'not-sent', reason: OPTED_OUT_REASON, notBefore: now };
    const quiet = urgent ? null : quietUntil(now, this.settings.quietHours, this.settings.timezone);
    if (quiet)
      return { state: 'queued', reason: quietReason(quiet, this.settings.timezone), notBefore: quiet };
    return { state: 'queued', reason: null, notBefore: now };
  }

  async isOptedOut(phone: string): Promise<boolean> {
    const normalized = normalizePhone(phone);
    return normalized ? this.repo.isOptedOut(normalized.digits) : false;
  }

  /**
   * Stores an inbound text (deduplicated on the provider's id) before anything acts on it, then
   * processes it: STOP/START/HELP here, everything else through the handlers.
   */
  async receive(input: InboundInput): Promise<ReceiveResult> {
    const parsed = InboundInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new MessagingInputError(issue.message, String(issue.path[0] ?? 'text'));
    }
    const phone = normalizePhone(parsed.data.from);
    if (!phone)
      throw new MessagingInputError('from: not a US phone number (10 digits, area code first)', 'from');
    const { message, created } = await this.repo.insertInbound(
      {
        provider: parsed.data.provider ?? (this.channel === 'none' ? 'api' : this.channel),
        providerMessageId: parsed.data.providerMessageId ?? `local-${randomUUID()}`,
        fromPhone: phone.digits,
        body: parsed.data.text,
      },
      this.workerId,
      this.inbox.leaseMs,
      this.now(),
    );
    if (!created) return { message: inboundView(message), duplicate: true };
    await this.inbox.process(message);
    const after = await this.repo.getInbound(message.id);
    return { message: inboundView(after ?? message), duplicate: false };
  }

  /**
   * A provider's delivery report. Only moves forward: an older status arriving late changes nothing.
   * Returns false when no message has this provider id.
   */
  async applyTwilioStatus(sid: string, status: string, errorCode: string | undefined): Promise<boolean> {
    const message = await this.repo.byProviderId('twilio', sid);
    if (!message) return false;
    const to = stateFromTwilioStatus(status);
    if (!to) return true;
    await this.repo.move(message.id, to, {
      cause: `twilio status ${status}`,
      now: this.now(),
      holder: { anyone: true },
      ...(to === 'failed'
        ? { set: { reason: twilioFailureReason(status, errorCode), error: errorCode ?? status } }
        : {}),
    });
    return true;
  }

  async get(id: string): Promise<MessageView | undefined> {
    if (id.startsWith('in_')) {
      const row = await this.repo.getInbound(id);
      return row ? inboundView(row) : undefined;
    }
    const row = await this.repo.get(id);
    return row ? outboundView(row) : undefined;
  }

  /** Both directions, newest first. */
  async list(
    options: { direction?: 'inbound' | 'outbound'; phone?: string; since?: Date; limit?: number } = {},
  ): Promise<MessageView[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
    let phone: string | undefined;
    if (options.phone !== undefined) {
      const normalized = normalizePhone(options.phone);
      if (!normalized) throw new MessagingInputError('phone: not a US phone number', 'phone');
      phone = normalized.digits;
    }
    const filter = { ...(phone ? { phone } : {}), ...(options.since ? { since: options.since } : {}), limit };
    const out =
      options.direction === 'inbound' ? [] : (await this.repo.listOutbound(filter)).map(outboundView);
    const inn =
      options.direction === 'outbound' ? [] : (await this.repo.listInbound(filter)).map(inboundView);
    return [...out, ...inn]
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  /** One pass of the background work: due messages sent, stranded inbound texts processed. */
  async tick(): Promise<void> {
    await this.inbox.processPending();
    // Bounded: a backlog drains over a few ticks rather than holding one tick forever.
    for (let pass = 0; pass < 50 && this.outbox; pass++) {
      if ((await this.outbox.deliverDue()) === 0) break;
    }
  }

  /** Processes what a crash left `received`, then polls for due work. */
  async start(): Promise<void> {
    // A failing first pass must not stop the service from starting: the poller tries again.
    await this.tick().catch((error) => this.o.onError?.('tick', '-', error));
    const every = this.o.pollMs ?? 5_000;
    if (every > 0 && !this.timer) {
      this.timer = setInterval(() => {
        if (this.tickRunning) return;
        this.tickRunning = this.tick()
          .catch((error) => this.o.onError?.('tick', '-', error))
          .finally(() => {
            this.tickRunning = undefined;
          });
      }, every);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.tickRunning;
  }
}

function result(message: OutboundMessage, repeated: boolean): SendResult {
  const explained = message.state === 'queued' || message.state === 'failed' || message.state === 'not-sent';
  return { messageId: message.id, state: message.state, reason: explained ? message.reason : null, repeated };
}
