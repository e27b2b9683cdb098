import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { IntakeError } from '../documentation/intake.ts';
import { OperationError } from '../operations/errors.ts';
import type { SkybridgeApp } from '../runtime/app.ts';
import { TransitionRefusedError } from '../store/errors.ts';
import { servingRequest } from '../store/request-lane.ts';
import { createWebhookHandler, type WebhookHandler } from '../sync/webhooks.ts';
import { apiRoutes } from './api/index.ts';
import { type ApiRoute, fastifyPath, type HandlerContext } from './api/route.ts';
import { HealthResponse, ReadyResponse } from './api/schemas.ts';
import { AuditLog } from './audit.ts';
import { authorize } from './auth.ts';
import { ApiError, errorBody, fromZod } from './errors.ts';
import { defaultExtensions, type ServiceContext, type ServiceExtension } from './extensions.ts';
import { KeyRepo } from './keys.ts';
import { HttpMetrics } from './metrics.ts';
import { type ExtraPath, openApiDocument } from './openapi.ts';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from './settings.ts';

export const WELLSKY_HEADER = 'x-skybridge-wellsky';
/** Large enough for the longest note (about 25,000 characters) in JSON; anything bigger is a mistake. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

export interface ServerOptions {
  /** A pino logger (see logger.ts), or false for none (tests that do not look at logs). */
  logger?: Logger | false;
  bodyLimit?: number;
  /** `SKYBRIDGE_WEBHOOK_SECRET`; without it the webhook route answers 503. */
  webhookSecret?: string | undefined;
  keys?: KeyRepo;
  auditLog?: AuditLog;
  /** The embedded store's audit spool folder (see audit-spool.ts), for the default audit log. */
  auditSpoolDir?: string;
  /** Default: `defaultExtensions` (MCP, dashboard). */
  extensions?: ServiceExtension[];
  version?: string;
  /** `SKYBRIDGE_RATE_LIMIT`; 0 turns the limit off. Default `DEFAULT_RATE_LIMIT_PER_MINUTE`. */
  rateLimitPerMinute?: number;
}

export interface SkybridgeServer extends FastifyInstance {
  skybridge: ServiceContext & { webhook: WebhookHandler | undefined; metrics: HttpMetrics };
}

/**
 * One log line per request, written when it is answered (what was asked, the route, the status, the time),
 * instead of fastify's two ("incoming request", then "request completed"): at 1,000 requests a second the
 * first line cost about a tenth of the service's time and said nothing the second does not.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

const OPEN_PATHS: ExtraPath[] = [
  {
    method: 'get',
    path: '/healthz',
    tag: 'health',
    scope: null,
    summary: 'The process answers',
    responses: { 200: { description: 'alive', schema: HealthResponse } },
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'health',
    scope: null,
    summary: 'Ready to serve: capabilities measured, first sync done, worker running',
    responses: {
      200: { description: 'ready', schema: ReadyResponse },
      503: { description: 'still starting or shutting down', schema: ReadyResponse },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'health',
    scope: null,
    summary: 'Prometheus metrics (no PHI: route templates and counts only)',
    responses: { 200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'health',
    scope: null,
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string() }) } },
  },
  {
    method: 'post',
    path: '/webhooks/wellsky',
    tag: 'webhooks',
    scope: null,
    summary:
      "WellSky's change notifications; checks the subscription's shared-secret header, answers at once",
    responses: {
      200: {
        description: 'queued; the record is re-read in the background',
        schema: z.looseObject({ ok: z.boolean() }),
      },
      400: { description: 'not a notification', schema: z.looseObject({ ok: z.boolean() }) },
      401: {
        description: 'wrong or missing secret; nothing changed',
        schema: z.looseObject({ ok: z.boolean() }),
      },
      503: { description: 'SKYBRIDGE_WEBHOOK_SECRET is not set', schema: z.looseObject({ ok: z.boolean() }) },
    },
  },
];

/**
 * The gateway's HTTP server over a built `SkybridgeApp`: the `/api/v1` routes (one table, validated and
 * documented from the same zod schemas), health, metrics, OpenAPI, the WellSky webhook and the
 * extensions (MCP, dashboard). It does not start the app or listen; `serve` does.
 */
