import { formatPhone } from '../lib/phone.ts';
import type { InboundMessage, OutboundMessage } from './repo.ts';

export interface OutboundView {
  id: string;
  direction: 'outbound';
  phone: string;
  phoneDisplay: string;
  body: string;
  purpose: string;
  urgent: boolean;
  refs: Record<string, string>;
  state: OutboundMessage['state'];
  reason: string | null;
  channel: string;
  providerMessageId: string | null;
  attempts: number;
  notBefore: string;
  at: string;
  updatedAt: string;
}

export interface InboundView {
  id: string;
  direction: 'inbound';
  phone: string;
  phoneDisplay: string;
  body: string;
  provider: string;
  state: InboundMessage['state'];
  action: string | null;
  replyMessageId: string | null;
  at: string;
  processedAt: string | null;
}

export type MessageView = OutboundView | InboundView;

export function outboundView(m: OutboundMessage): OutboundView {
  return {
    id: m.id,
    direction: 'outbound',
    phone: m.to_phone,
    phoneDisplay: formatPhone(m.to_phone),
    body: m.body,
    purpose: m.purpose,
    urgent: m.urgent,
    refs: m.refs,
    state: m.state,
    reason: m.reason,
    channel: m.channel,
    providerMessageId: m.provider_message_id,
    attempts: m.attempts,
    notBefore: m.not_before.toISOString(),
    at: m.created_at.toISOString(),
    updatedAt: m.updated_at.toISOString(),
  };
}

export function inboundView(m: InboundMessage): InboundView {
  return {
    id: m.id,
    direction: 'inbound',
    phone: m.from_phone,
    phoneDisplay: formatPhone(m.from_phone),
    body: m.body,
    provider: m.provider,
    state: m.state,
    action: m.action,
    replyMessageId: m.reply_message_id,
    at: m.received_at.toISOString(),
    processedAt: m.processed_at?.toISOString() ?? null,
  };
}
