import type { MessageState } from '../store/messaging-types.ts';

export type { InboundState, MessageState } from '../store/messaging-types.ts';

// The shapes of the messenger contract (notes/messenger-contract.md). Operations own their port types;
// these match them structurally.

export interface OutgoingText {
  /** Idempotency key of the logical message: the same key twice sends once (repeated=true). */
  key: string;
  /** Any common US phone format; messaging normalises it. */
  to: string;
  body: string;
  /** Urgent messages ignore quiet hours (never opt-outs). */
  urgent: boolean;
  purpose: string;
  refs?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  /** The state right after send() returned (queued when deferred by quiet hours or a retry). */
  state: MessageState;
  /** Why, in plain words, for not-sent, failed and deferred messages; null otherwise. */
  reason: string | null;
  repeated: boolean;
}

export type ChannelName = 'twilio' | 'webhook' | 'simulated' | 'none';

export interface Messenger {
  send(text: OutgoingText): Promise<SendResult>;
  isOptedOut(phone: string): Promise<boolean>;
  readonly canContact: boolean;
  readonly channel: ChannelName;
}

export interface InboundText {
  messageId: string;
  /** Normalised 10-digit US number. */
  from: string;
  text: string;
  receivedAt: Date;
}

export interface InboundOutcome {
  handled: boolean;
  reply?: string;
  action?: string;
}

export type InboundHandler = (text: InboundText) => Promise<InboundOutcome>;
