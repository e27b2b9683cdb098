import { excerpt } from '../lib/redact.ts';
import { nearestRoute } from './routes.ts';

export type ConnectErrorKind =
  | 'unknown-route'
  | 'permission-refused'
  | 'authentication'
  | 'not-found'
  | 'validation'
  | 'rate-limited'
  | 'server'
  | 'legacy-host'
  | 'network'
  | 'timeout'
  | 'invalid-response'
  | 'action-failed';

export interface ConnectErrorDetails {
  status?: number | undefined;
  method: string;
  /** The route template (`/v1/encounter/{encounterId}/tasklog/`), never a query string. */
  route: string;
  /** What WellSky said, redacted and cut to 200 characters. */
  serverMessage?: string | undefined;
  retryAfterMs?: number | undefined;
  /** True when the request may have reached WellSky and its effect is not known (non-idempotent write). */
  outcomeUnknown?: boolean | undefined;
  cause?: unknown;
}

/**
 * The one error type the client throws. `kind` is what a program branches on; `hint` is the one line a
 * person reads. Nothing secret or personal is ever put in the message.
 */
export class ConnectError extends Error {
  override name = 'ConnectError';
  readonly kind: ConnectErrorKind;
  readonly status: number | undefined;
  readonly method: string;
  readonly route: string;
  readonly hint: string;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly outcomeUnknown: boolean;

  constructor(kind: ConnectErrorKind, hint: string, details: ConnectErrorDetails) {
    const status = details.status === undefined ? '' : ` → ${details.status}`;
    const said = details.serverMessage ? ` (WellSky said: ${details.serverMessage})` : '';
    super(`${details.method} ${details.route}${status}: ${hint}${said}`, { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.method = details.method;
    this.route = details.route;
    this.hint = hint;
    this.serverMessage = details.serverMessage;
    this.retryAfterMs = details.retryAfterMs;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }

  /** Worth another attempt later (transient): rate limits, vendor errors, network trouble. */
  get transient(): boolean {
    return ['rate-limited', 'server', 'network', 'timeout'].includes(this.kind);
  }
}

export function isConnectError(error: unknown, kind?: ConnectErrorKind): error is ConnectError {
  return error instanceof ConnectError && (kind === undefined || error.kind === kind);
}

interface ResponseFacts {
  status: number;
  method: string;
  route: string;
  /** The concrete path, used only to name the nearest correct route. */
  path: string;
  host: string;
  body: string;
  retryAfter?: string | null | undefined;
}

function messageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const key of ['message', 'Message', 'error', 'error_description', 'detail']) {
      const value = parsed[key];
      if (typeof value === 'string' && value.length > 0) return value;
    }
    return undefined;
  } catch {
    return body.trim().length > 0 ? body : undefined;
  }
}

export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Turns a non-2xx answer into a ConnectError, following facts §4.2: the gateway's two 403 bodies mean an
 * unknown route (a client bug, never a permission verdict); any other 403 is a real refusal.
 */
export function classifyResponse(r: ResponseFacts): ConnectError {
  const raw = messageOf(r.body);
  const serverMessage = raw === undefined ? undefined : excerpt(raw);
  const base = { status: r.status, method: r.method, route: r.route, serverMessage };

  if (/(^|\.)api\.clearcareonline\.com$/i.test(r.host)) {
    return new ConnectError(
      'legacy-host',
      'the legacy host api.clearcareonline.com is decommissioned; use https://connect.clearcareonline.com',
      base,
    );
  }
  if (r.status === 403 && raw !== undefined && isGatewayUnknownRoute(raw)) {
    const nearest = nearestRoute(r.method, r.path);
    const hint = nearest
      ? `no such route (the gateway's 403 for an unknown path or method, not a permission problem); nearest known route: ${nearest}`
      : "no such route (the gateway's 403 for an unknown path or method, not a permission problem)";
    return new ConnectError('unknown-route', hint, { ...base, serverMessage: gatewayLabel(raw) });
  }
  if (r.status === 401) {
    return new ConnectError(
      'authentication',
      'WellSky did not accept the access token (expired or revoked); check WELLSKY_CLIENT_ID and WELLSKY_CLIENT_SECRET',
      base,
    );
  }
  if (r.status === 403) {
    return new ConnectError(
      'permission-refused',
      "WellSky refused this operation for these credentials; ask WellSky to enable it for the agency's API app",
      base,
    );
  }
  if (r.status === 404) {
    return new ConnectError(
      'not-found',
      'no such record (or an id of the wrong kind, e.g. a shift id where a visit id is needed)',
      base,
    );
  }
  if (r.status === 400 || r.status === 422) {
    return new ConnectError('validation', 'WellSky rejected the request body or parameters', base);
  }
  if (r.status === 429) {
    return new ConnectError('rate-limited', 'WellSky is throttling requests; slow down and retry later', {
      ...base,
      retryAfterMs: parseRetryAfter(r.retryAfter),
    });
  }
  if (r.status >= 500) {
    return new ConnectError('server', 'WellSky failed on its side; retrying may or may not help', base);
  }
  return new ConnectError('server', `unexpected HTTP status ${r.status}`, base);
}

export function isGatewayUnknownRoute(message: string): boolean {
  return message.startsWith('Invalid key=value pair') || message === 'Missing Authentication Token';
}

/** The gateway body embeds a digest of the Authorization header; keep only its label. */
function gatewayLabel(message: string): string {
  return message.startsWith('Invalid key=value pair')
    ? 'Invalid key=value pair … in Authorization header'
    : message;
}
