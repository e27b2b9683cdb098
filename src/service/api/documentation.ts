import { z } from 'zod';
import { DocumentationRequest } from '../../documentation/intake.ts';
import { type HoldCode, REPLAYABLE_HOLDS } from '../../documentation/routing.ts';
import { ITEM_KINDS, ITEM_STATES } from '../../store/types.ts';
import { ApiError } from '../errors.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import { ErrorResponse, IdParams, ItemResponse, ItemsResponse, SubmitResponse } from './schemas.ts';

const ALL_HOLDS: HoldCode[] = [
  'no-visit',
  'visit-refused',
  'capability',
  'no-route',
  'configuration',
  'gave-up',
  'outcome-unknown',
];

const bad = { description: 'the request is not valid; the error names the field', schema: ErrorResponse };
const unprocessable = {
  description: 'well-formed but not acceptable (e.g. no such client in WellSky); the error names the field',
  schema: ErrorResponse,
};
const notFound = { description: 'no item with this id or idempotency key', schema: ErrorResponse };
const conflict = { description: 'the item is not in a state that allows this', schema: ErrorResponse };

export const SubmitBody = DocumentationRequest.extend({
  /** How long to wait for the first delivery attempt before answering (the item is stored either way). */
  waitMs: z.number().int().min(0).max(30_000).optional(),
});

const By = z.string().trim().min(1).max(100);

function subjectsOf(item: {
  clientId?: string | null;
  caregiverId?: string | null;
  prospectId?: string | null;
}) {
  return [item.clientId, item.caregiverId, item.prospectId];
}

export const documentationRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/documentation',
    scope: 'write',
    tag: 'documentation',
    summary: 'Submit a note, call-out record or office task; answers with the true state of the item',
    body: SubmitBody,
    responses: {
      201: { description: 'stored (and delivered, held or pending: see item.state)', schema: SubmitResponse },
      200: {
        description: 'this idempotency key was known: the existing item, unchanged',
        schema: SubmitResponse,
      },
      400: bad,
      422: unprocessable,
    },
    async handler(ctx) {
      const { waitMs, ...request } = ctx.body;
      const outcome = await ctx.app.docs.service.submit(request, { waitMs: waitMs ?? 0 });
      return { status: outcome.created ? 201 : 200, body: outcome };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/documentation',
    scope: 'read',
    tag: 'documentation',
    summary: 'The documentation queue, newest first, filtered by state and kind',
    query: z
      .object({
        state: z.enum(ITEM_STATES).optional(),
        kind: z.enum(ITEM_KINDS).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
        before: z.string().max(100).optional(),
      })
      .strict(),
    responses: { 200: { description: 'the items (without their text)', schema: ItemsResponse }, 400: bad },
    audited: true,
    async handler(ctx) {
      const { state, kind, limit, before } = ctx.query;
      const items = await ctx.app.docs.service.list({
        ...(state ? { state } : {}),
        ...(kind ? { kind } : {}),
        ...(before ? { before } : {}),
        limit: limit ?? 50,
      });
      ctx.audit(items.flatMap(subjectsOf));
      return { body: { items } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/documentation/{id}',
    scope: 'read',
    tag: 'documentation',
    summary: 'One item by id or idempotency key, with its text and attempt history',
    params: z.object({ id: z.string().min(1).max(200) }),
    responses: { 200: { description: 'the item', schema: ItemResponse }, 404: notFound },
    audited: true,
    async handler(ctx) {
      const item = await ctx.app.docs.service.get(ctx.params.id);
      if (!item)
        throw new ApiError(404, 'not_found', `there is no documentation item ${ctx.params.id}`, 'id');
      ctx.audit(subjectsOf(item));
      return { body: { item } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/documentation/{id}/retry',
    scope: 'write',
    tag: 'documentation',
    summary: 'A person checked WellSky and wants this held item sent (again)',
    params: IdParams,
    body: z.object({ by: By }).strict(),
    responses: {
      200: { description: 'the item, pending again', schema: ItemResponse },
      400: bad,
      404: notFound,
      409: conflict,
    },
    async handler(ctx) {
      const current = await ctx.app.docs.service.get(ctx.params.id);
      if (!current)
        throw new ApiError(404, 'not_found', `there is no documentation item ${ctx.params.id}`, 'id');
      if (current.state !== 'held') {
        throw new ApiError(
          409,
          'conflict',
          `item ${current.id} is ${current.state}, not held, so there is nothing to retry`,
          'id',
        );
      }
      return { body: { item: await ctx.app.docs.service.retry(current.id, ctx.body.by) } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/documentation/{id}/resolve',
    scope: 'write',
    tag: 'documentation',
    summary: 'Close a held or failed item by hand: entered in WellSky by a person, or dismissed',
    params: IdParams,
    body: z
      .object({
        comment: z.string().trim().min(1).max(1000),
        by: By,
        outcome: z.enum(['entered-in-wellsky', 'dismissed']),
        wellskyId: z.string().regex(/^\d+$/, 'must be a numeric WellSky id').optional(),
      })
      .strict(),
    responses: {
      200: { description: 'the item, resolved', schema: ItemResponse },
      400: bad,
      404: notFound,
      409: conflict,
    },
    async handler(ctx) {
      const current = await ctx.app.docs.service.get(ctx.params.id);
      if (!current)
        throw new ApiError(404, 'not_found', `there is no documentation item ${ctx.params.id}`, 'id');
      const { wellskyId, ...rest } = ctx.body;
      const item = await ctx.app.docs.service.resolve(current.id, {
        ...rest,
        ...(wellskyId ? { wellskyId } : {}),
      });
      return { body: { item } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/documentation/replay',
    scope: 'admin',
    tag: 'documentation',
    summary: 'Send held items again: those a change can lift, or every held item with allHeld',
    body: z.object({ allHeld: z.boolean().optional() }).strict(),
    responses: { 200: { description: 'the items now pending', schema: ItemsResponse }, 400: bad },
    async handler(ctx) {
      const items = await ctx.app.docs.service.replayHeld(ctx.body.allHeld ? ALL_HOLDS : REPLAYABLE_HOLDS);
      return { body: { items } };
    },
  }),
];
