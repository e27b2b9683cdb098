import { z } from 'zod';
import { MessagingInputError } from '../../messaging/messaging.ts';
import type { MessageView } from '../../messaging/views.ts';
import { ApiError } from '../errors.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import { ErrorResponse } from './schemas.ts';

const MessageStateSchema = z.enum(['queued', 'sent', 'delivered', 'failed', 'not-sent']);

export const OutboundMessageResponse = z.object({
  id: z.string(),
  direction: z.literal('outbound'),
  phone: z.string(),
  phoneDisplay: z.string(),
  body: z.string(),
  purpose: z.string(),
  urgent: z.boolean(),
  refs: z.record(z.string(), z.string()),
  state: MessageStateSchema,
  reason: z.string().nullable(),
  channel: z.string(),
  providerMessageId: z.string().nullable(),
  attempts: z.number().int(),
  notBefore: z.string(),
  at: z.string(),
  updatedAt: z.string(),
});

export const InboundMessageResponse = z.object({
  id: z.string(),
  direction: z.literal('inbound'),
  phone: z.string(),
  phoneDisplay: z.string(),
  body: z.string(),
  provider: z.string(),
  state: z.enum(['received', 'processed', 'unmatched']),
  action: z.string().nullable(),
  replyMessageId: z.string().nullable(),
  at: z.string(),
  processedAt: z.string().nullable(),
});

export const MessagesResponse = z.object({
  channel: z.enum(['twilio', 'webhook', 'simulated', 'none']),
  canContact: z.boolean(),
  messages: z.array(z.union([OutboundMessageResponse, InboundMessageResponse])),
});

export const InboundResponse = z.object({
  message: InboundMessageResponse,
  duplicate: z.boolean(),
  reply: OutboundMessageResponse.nullable(),
});

export const MessagesQuery = z
  .object({
    direction: z.enum(['inbound', 'outbound']).optional(),
    phone: z.string().min(1).max(40).optional(),
    since: z.iso
      .datetime({ offset: true, error: 'an ISO date-time with an offset, e.g. 2026-03-02T08:00:00-07:00' })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

export const InboundBody = z
  .object({
    from: z.string().min(1).max(40).describe('The sender’s phone, any common US format'),
    text: z.string().min(1).max(1600).describe('What the person texted, exactly'),
    id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Your id of this text (e.g. the phone system’s message id): a repeat with the same id is ignored',
      ),
  })
  .strict();

const error = (description: string) => ({ description, schema: ErrorResponse });

function inputError(e: unknown): never {
  if (e instanceof MessagingInputError) throw new ApiError(400, 'invalid_request', e.message, e.field);
  throw e;
}

function subjects(messages: MessageView[]): string[] {
  return messages
    .flatMap((m) => (m.direction === 'outbound' ? [m.refs.caregiverId, m.refs.clientId] : []))
    .filter((id): id is string => typeof id === 'string');
}

export const messagesRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/messages',
    scope: 'read',
    tag: 'messages',
    summary:
      'Text messages, both directions, newest first: each outgoing one with its true state (queued, sent, delivered, failed, not-sent) and why',
    query: MessagesQuery,
    responses: {
      200: { description: 'the messages and the channel in use', schema: MessagesResponse },
      400: error('a filter is not valid; the error names it'),
    },
    audited: true,
    async handler(ctx) {
      const messaging = ctx.app.messaging;
      const messages = await messaging
        .list({
          ...(ctx.query.direction ? { direction: ctx.query.direction } : {}),
          ...(ctx.query.phone ? { phone: ctx.query.phone } : {}),
          ...(ctx.query.since ? { since: new Date(ctx.query.since) } : {}),
          ...(ctx.query.limit ? { limit: ctx.query.limit } : {}),
        })
        .catch(inputError);
      ctx.audit(subjects(messages));
      return { body: { channel: messaging.channel, canContact: messaging.canContact, messages } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/messages/inbound',
    scope: 'messages.write',
    tag: 'messages',
    summary:
      'A text a caregiver sent (for the webhook and simulated channels: the phone system or assistant passes replies in). Stored first, then acted on; STOP/START/HELP are handled here',
    body: InboundBody,
    responses: {
      201: { description: 'stored and processed (see state and action)', schema: InboundResponse },
      200: { description: 'this id was received before: nothing done again', schema: InboundResponse },
      400: error('the phone is not a US number or the text is empty'),
    },
    async handler(ctx) {
      const messaging = ctx.app.messaging;
      const result = await messaging
        .receive({
          from: ctx.body.from,
          text: ctx.body.text,
          ...(ctx.body.id ? { providerMessageId: `api:${ctx.body.id}` } : {}),
          provider: 'api',
        })
        .catch(inputError);
      const reply = result.message.replyMessageId
        ? await messaging.get(result.message.replyMessageId)
        : undefined;
      return {
        status: result.duplicate ? 200 : 201,
        body: { ...result, reply: reply?.direction === 'outbound' ? reply : null },
      };
    },
  }),
];