export function buildServer(app: SkybridgeApp, options: ServerOptions = {}): SkybridgeServer {
  const server = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Request ids from clients are not trusted into logs.
    requestIdHeader: false,
    logController: new OneLinePerRequest(),
    return503OnClosing: true,
    // Errors fastify finds before any route (a malformed URL) answer in the API's own shape, without
    // quoting the URL back.
    frameworkErrors: (error, _request, reply) => {
      const message =
        error.code === 'FST_ERR_BAD_URL'
          ? 'the URL is not valid: a percent sign must start an escape of two hex digits (like %20); send a literal % as %25'
          : 'the request could not be routed; check the method and the path';
      void (reply as unknown as FastifyReply).code(400).send(errorBody('invalid_request', message, 'path'));
    },
  }) as unknown as SkybridgeServer;
  // The API takes JSON: a text body gets 415 and says so, instead of failing validation as a string.
  server.removeContentTypeParser('text/plain');
  const keys = options.keys ?? new KeyRepo(app.store);
  const auditLog =
    options.auditLog ??
    new AuditLog(
      app.store,
      undefined,
      undefined,
      options.auditSpoolDir === undefined ? undefined : { dir: options.auditSpoolDir },
    );
  server.addHook('onClose', () => auditLog.close());
  const metrics = new HttpMetrics(app);
  const webhook = webhookHandler(app, options, server);
  const context: ServiceContext = { app, keys, auditLog };
  server.decorate('skybridge', { ...context, webhook, metrics });
  server.decorateRequest('apiKey', null);

  const started = new WeakMap<FastifyRequest, bigint>();
  server.addHook('onRequest', async (request) => {
    started.set(request, process.hrtime.bigint());
    const scope = request.routeOptions.config?.scope;
    if (scope) await authorize(keys, request, scope);
  });
  // Every answer, errors and 404s included, says whether this is the demo or the real WellSky.
  server.addHook('onSend', async (_request, reply) => {
    reply.header(WELLSKY_HEADER, app.mode === 'simulated' ? 'simulated' : 'live');
  });
  server.addHook('onResponse', async (request, reply) => {
    const t0 = started.get(request);
    const seconds = t0 === undefined ? 0 : Number(process.hrtime.bigint() - t0) / 1e9;
    metrics.observe(request.method, request.routeOptions.url ?? '(unmatched)', reply.statusCode, seconds);
  });
  server.setErrorHandler(async (error: FastifyError, request, reply) => answerError(error, request, reply));
  server.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          'not_found',
          `there is no ${request.method} ${request.url.split('?')[0]}; the API is described at /openapi.json`,
        ),
      ),
  );

  const extensions = options.extensions ?? defaultExtensions;
  const document = serviceDocument(extensions, options.version);

  // Both plugins hook every route declared after them, so the routes live in a plugin registered next.
  registerGuards(server, options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE);
  server.register(async (root) => {
    // Probes and scrapes carry no key and come every few seconds from one address: a lowered request
    // limit must not turn a healthy service "down" for its orchestrator or its monitoring.
    const probe = { config: { rateLimit: false } } as const;
    root.get('/healthz', probe, async () => ({ ok: true, mode: app.mode }));
    root.get('/readyz', probe, async (_request, reply) =>
      reply.code(app.ready ? 200 : 503).send({ ready: app.ready, mode: app.mode }),
    );
    root.get('/metrics', probe, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );
    root.get('/openapi.json', async () => document);

    // The webhook gets its own context: WellSky's body is read as text whatever its content type, so a
    // malformed body reaches the secret check (401) instead of failing in a JSON parser first.
    root.register(async (child) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      child.post('/webhooks/wellsky', async (request, reply) => {
        if (!webhook) {
          return reply.code(503).send({
            ok: false,
            error: 'the webhook receiver is not configured: set SKYBRIDGE_WEBHOOK_SECRET (16+ characters)',
          });
        }
        const answer = webhook({ headers: request.headers, body: request.body ?? '' });
        return reply.code(answer.status).send(answer.body);
      });
    });

    for (const route of apiRoutes) registerApiRoute(root, route, context);
    for (const extension of extensions) {
      root.register(async (child) => extension.register(child, context));
    }
  });
  server.addHook('onClose', async () => {
    await webhook?.idle();
  });
  return server;
}

/** The service's `/openapi.json`: the route table, the open paths and the extensions' paths. */
export function serviceDocument(extensions: ServiceExtension[] = defaultExtensions, version = '0.1.0') {
  return openApiDocument(apiRoutes, [...OPEN_PATHS, ...extensions.flatMap((e) => e.paths ?? [])], version);
}

/**
 * The Content-Security-Policy the dashboard passes: scripts and styles only from files this service
 * serves (no inline code, no CDN), API calls to this origin only, and no framing (clickjacking).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Security headers on every answer, and the per-key request limit (429 with Retry-After). */
