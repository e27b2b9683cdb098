import type { z } from 'zod';
import type { SimState } from './state.ts';
import type { Capability } from './types.ts';

/** What a handler answers. `drop` destroys the socket without an answer (fault injection). */
export type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'html'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'drop' };

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };
}

export function html(status: number, body: string): Reply {
  return { kind: 'html', status, body };
}

/** Thrown by handlers to answer early; the server turns it into the reply. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`simulated HTTP ${'status' in reply ? reply.status : 'drop'}`);
  }
}

export function fail(status: number, body: unknown): HttpError {
  return new HttpError(json(status, body));
}

/** Facts §4.1 #11 [D]: route exists, id unknown. */
export function notFound(): HttpError {
  return fail(404, { error: 'Resource not found' });
}

export function badRequest(message: string): HttpError {
  return fail(400, { error: message });
}

/** Facts §4.1 #6 [V]: the vendor backend's HTML error page (Django-style). */
export const SERVER_ERROR_HTML =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n';

export function serverErrorPage(): Reply {
  return html(500, SERVER_ERROR_HTML);
}

/** Facts §4.1 #12 [D]: `{"error":"Validation failed: birthDate is required"}`. */
export function validationFailed(issues: readonly z.core.$ZodIssue[]): HttpError {
  const first = issues[0];
  const path = first?.path.join('.') || 'body';
  const missing = first?.code === 'invalid_type' && /received undefined/.test(first.message);
  return fail(422, {
    error: `Validation failed: ${missing ? `${path} is required` : `${path}: ${first?.message ?? 'invalid'}`}`,
  });
}

export function parseWith<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw validationFailed(result.error.issues);
  return result.data;
}

export interface Ctx {
  state: SimState;
  params: Record<string, number>;
  query: URLSearchParams;
  body: unknown;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Literal path; `{name}` segments match digits only (facts §2.1: routes match literally). */
  path: string;
  capability: Capability;
  handler: Handler;
  /** Routes that exist only under a quirk switch. */
  enabled?: (state: SimState) => boolean;
}

export function route(
  method: RouteDef['method'],
  path: string,
  capability: Capability,
  handler: Handler,
  enabled?: (state: SimState) => boolean,
): RouteDef {
  return enabled ? { method, path, capability, handler, enabled } : { method, path, capability, handler };
}

/** A JSON object body, or 400 when the caller sent something else. */
export function objectBody(ctx: Ctx): Record<string, unknown> {
  const body = ctx.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
  return body as Record<string, unknown>;
}
