import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { z } from 'zod';
import { INBOUND_PATH, STATUS_CALLBACK_PATH } from '../../messaging/channels/twilio.ts';
import { type Messaging, MessagingInputError } from '../../messaging/messaging.ts';
import type { ServiceExtension } from '../extensions.ts';
import type { ExtraPath } from '../openapi.ts';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const Form = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const Inbound = z.object({
  MessageSid: z.string().min(1),
  AccountSid: z.string().min(1),
  From: z.string().min(1),
  Body: z.string().default(''),
  NumMedia: z.string().optional(),
});
const Status = z.object({
  MessageSid: z.string().min(1),
  AccountSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
});

function twiml(reply: FastifyReply, status = 200) {
  return reply.code(status).type('text/xml').send(EMPTY_TWIML);
}

/**
 * Checks `X-Twilio-Signature` with the SDK's own validation against the configured public URL (never
 * the Host header: behind a proxy it is not what Twilio called). Answers the refusal itself and returns
 * undefined when the request must not be acted on; nothing is stored before this passes.
 */
function verified(messaging: Messaging, request: FastifyRequest, reply: FastifyReply, path: string) {
  const settings = messaging.settings.twilio;
  if (messaging.channel !== 'twilio' || !settings) {
    void reply
      .code(503)
      .type('text/plain')
      .send('Twilio is not the messaging channel here (SKYBRIDGE_MESSAGING=twilio)');
    return undefined;
  }
  if (!settings.publicUrl) {
    void reply
      .code(503)
      .type('text/plain')
      .send('SKYBRIDGE_PUBLIC_URL is not set, so Twilio signatures cannot be checked; nothing was stored');
    return undefined;
  }
  const form = Form.safeParse(request.body ?? {});
  const params = form.success ? form.data : {};
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const signature = request.headers['x-twilio-signature'];
  const valid =
    typeof signature === 'string' &&
    twilio.validateRequest(settings.authToken, signature, `${settings.publicUrl}${path}${query}`, params);
  if (!valid || params.AccountSid !== settings.accountSid) {
    void reply.code(403).type('text/plain').send('the X-Twilio-Signature does not match; nothing was stored');
    return undefined;
  }
  return params;
}

export function registerTwilioWebhooks(server: FastifyInstance, messaging: () => Messaging) {
  server.register(async (child) => {
    await child.register(formbody);
    child.post(INBOUND_PATH, async (request, reply) => {
      const params = verified(messaging(), request, reply, INBOUND_PATH);
      if (!params) return reply;
      const parsed = Inbound.safeParse(params);
      if (!parsed.success) return reply.code(400).type('text/plain').send('not a Twilio inbound message');
      const { MessageSid, From, Body, NumMedia } = parsed.data;
      const text = Body.trim() === '' && Number(NumMedia ?? 0) > 0 ? '[picture or media, no text]' : Body;
      try {
        await messaging().receive({ from: From, text, providerMessageId: MessageSid, provider: 'twilio' });
      } catch (error) {
        // A sender outside the US numbering plan or an empty text: nothing to act on; Twilio needs no retry.
        if (!(error instanceof MessagingInputError)) throw error;
      }
      return twiml(reply);
    });
    child.post(STATUS_CALLBACK_PATH, async (request, reply) => {
      const params = verified(messaging(), request, reply, STATUS_CALLBACK_PATH);
      if (!params) return reply;
      const parsed = Status.safeParse(params);
      if (!parsed.success) return reply.code(400).type('text/plain').send('not a Twilio status callback');
      await messaging().applyTwilioStatus(
        parsed.data.MessageSid,
        parsed.data.MessageStatus,
        parsed.data.ErrorCode,
      );
      return twiml(reply);
    });
  });
}

const refused = { description: 'the signature does not match: nothing stored', contentType: 'text/plain' };
const notTwilio = {
  description: 'Twilio is not the configured channel, or SKYBRIDGE_PUBLIC_URL is not set',
  contentType: 'text/plain',
};

const paths: ExtraPath[] = [
  {
    method: 'post',
    path: INBOUND_PATH,
    tag: 'webhooks',
    scope: null,
    summary:
      "Twilio's inbound SMS (form body, X-Twilio-Signature checked against SKYBRIDGE_PUBLIC_URL): stored, deduplicated on MessageSid, then acted on",
    responses: {
      200: {
        description: 'TwiML <Response/> (any reply goes out through the outbox)',
        contentType: 'text/xml',
      },
      400: { description: 'not an inbound message', contentType: 'text/plain' },
      403: refused,
      503: notTwilio,
    },
  },
  {
    method: 'post',
    path: STATUS_CALLBACK_PATH,
    tag: 'webhooks',
    scope: null,
    summary:
      "Twilio's delivery status callbacks; a message only ever moves forward (late, older statuses change nothing)",
    responses: {
      200: { description: 'TwiML <Response/>', contentType: 'text/xml' },
      400: { description: 'not a status callback', contentType: 'text/plain' },
      403: refused,
      503: notTwilio,
    },
  },
];

/** Mounts the Twilio webhooks on the service. */
export const twilioExtension: ServiceExtension = {
  name: 'twilio',
  paths,
  register(server, { app }) {
    registerTwilioWebhooks(server, () => app.messaging);
  },
};
