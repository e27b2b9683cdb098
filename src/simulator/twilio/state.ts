import { randomBytes } from 'node:crypto';

export type NumberBehaviour = 'ok' | 'invalid' | 'opted-out';

export interface SimMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: string;
  statusCallback: string | null;
  errorCode: number | null;
  dateCreated: string;
}

export interface TwilioSimStats {
  created: number;
  refused: Record<string, number>;
  authFailures: number;
  inboundSent: number;
  statusCallbacksSent: number;
}

export interface TwilioSimOptions {
  accountSid?: string;
  authToken?: string;
  /** The number inbound texts are addressed to (the agency's Twilio number). */
  number?: string;
  /** Where inbound texts are POSTed (Skybridge's /webhooks/twilio/sms). */
  inboundUrl?: string;
  port?: number;
  host?: string;
  now?: () => Date;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Everything the fake Twilio remembers: sent messages, per-number behaviours, counters. */
export class TwilioSimState {
  readonly accountSid: string;
  readonly authToken: string;
  readonly number: string;
  inboundUrl: string | undefined;
  readonly messages: SimMessage[] = [];
  readonly behaviours = new Map<string, NumberBehaviour>();
  readonly stats: TwilioSimStats = {
    created: 0,
    refused: {},
    authFailures: 0,
    inboundSent: 0,
    statusCallbacksSent: 0,
  };
  readonly now: () => Date;

  constructor(options: TwilioSimOptions) {
    this.accountSid = options.accountSid ?? `AC${hex(16)}`;
    this.authToken = options.authToken ?? hex(16);
    this.number = options.number ?? '+17205550100';
    this.inboundUrl = options.inboundUrl;
    this.now = options.now ?? (() => new Date());
  }

  newSid(prefix: 'SM'): string {
    return `${prefix}${hex(16)}`;
  }

  refuse(code: number): void {
    this.stats.refused[String(code)] = (this.stats.refused[String(code)] ?? 0) + 1;
  }
}
