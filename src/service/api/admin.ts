import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import {
  AuditResponse,
  CapabilitiesResponse,
  ErrorResponse,
  SyncStatusResponse,
  SyncSummaryResponse,
} from './schemas.ts';

const bad = { description: 'the request is not valid; the error names the field', schema: ErrorResponse };

async function capabilityRows(ctx: Parameters<ApiRoute['handler']>[0]) {
  const service = ctx.app.docs.capabilities;
  if (!service) throw new ApiError(503, 'not_configured', 'no WellSky connection is configured');
  const rows = await service.rows();
  return {
    mode: ctx.app.mode,
    capabilities: rows.map((r) => ({ ...r, checkedAt: r.checkedAt.toISOString() })),
  };
}

export const adminRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/capabilities',
    scope: 'read',
    tag: 'capabilities',
    summary: 'The measured capability matrix: what these WellSky credentials may do',
    responses: { 200: { description: 'one row per capability', schema: CapabilitiesResponse } },
    handler: async (ctx) => ({ body: await capabilityRows(ctx) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/capabilities/refresh',
    scope: 'admin',
    tag: 'capabilities',
    summary: 'Probe WellSky again (safe probes only) and store the matrix',
    body: z.object({}).strict().optional(),
    responses: { 200: { description: 'the new matrix', schema: CapabilitiesResponse }, 400: bad },
    async handler(ctx) {
      await ctx.app.docs.capabilities?.refresh();
      return { body: await capabilityRows(ctx) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/sync',
    scope: 'read',
    tag: 'sync',
    summary: 'The last sync runs of the local mirror, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }).strict(),
    responses: { 200: { description: 'recent runs', schema: SyncStatusResponse }, 400: bad },
    async handler(ctx) {
      const rows = await ctx.app.store.db
        .selectFrom('sync_runs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(ctx.query.limit ?? 10)
        .execute();
      const runs = rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        startedAt: r.started_at.toISOString(),
        finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
        requests: r.requests,
        rateLimited: r.rate_limited,
        counts: r.counts,
        errors: r.errors,
        warnings: r.warnings,
      }));
      return { body: { ready: ctx.app.ready, runs } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/sync',
    scope: 'admin',
    tag: 'sync',
    summary: 'Run a sync now (incremental, or full with full: true) and answer with its summary',
    body: z.object({ full: z.boolean().optional() }).strict().optional(),
    responses: { 200: { description: 'the run summary', schema: SyncSummaryResponse }, 400: bad },
    async handler(ctx) {
      const summary = await ctx.app.runSync(undefined, ctx.body?.full);
      return { body: { summary } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/audit',
    scope: 'admin',
    tag: 'audit',
    summary: 'The audit log of reads of client and caregiver data, newest first (ids only)',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }).strict(),
    responses: { 200: { description: 'audit entries', schema: AuditResponse }, 400: bad },
    handler: async (ctx) => ({ body: { entries: await ctx.auditLog.recent(ctx.query.limit ?? 100) } }),
  }),
];
