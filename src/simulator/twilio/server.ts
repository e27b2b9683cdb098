import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { twilioSignature } from './signature.ts';
import type { NumberBehaviour, SimMessage, TwilioSimState } from './state.ts';

const MESSAGES = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const E164_US = /^\+1[2-9]\d{9}$/;

interface TwilioError {
  code: number;
  message: string;
  status: number;
}

const ERRORS = {
  auth: { code: 20003, message: 'Authenticate', status: 401 },
  notFound: { code: 20404, message: 'The requested resource was not found', status: 404 },
  noFrom: { code: 21603, message: "A 'From' phone number is required.", status: 400 },
  noBody: { code: 21602, message: 'Message body is required.', status: 400 },
} satisfies Record<string, TwilioError>;

function send(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function twilioError(res: ServerResponse, e: TwilioError) {
  send(res, e.status, { ...e, more_info: `https://www.twilio.com/docs/errors/${e.code}` });
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function messageJson(m: SimMessage) {
  return {
    sid: m.sid,
    account_sid: m.accountSid,
    to: m.to,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    body: m.body,
    status: m.status,
    num_segments: '1',
    num_media: '0',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    price: null,
    price_unit: 'USD',
    error_code: m.errorCode,
    error_message: null,
    date_created: new Date(m.dateCreated).toUTCString(),
    date_updated: new Date(m.dateCreated).toUTCString(),
    date_sent: null,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
    subresource_uris: {},
  };
}

/**
 * The REST surface the SDK calls: literal paths, HTTP Basic auth with the account SID and auth token,
 * form bodies, Twilio's JSON errors (21211 invalid number, 21610 opted out, …).
 */
export class TwilioSimServer {
  readonly http: Server;

  constructor(
    private readonly state: TwilioSimState,
    private readonly control: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<boolean>,
  ) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => send(res, 500, { message: error.message }));
    });
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.state.accountSid}:${this.state.authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readBody(req);
    if (path.startsWith('/__twilio/')) {
      if (!(await this.control(req, res, body)))
        send(res, 404, { error: `no control route ${req.method} ${path}` });
      return;
    }
    const list = MESSAGES.exec(path);
    const one = MESSAGE.exec(path);
    if (!list && !one) return twilioError(res, ERRORS.notFound);
    if (!this.authorized(req)) {
      this.state.stats.authFailures += 1;
      return twilioError(res, ERRORS.auth);
    }
    if ((list?.[1] ?? one?.[1]) !== this.state.accountSid) return twilioError(res, ERRORS.notFound);
    if (one && req.method === 'GET') {
      const m = this.state.messages.find((x) => x.sid === one[2]);
      return m ? send(res, 200, messageJson(m)) : twilioError(res, ERRORS.notFound);
    }
    if (list && req.method === 'POST') return this.create(res, new URLSearchParams(body));
    return twilioError(res, ERRORS.notFound);
  }

  private create(res: ServerResponse, form: URLSearchParams) {
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const text = form.get('Body') ?? '';
    const refuse = (e: TwilioError) => {
      this.state.refuse(e.code);
      return twilioError(res, e);
    };
    if (!from && !service) return refuse(ERRORS.noFrom);
    if (!text) return refuse(ERRORS.noBody);
    const behaviour: NumberBehaviour = this.state.behaviours.get(to) ?? 'ok';
    if (!E164_US.test(to) || behaviour === 'invalid') {
      return refuse({
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
        status: 400,
      });
    }
    if (behaviour === 'opted-out') {
      return refuse({
        code: 21610,
        message: 'Attempt to send to unsubscribed recipient',
        status: 400,
      });
    }
    const message: SimMessage = {
      sid: this.state.newSid('SM'),
      accountSid: this.state.accountSid,
      to,
      from: from ?? null,
      messagingServiceSid: service ?? null,
      body: text,
      status: service ? 'accepted' : 'queued',
      statusCallback: form.get('StatusCallback'),
      errorCode: null,
      dateCreated: this.state.now().toISOString(),
    };
    this.state.messages.push(message);
    this.state.stats.created += 1;
    return send(res, 201, messageJson(message));
  }
}

/** POSTs a form to `url` signed as Twilio signs it. */
export async function postSigned(
  url: string,
  authToken: string,
  params: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.text() };
}