function registerGuards(server: FastifyInstance, perMinute: number): void {
  server.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // The API is called from other origins' servers, never embedded by pages of other sites.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // As the CSP's frame-ancestors 'none' says, for browsers that only read the older header.
    frameguard: { action: 'deny' },
  });
  if (perMinute <= 0) return;
  server.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // After the key check (onRequest), so the budget is the key's, whatever address it calls from.
    hook: 'preHandler',
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `too many requests: ${request.apiKey ? `key "${request.apiKey.name}"` : 'this address'} may make ` +
          `${context.max} a minute; try again in ${context.after} (Retry-After says when)`,
      ),
  });
}

function webhookHandler(
  app: SkybridgeApp,
  options: ServerOptions,
  server: FastifyInstance,
): WebhookHandler | undefined {
  if (!options.webhookSecret) return undefined;
  return createWebhookHandler({
    secret: options.webhookSecret,
    refresh: (refs) => app.sync.refresh(refs),
    onApplied: () => app.mirror.reload(),
    onError: (error) => server.log.error({ err: error }, 'webhook refresh failed'),
  });
}

function parse<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: 'query' | 'body' | 'path',
): z.output<T> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error, where);
  return result.data;
}

/**
 * The dotted path of the first key or string under `value` holding a NUL character, or undefined. No
 * field of the API has a use for one, and PostgreSQL cannot store it: refused here, it is a 400 naming
 * the field instead of a failure deep in the store. Iterative, so deeply nested JSON cannot overflow.
 */
export function nulPath(value: unknown, where: string): string | undefined {
  const stack: [unknown, string][] = [[value, where]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const childPath = path === where ? k : `${path}.${k}`;
        if (k.includes('\u0000')) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

function refuseNul(request: FastifyRequest): void {
  for (const [where, value] of [
    ['path', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const field = nulPath(value, where);
    if (field !== undefined) {
      throw new ApiError(
        400,
        'invalid_request',
        `${field}: contains a NUL character (\\u0000), which no field accepts; remove it`,
        field,
      );
    }
  }
}

function registerApiRoute(server: FastifyInstance, route: ApiRoute, context: ServiceContext) {
  server.route({
    method: route.method,
    url: fastifyPath(route.path),
    ...(route.scope ? { config: { scope: route.scope } } : {}),
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    handler: async (request, reply) => {
      refuseNul(request);
      const subjects = new Set<string>();
      const ctx: HandlerContext<unknown, unknown, unknown> = {
        app: context.app,
        auditLog: context.auditLog,
        keys: context.keys,
        params: parse(route.params, request.params, 'path'),
        query: parse(route.query, request.query, 'query'),
        body: parse(route.body, request.body, 'body'),
        key: request.apiKey,
        audit(ids) {
          for (const id of ids) if (id) subjects.add(id);
        },
        request,
        reply,
      };
      // The embedded store serves a request's statements before queued background work's.
      const answer = await servingRequest(() => route.handler(ctx));
      const status = answer.status ?? 200;
      // Written before the answer leaves: a read the log does not hold is a read that did not happen.
      if (route.audited) {
        await context.auditLog.record({
          keyId: request.apiKey?.id ?? null,
          method: route.method,
          route: route.path,
          status,
          subjectIds: [...subjects],
        });
      }
      return reply.code(status).send(answer.body);
    },
  });
}

async function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) {
    return reply.code(error.status).send(errorBody(error.code, error.message, error.field));
  }
  if (error instanceof OperationError) {
    return reply.code(error.httpStatus).send(errorBody(error.code, error.message, error.field));
  }
  if (error instanceof IntakeError) {
    return reply.code(422).send(errorBody('unprocessable', error.message, error.field));
  }
  if (error instanceof TransitionRefusedError) {
    const status = error.reason === 'not-found' ? 404 : 409;
    return reply.code(status).send(errorBody(status === 404 ? 'not_found' : 'conflict', error.message, 'id'));
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status === 413) {
    return reply
      .code(413)
      .send(
        errorBody(
          'too_large',
          'the request body is larger than the service accepts: a note is at most about 25,000 characters, a document (POST /api/v1/documents) 10 MB',
        ),
      );
  }
  if (status === 415) {
    return reply
      .code(415)
      .send(errorBody('unsupported_media_type', 'send the body as JSON with Content-Type: application/json'));
  }
  if (status >= 400 && status < 500) {
    // fastify's parser answers the same error for both, so the message names both.
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(error.message)
        ? 'the body is not valid JSON, or it has a "__proto__" or "constructor.prototype" key (refused: no field takes one)'
        : error.message;
    return reply.code(status).send(errorBody('invalid_request', message, 'body'));
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .code(503 === status ? 503 : 500)
    .send(
      errorBody(
        'internal',
        'something went wrong inside Skybridge; the details are in the service log. GET an item again to see its true state',
      ),
    );
}
