import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { SkybridgeApp } from '../../runtime/app.ts';
import type { AuditLog } from '../audit.ts';
import type { ApiKey, KeyRepo, KeyScope } from '../keys.ts';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

export interface HandlerContext<P, Q, B> {
  app: SkybridgeApp;
  params: P;
  query: Q;
  body: B;
  key: ApiKey | null;
  auditLog: AuditLog;
  keys: KeyRepo;
  /** Ids of the clients/caregivers/family whose data this answer holds, for the audit log. */
  audit(subjectIds: Iterable<string | null | undefined>): void;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface Answer {
  status?: number;
  body: unknown;
}

/**
 * One API route, declared once: the zod schemas here validate the request and are what `/openapi.json`
 * documents, so the document cannot drift from what the server accepts.
 */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI form: `/api/v1/caregivers/{id}/shifts`. */
  path: string;
  /** The smallest key scope allowed; null = open. */
  scope: KeyScope | null;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Every status this route answers with, besides the auth and server errors added for all. */
  responses: Record<number, ResponseSpec>;
  /** A larger request body than the server default (documents carry files). */
  bodyLimit?: number;
  /** Whether reads through this route are written to the audit log (client or caregiver data). */
  audited?: boolean;
  handler(context: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<Answer>;
}

export type ApiRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export function defineRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(spec: RouteSpec<P, Q, B>): ApiRoute {
  return spec as unknown as ApiRoute;
}

/** `/a/{id}/b` → `/a/:id/b` (fastify's form). */
export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
