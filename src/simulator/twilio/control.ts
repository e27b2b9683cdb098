import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { postSigned } from './server.ts';
import type { NumberBehaviour, SimMessage, TwilioSimState, TwilioSimStats } from './state.ts';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'UNSTOP', 'YES']);

export interface TwilioSimControl {
  messages(): SimMessage[];
  /** Sends a signed inbound SMS to the configured URL (or `url`), as Twilio would. */
  sendInbound(input: { from: string; body: string; to?: string; url?: string; sid?: string }): Promise<{
    sid: string;
    status: number;
    body: string;
  }>;
  /** Sends a signed status callback for a sent message to its StatusCallback URL. */
  sendStatus(input: {
    sid: string;
    status: string;
    errorCode?: string;
  }): Promise<{ status: number; body: string }>;
  setNumber(phone: string, behaviour: NumberBehaviour): void;
  setInboundUrl(url: string): void;
  stats(): TwilioSimStats;
}

export class TwilioControlError extends Error {
  override name = 'TwilioControlError';
}

export function createTwilioControl(state: TwilioSimState): TwilioSimControl {
  return {
    messages: () => state.messages.map((m) => ({ ...m })),
    async sendInbound(input) {
      const url = input.url ?? state.inboundUrl;
      if (!url) throw new TwilioControlError('no inbound URL: set one with setInboundUrl or pass url');
      const sid = input.sid ?? `SM${randomBytes(16).toString('hex')}`;
      // Twilio's default opt-out handling blocks the sender itself, and still forwards the keyword.
      const word = input.body.trim().toUpperCase();
      if (OPT_OUT.has(word)) state.behaviours.set(input.from, 'opted-out');
      if (OPT_IN.has(word) && state.behaviours.get(input.from) === 'opted-out')
        state.behaviours.delete(input.from);
      const answer = await postSigned(url, state.authToken, {
        MessageSid: sid,
        SmsSid: sid,
        AccountSid: state.accountSid,
        From: input.from,
        To: input.to ?? state.number,
        Body: input.body,
        NumMedia: '0',
        NumSegments: '1',
        ApiVersion: '2010-04-01',
      });
      state.stats.inboundSent += 1;
      return { sid, ...answer };
    },
    async sendStatus(input) {
      const message = state.messages.find((m) => m.sid === input.sid);
      if (!message) throw new TwilioControlError(`no message ${input.sid}`);
      if (!message.statusCallback) throw new TwilioControlError(`message ${input.sid} has no StatusCallback`);
      message.status = input.status;
      if (input.errorCode) message.errorCode = Number(input.errorCode);
      const answer = await postSigned(message.statusCallback, state.authToken, {
        MessageSid: message.sid,
        SmsSid: message.sid,
        AccountSid: state.accountSid,
        MessageStatus: input.status,
        SmsStatus: input.status,
        To: message.to,
        From: message.from ?? state.number,
        ApiVersion: '2010-04-01',
        ...(input.errorCode ? { ErrorCode: input.errorCode } : {}),
      });
      state.stats.statusCallbacksSent += 1;
      return answer;
    },
    setNumber(phone, behaviour) {
      if (behaviour === 'ok') state.behaviours.delete(phone);
      else state.behaviours.set(phone, behaviour);
    },
    setInboundUrl(url) {
      state.inboundUrl = url;
    },
    stats: () => structuredClone(state.stats),
  };
}

const InboundBody = z.object({
  from: z.string().min(1),
  body: z.string(),
  to: z.string().optional(),
  url: z.string().url().optional(),
});
const StatusBody = z.object({ sid: z.string(), status: z.string(), errorCode: z.string().optional() });
const NumberBody = z.object({ phone: z.string(), behaviour: z.enum(['ok', 'invalid', 'opted-out']) });
const ConfigBody = z.object({ inboundUrl: z.string().url() });

/** The `/__twilio/` control surface over HTTP, for the demo and people poking at it. */
export function controlRoutes(control: TwilioSimControl) {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  return async (req: IncomingMessage, res: ServerResponse, raw: string): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    const key = `${req.method} ${path}`;
    const parse = <T extends z.ZodType>(schema: T): z.output<T> | undefined => {
      const result = schema.safeParse(raw ? JSON.parse(raw) : {});
      if (result.success) return result.data;
      json(res, 400, {
        error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      return undefined;
    };
    try {
      switch (key) {
        case 'GET /__twilio/messages':
          json(res, 200, { messages: control.messages() });
          return true;
        case 'GET /__twilio/stats':
          json(res, 200, control.stats());
          return true;
        case 'POST /__twilio/inbound': {
          const input = parse(InboundBody);
          if (input) json(res, 200, await control.sendInbound(input));
          return true;
        }
        case 'POST /__twilio/status': {
          const input = parse(StatusBody);
          if (input) json(res, 200, await control.sendStatus(input));
          return true;
        }
        case 'POST /__twilio/numbers': {
          const input = parse(NumberBody);
          if (input) {
            control.setNumber(input.phone, input.behaviour);
            json(res, 200, { ok: true });
          }
          return true;
        }
        case 'POST /__twilio/config': {
          const input = parse(ConfigBody);
          if (input) {
            control.setInboundUrl(input.inboundUrl);
            json(res, 200, { ok: true });
          }
          return true;
        }
        default:
          return false;
      }
    } catch (error) {
      json(res, error instanceof TwilioControlError ? 409 : 500, { error: (error as Error).message });
      return true;
    }
  };
}
