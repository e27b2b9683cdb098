import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorControl } from './control.ts';
import { handleControl } from './control-http.ts';
import { bearerToken, EXPLICIT_DENY, RouteTable, UNAUTHORIZED, unknownRoute } from './gateway.ts';
import { HttpError, html, json, type Reply, serverErrorPage } from './http.ts';
import { API_ROUTES } from './routes/index.ts';
import { issueToken } from './routes/token.ts';
import type { SimState } from './state.ts';

const MAX_BODY = 20 * 1024 * 1024;

/** Facts §1.1 [V]: the decommissioned host answers 404 for every path. */
const LEGACY_404 =
  '<!DOCTYPE html>\n<html>\n<head><title>Page Not Found</title></head>\n<body>\n<h1>Page Not Found</h1>\n<p>The page you requested could not be found.</p>\n</body>\n</html>\n';

interface Incoming {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: string;
}

/**
 * One request through the simulated AWS API Gateway in front of WellSky, in the gateway's order:
 * route lookup (unknown → 403, before any auth), authorizer (401 / explicit deny), throttling (429),
 * then the backend (faults, validation, data).
 */
export class SimServer {
  readonly http: Server;
  private readonly routes = new RouteTable(API_ROUTES);

  constructor(
    private readonly state: SimState,
    private readonly control: SimulatorControl,
  ) {
    this.http = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          this.send(res, json(500, { message: `simulator bug: ${(error as Error).message}` }));
      });
    });
    this.http.keepAliveTimeout = 5000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const incoming: Incoming = {
      method: req.method ?? 'GET',
      path: q >= 0 ? url.slice(0, q) : url,
      query: new URLSearchParams(q >= 0 ? url.slice(q + 1) : ''),
      headers: req.headers,
      raw: raw ?? '',
    };
    if (raw === undefined) {
      this.send(res, json(413, { message: 'Request Too Long' }));
      return;
    }
    if (incoming.path.startsWith('/__sim/')) {
      this.send(
        res,
        await handleControl(this.control, incoming.method, incoming.path, incoming.query, incoming.raw),
      );
      return;
    }
    const { routeId, reply } = await this.api(incoming);
    this.state.stats.record(routeId, reply.kind === 'drop' ? 'dropped' : reply.status);
    if (reply.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    this.send(res, reply);
  }

  private async api(r: Incoming): Promise<{ routeId: string; reply: Reply }> {
    const { state } = this;
    if (state.options.legacy) return { routeId: 'legacy', reply: html(404, LEGACY_404) };
    const delay = state.dice.delayMs(state.faults);
    if (delay > 0) await sleep(delay);
    if (state.dice.shouldDrop(state.faults)) return { routeId: 'dropped', reply: { kind: 'drop' } };

    if (r.method === 'POST' && r.path === '/oauth/accesstoken') {
      return { routeId: 'POST /oauth/accesstoken', reply: issueToken(state, parseBody(r) ?? {}) };
    }
    const authorization = r.headers.authorization;
    const matched = this.routes.match(r.method, r.path, state);
    if (!matched) return { routeId: 'unknown', reply: unknownRoute(authorization) };
    const { route, params } = matched;
    const done = (reply: Reply) => ({ routeId: route.id, reply });

    const token = bearerToken(authorization);
    if (!token || !state.tokens.isValid(token, state.nowMs(), state.tokenLifetimeSeconds()))
      return done(UNAUTHORIZED);
    state.stats.arrived();
    const client = state.tokens.clientOf(token) ?? token;
    if (!state.limiter.take(client, state.rateLimit) || state.dice.shouldThrottle(state.faults)) {
      const headers: Record<string, string> = { 'x-amzn-ErrorType': 'TooManyRequestsException' };
      if (state.faults.retryAfterSeconds !== null)
        headers['retry-after'] = String(state.faults.retryAfterSeconds);
      return done(json(429, { message: 'Too Many Requests' }, headers));
    }
    // Permission before body and id checks, so a probe with an empty body or id 0 tells
    // "refused" (403 explicit deny) from "permitted" (400/404/422).
    if (!state.permissions[route.capability]) return done(EXPLICIT_DENY);
    const injected = state.dice.serverError(state.faults);
    if (injected === 500) return done(serverErrorPage());
    if (injected === 502) return done(json(502, { message: 'Internal server error' }));
    if (injected === 503) return done(json(503, { message: 'Service Unavailable' }));

    let body: unknown;
    try {
      body = parseBody(r);
    } catch {
      return done(json(400, { error: 'Malformed JSON body' }));
    }
    try {
      const reply = await route.handler({ state, params, query: r.query, body });
      // Only writes: a lost answer matters where the effect stays behind.
      const isWrite = r.method !== 'GET' && !r.path.includes('/_search');
      if (isWrite && state.dice.shouldLoseResponse(state.faults)) return done({ kind: 'drop' });
      return done(reply);
    } catch (error) {
      if (error instanceof HttpError) return done(error.reply);
      throw error;
    }
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (reply.kind === 'drop') return;
    const payload = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.body;
    res.writeHead(reply.status, {
      'content-type': reply.kind === 'json' ? 'application/json' : 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }
}

/** JSON (`application/json` or `application/fhir+json`, facts §1.4) or form-encoded. */
function parseBody(r: Incoming): unknown {
  if (r.raw === '') return undefined;
  const type = String(r.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(r.raw));
  return JSON.parse(r.raw) as unknown;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
