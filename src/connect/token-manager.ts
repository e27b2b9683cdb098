import type { ConnectConfig } from './config.ts';
import { ConnectError, classifyResponse } from './errors.ts';
import { ROUTES } from './routes.ts';
import { TokenResponse } from './wire/token.ts';

export interface TokenInfo {
  /** When WellSky says it issued the token (ms since epoch). */
  issuedAt: number;
  /** When this client treats it as expired (issued + lifetime). */
  expiresAt: number;
  lifetimeSeconds: number;
  tokenType: string;
}

interface CachedToken extends TokenInfo {
  value: string;
  refreshAt: number;
}

export interface TokenManagerOptions {
  config: Pick<ConnectConfig, 'baseUrl' | 'clientId' | 'clientSecret' | 'timeoutMs' | 'refreshAheadMs'>;
  fetch?: typeof fetch;
  now?: () => number;
  onTokenRequest?: () => void;
}

const TOKEN_PATH = ROUTES.token.split(' ')[1]!;

/**
 * Client-credentials tokens (facts §1.2–1.4). There is no refresh token: ahead of expiry, ask again.
 * One request in flight at a time: a thousand concurrent callers share one token request.
 */
export class TokenManager {
  private cached: CachedToken | undefined;
  private inFlight: Promise<CachedToken> | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: TokenManagerOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** A token good for at least the refresh margin, fetching one if needed. */
  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAt) return cached.value;
    return (await this.refresh()).value;
  }

  /** Forget `token` if it is still the cached one (after WellSky answered 401 to it). */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  info(): TokenInfo | undefined {
    if (!this.cached) return undefined;
    const { value: _value, refreshAt: _refreshAt, ...info } = this.cached;
    return info;
  }

  private refresh(): Promise<CachedToken> {
    if (!this.inFlight) {
      this.inFlight = this.request().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async request(): Promise<CachedToken> {
    const { baseUrl, clientId, clientSecret, timeoutMs, refreshAheadMs } = this.options.config;
    const url = `${baseUrl}${TOKEN_PATH}`;
    this.options.onTokenRequest?.();
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new ConnectError(
        timedOut ? 'timeout' : 'network',
        timedOut
          ? `no answer from ${new URL(url).host} within ${timeoutMs} ms`
          : `cannot reach ${new URL(url).host}`,
        { method: 'POST', route: TOKEN_PATH, cause },
      );
    }
    const body = await response.text();
    if (response.status !== 200) {
      const error = classifyResponse({
        status: response.status,
        method: 'POST',
        route: TOKEN_PATH,
        path: TOKEN_PATH,
        host: new URL(url).host,
        body,
        retryAfter: response.headers.get('retry-after'),
      });
      // Any refusal at the token endpoint is a credentials verdict (facts §1.2), whatever the status.
      if (response.status === 404 && error.kind !== 'legacy-host') {
        throw new ConnectError(
          'not-found',
          `no token endpoint at ${new URL(url).host}${TOKEN_PATH}: WELLSKY_BASE_URL must be the Connect host (https://connect.clearcareonline.com); the decommissioned api.clearcareonline.com answers 404 everywhere`,
          { status: 404, method: 'POST', route: TOKEN_PATH },
        );
      }
      if (response.status === 400 || response.status === 401 || error.kind === 'permission-refused') {
        throw new ConnectError(
          'authentication',
          'WellSky refused the client credentials; check WELLSKY_CLIENT_ID and WELLSKY_CLIENT_SECRET',
          { status: response.status, method: 'POST', route: TOKEN_PATH, serverMessage: error.serverMessage },
        );
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (cause) {
      throw new ConnectError('invalid-response', 'the token endpoint answered something that is not JSON', {
        status: 200,
        method: 'POST',
        route: TOKEN_PATH,
        cause,
      });
    }
    const parsed = TokenResponse.safeParse(json);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw new ConnectError('invalid-response', `the token response lacks or mistypes: ${fields}`, {
        status: 200,
        method: 'POST',
        route: TOKEN_PATH,
      });
    }
    const t = parsed.data;
    // Count the lifetime from our own clock: the server's issued_at may be skewed from ours.
    const received = this.now();
    const lifetimeMs = t.expires_in * 1000;
    const margin = Math.min(refreshAheadMs, lifetimeMs / 10);
    const token: CachedToken = {
      value: t.access_token,
      issuedAt: t.issued_at * 1000,
      expiresAt: received + lifetimeMs,
      lifetimeSeconds: t.expires_in,
      tokenType: t.token_type,
      refreshAt: received + lifetimeMs - margin,
    };
    this.cached = token;
    return token;
  }
}
