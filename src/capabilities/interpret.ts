import { isGatewayUnknownRoute } from '../connect/errors.ts';
import { excerpt } from '../lib/redact.ts';
import type { ProbeKind } from './probes.ts';

export type CapabilityStatus = 'available' | 'refused' | 'no-such-route' | 'error';

export interface Verdict {
  status: CapabilityStatus;
  explanation: string;
}

/**
 * WellSky's answer when the agency id a request carries is not the credentials' agency (facts §4.1 #10).
 * It is a configuration mistake on our side, not a permission WellSky withholds: asking WellSky to
 * "enable" anything sends the agency down the wrong road.
 */
export function isAgencyMismatch(text: string | undefined): boolean {
  return text !== undefined && /invalid agency ?id/i.test(text);
}

export const AGENCY_MISMATCH_EXPLANATION =
  'the agency id does not match these credentials (WellSky: "Access denied. Invalid agencyId."): check ' +
  'WELLSKY_AGENCY_ID — it must be the agency these API credentials belong to; this is not a permission to ask WellSky for';

function messageOf(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const value = json.message ?? json.Message ?? json.error;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one probe's answer the way facts §4.2 says to classify WellSky's answers. */
export function interpret(kind: ProbeKind, status: number, text: string): Verdict {
  const message = messageOf(text);
  if (status === 403 && message !== undefined && isGatewayUnknownRoute(message)) {
    return {
      status: 'no-such-route',
      explanation:
        kind === 'absent'
          ? 'the gateway does not know this route (its 403 for unknown paths, not a permission verdict)'
          : 'the gateway does not know this route (its 403 for unknown paths): this API deployment lacks it, or WellSky renamed it',
    };
  }
  if (status >= 200 && status < 300) {
    if (kind === 'write') return { status: 'available', explanation: 'a real write succeeded' };
    return { status: 'available', explanation: 'answered normally' };
  }
  if (status === 401) {
    return {
      status: 'error',
      explanation: 'the token was refused on this route (401); authentication may be unstable',
    };
  }
  if (status === 403 && isAgencyMismatch(message ?? text)) {
    return { status: 'error', explanation: AGENCY_MISMATCH_EXPLANATION };
  }
  if (status === 403) {
    return {
      status: 'refused',
      explanation: `WellSky refused these credentials on an existing route${message ? ` ("${excerpt(message, 120)}")` : ''}; ask WellSky to enable it for the agency's API app`,
    };
  }
  if (status === 404 && kind !== 'absent') {
    return {
      status: 'available',
      explanation:
        'route exists and is permitted: a deliberately unknown id was answered 404, nothing was created',
    };
  }
  if ((status === 400 || status === 422) && kind !== 'absent') {
    return {
      status: 'available',
      explanation: `route exists and is permitted: a deliberately invalid body was validated (${status}), nothing was created`,
    };
  }
  if (status === 429)
    return { status: 'error', explanation: 'rate limited while probing (429); run doctor again' };
  if (status >= 500) {
    const looksHtml = /^\s*</.test(text);
    return {
      status: 'error',
      explanation: `WellSky failed on its side (${status}${looksHtml ? ', HTML error page' : ''}); retrying does not help — a vendor ticket is the way`,
    };
  }
  return {
    status: 'error',
    explanation: `unexpected answer ${status}${message ? `: ${excerpt(message, 120)}` : ''}`,
  };
}
