import type { z } from 'zod';
import type { ConnectConfig } from './config.ts';
import { ConnectError, type ConnectErrorKind, classifyResponse } from './errors.ts';
import type { RateGovernor } from './governor.ts';
import { decideRetry } from './retry-policy.ts';
import type { ResolvedRoute } from './routes.ts';
import type { TokenManager } from './token-manager.ts';

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions<S extends z.ZodType | undefined> {
  route: ResolvedRoute;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Validates a 2xx JSON answer; the caller gets the parsed output. */
  schema?: S;
  /** Defaults: GET/PUT/DELETE are idempotent, POST is not (searches pass true). */
  idempotent?: boolean;
  /** Action endpoints answer `{success}`: a 2xx with `success: false` is a failure (facts §4.1 #15). */
  successFlag?: boolean;
}

/** One line per attempt for metrics or logs: no URL query, no body, no header. */
export interface RequestEvent {
  method: string;
  route: string;
  status: number | undefined;
  durationMs: number;
  attempt: number;
  outcome: 'ok' | 'retry' | 'error';
  errorKind?: ConnectErrorKind | undefined;
}

export interface TransportOptions {
  config: Pick<ConnectConfig, 'baseUrl' | 'timeoutMs' | 'maxRetries'>;
  tokens: TokenManager;
  governor: RateGovernor;
  fetch?: typeof fetch;
  onEvent?: (event: RequestEvent) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

type Output<S> = S extends z.ZodType ? z.output<S> : unknown;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Transport {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  readonly host: string;

  constructor(private readonly options: TransportOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.host = new URL(options.config.baseUrl).host;
  }

  async request<S extends z.ZodType | undefined = undefined>(options: RequestOptions<S>): Promise<Output<S>> {
    const { route } = options;
    const idempotent = options.idempotent ?? route.method !== 'POST';
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      let status: number | undefined;
      let reachedWellSky = false;
      try {
        const token = await this.options.tokens.token();
        reachedWellSky = true;
        const response = await this.send(route.method, route.path, options, token);
        status = response.status;
        if (response.status === 401 && !reauthenticated) {
          // One forced re-mint on a 401, then give up (facts §1.4): covers early expiry and revocation.
          reauthenticated = true;
          this.options.tokens.invalidate(token);
          this.emit(route, status, started, attempt, 'retry', 'authentication');
          continue;
        }
        if (response.status < 200 || response.status >= 300) {
          throw classifyResponse({
            status: response.status,
            method: route.method,
            route: route.template,
            path: route.path,
            host: this.host,
            body: response.text,
            retryAfter: response.headers.get('retry-after'),
          });
        }
        const value = this.parse(route, response, options) as Output<S>;
        this.emit(route, status, started, attempt, 'ok');
        return value;
      } catch (caught) {
        // A failure while getting the token means this request was never sent.
        const neverSent = !reachedWellSky || isConnectionRefused(caught);
        const error = this.asConnectError(caught, route, idempotent || neverSent);
        const decision = decideRetry(error, {
          attempt,
          maxRetries: this.options.config.maxRetries,
          idempotent,
          neverSent,
          random: this.random,
        });
        this.emit(route, status, started, attempt, decision.retry ? 'retry' : 'error', error.kind);
        if (!decision.retry) throw error;
        await this.sleep(decision.delayMs);
      }
    }
  }

  /**
   * One request exactly as given, for diagnostics (`doctor` probes a path as written, including wrong
   * spellings): rate-governed, with the current token when `auth`, never retried, never classified.
   */
  async raw(
    method: string,
    path: string,
    init: { body?: unknown; auth?: boolean; rawAuthorization?: string } = {},
  ) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.rawAuthorization !== undefined) headers.authorization = init.rawAuthorization;
    else if (init.auth !== false) headers.authorization = `Bearer ${await this.options.tokens.token()}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    await this.options.governor.acquire();
    const response = await this.fetchImpl(`${this.options.config.baseUrl}${path}`, {
      method,
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      signal: AbortSignal.timeout(this.options.config.timeoutMs),
    });
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    } satisfies RawResponse;
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions<z.ZodType | undefined>,
    token: string,
  ): Promise<RawResponse> {
    const url = new URL(`${this.options.config.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    // WellSky's token_type says "BearerToken", but the header must say "Bearer" (facts §1.4 [V]).
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    await this.options.governor.acquire();
    const response = await this.fetchImpl(url, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: AbortSignal.timeout(this.options.config.timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  private parse(route: ResolvedRoute, response: RawResponse, options: RequestOptions<z.ZodType | undefined>) {
    const details = { status: response.status, method: route.method, route: route.template };
    if (response.text.trim() === '') {
      if (options.schema)
        throw new ConnectError('invalid-response', 'WellSky answered with an empty body', details);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch (cause) {
      throw new ConnectError('invalid-response', 'WellSky answered with something that is not JSON', {
        ...details,
        cause,
      });
    }
    if (options.successFlag && (json as { success?: unknown } | null)?.success === false) {
      const said =
        (json as { error?: unknown; message?: unknown }).error ?? (json as { message?: unknown }).message;
      throw new ConnectError('action-failed', 'WellSky answered success: false', {
        ...details,
        serverMessage: typeof said === 'string' ? said.slice(0, 200) : undefined,
      });
    }
    if (!options.schema) return json;
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new ConnectError(
        'invalid-response',
        `WellSky's answer did not have the expected shape — ${where}`,
        details,
      );
    }
    return parsed.data;
  }

  private asConnectError(caught: unknown, route: ResolvedRoute, idempotent: boolean): ConnectError {
    if (caught instanceof ConnectError) {
      if (!idempotent && caught.kind === 'server') {
        return new ConnectError(caught.kind, `${caught.hint}; the write may or may not have been applied`, {
          status: caught.status,
          method: caught.method,
          route: caught.route,
          serverMessage: caught.serverMessage,
          outcomeUnknown: true,
          cause: caught,
        });
      }
      return caught;
    }
    const timedOut =
      caught instanceof Error && (caught.name === 'TimeoutError' || caught.name === 'AbortError');
    const neverSent = isConnectionRefused(caught);
    return new ConnectError(
      timedOut ? 'timeout' : 'network',
      timedOut
        ? `no answer within ${this.options.config.timeoutMs} ms`
        : `network error talking to ${this.host}${neverSent ? ' (connection refused)' : ''}`,
      {
        method: route.method,
        route: route.template,
        outcomeUnknown: !idempotent && !neverSent,
        cause: caught,
      },
    );
  }

  private emit(
    route: ResolvedRoute,
    status: number | undefined,
    started: number,
    attempt: number,
    outcome: RequestEvent['outcome'],
    errorKind?: ConnectErrorKind,
  ) {
    this.options.onEvent?.({
      method: route.method,
      route: route.template,
      status,
      durationMs: performance.now() - started,
      attempt,
      outcome,
      errorKind,
    });
  }
}

function isConnectionRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if ((current as { code?: unknown }).code === 'ECONNREFUSED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
