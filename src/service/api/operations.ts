import { z } from 'zod';
import {
  CallOutInput,
  CandidatesInput,
  ClockInInput,
  ClockOutInput,
  clockIn,
  clockOut,
  listCallOuts,
  OperationError,
  rankCandidates,
  reportCallOut,
} from '../../operations/index.ts';
import { operationsOf } from '../../runtime/operations.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import {
  CallOutAmbiguousResponse,
  CallOutRecordedResponse,
  CallOutsResponse,
  CandidatesResponse,
  ClockResponse,
  ErrorResponse,
  IdParams,
} from './schemas.ts';

// The request schemas are the operations' own (src/operations): the shift id moves to the path, the
// rest of each schema is the body or query as is, so the library, CLI, HTTP and MCP accept the same.

const bothOrNeither = (v: { lat?: number | undefined; lon?: number | undefined }) =>
  (v.lat === undefined) === (v.lon === undefined);

const { shiftId: _in, ...clockInFields } = ClockInInput.shape;
export const ClockInBody = z
  .object(clockInFields)
  .strict()
  .refine(bothOrNeither, { message: 'give both lat and lon, or neither', path: ['lat'] });

const { shiftId: _out, ...clockOutFields } = ClockOutInput.shape;
export const ClockOutBody = z
  .object(clockOutFields)
  .strict()
  .refine(bothOrNeither, { message: 'give both lat and lon, or neither', path: ['lat'] });

const { shiftId: _candidates, ...candidatesFields } = CandidatesInput.shape;
export const CandidatesQuery = z.object(candidatesFields).strict();

const ShiftParams = IdParams.extend({
  id: z.string().regex(/^\d+$/, 'a WellSky shift id is a number'),
});

const error = (description: string) => ({ description, schema: ErrorResponse });
const bad = error('the request is not valid; the error names the field');
const noShift = error('no such shift (or caregiver) in the local mirror, or WellSky does not know it');
const conflict = error(
  'the shift is not in a state that allows this (open, already clocked out, not clocked in, over, not assigned)',
);
const rejected = error('WellSky rejected the request; its message is quoted');
const unavailable = error(
  'the mirror is empty (first sync not done) or WellSky did not answer properly; trying again is safe',
);

/** The operation's field names, as this API spells them (the shift id is the path's `id`). */
async function operation<T>(run: () => Promise<T>, pathField?: string): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof OperationError && pathField && e.field === 'shiftId') {
      throw new OperationError(e.code, e.message.replace(/^shiftId:/, `${pathField}:`), pathField);
    }
    throw e;
  }
}

export const operationsRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/shifts/{id}/clock-in',
    scope: 'write',
    tag: 'operations',
    summary:
      'Clock in (EVV) on a shift occurrence, at the caller’s time (default now) and position only if given; a repeat returns the same visit',
    params: ShiftParams,
    body: ClockInBody,
    responses: {
      200: {
        description: 'clocked in (repeated: true when it already was; nothing sent again)',
        schema: ClockResponse,
      },
      400: bad,
      403: error('WellSky refused the clock-in for these credentials'),
      404: noShift,
      409: conflict,
      422: rejected,
      503: unavailable,
    },
    audited: true,
    async handler(ctx) {
      const result = await operation(
        () => clockIn(operationsOf(ctx.app), { ...ctx.body, shiftId: ctx.params.id }),
        'id',
      );
      ctx.audit([result.shift.clientId, result.shift.caregiverId]);
      return { body: result };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/shifts/{id}/clock-out',
    scope: 'write',
    tag: 'operations',
    summary:
      'Clock out of the visit made for a shift occurrence, at the caller’s time (default now), position only if given, with an optional comment',
    params: ShiftParams,
    body: ClockOutBody,
    responses: {
      200: { description: 'clocked out', schema: ClockResponse },
      400: bad,
      403: error('WellSky refused the clock-out for these credentials'),
      404: noShift,
      409: conflict,
      422: rejected,
      503: unavailable,
    },
    audited: true,
    async handler(ctx) {
      const result = await operation(
        () => clockOut(operationsOf(ctx.app), { ...ctx.body, shiftId: ctx.params.id }),
        'id',
      );
      ctx.audit([result.shift.clientId, result.shift.caregiverId]);
      return { body: result };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/shifts/{id}/candidates',
    scope: 'read',
    tag: 'operations',
    summary:
      'Replacement candidates for a shift occurrence, ranked: points per component, tier, a reason line each, and the excluded caregivers with why',
    params: ShiftParams,
    query: CandidatesQuery,
    responses: {
      200: { description: 'the ranked candidates and the exclusions', schema: CandidatesResponse },
      400: bad,
      404: noShift,
      503: unavailable,
    },
    audited: true,
    async handler(ctx) {
      const result = await operation(
        () => rankCandidates(operationsOf(ctx.app), { ...ctx.query, shiftId: ctx.params.id }),
        'id',
      );
      ctx.audit([
        result.shift.clientId,
        result.shift.caregiverId,
        ...result.candidates.map((c) => c.caregiverId),
        ...result.excluded.map((e) => e.caregiverId),
      ]);
      return { body: result };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/callouts',
    scope: 'write',
    tag: 'operations',
    summary:
      'A caregiver calls out: resolve the shift (or answer the candidates, changing nothing), open it in WellSky when allowed, document it, notify staff, rank replacements',
    body: CallOutInput,
    responses: {
      201: { description: 'recorded: the true state of every step', schema: CallOutRecordedResponse },
      200: {
        description:
          'ambiguous (status "ambiguous": the shifts it may mean; nothing was changed), or reported before (repeated: true; nothing done again)',
        schema: z.union([CallOutAmbiguousResponse, CallOutRecordedResponse]),
      },
      400: bad,
      404: noShift,
      409: conflict,
      503: unavailable,
    },
    audited: true,
    async handler(ctx) {
      const result = await reportCallOut(operationsOf(ctx.app), ctx.body);
      if (result.status === 'ambiguous') {
        ctx.audit([result.caregiverId, ...result.shifts.map((s) => s.client.id)]);
        return { status: 200, body: result };
      }
      const candidates = 'candidates' in result.candidates ? result.candidates : null;
      ctx.audit([
        result.caregiverId,
        result.shift.client.id,
        ...(candidates?.candidates.map((c) => c.caregiverId) ?? []),
        ...(candidates?.excluded.map((e) => e.caregiverId) ?? []),
      ]);
      return { status: result.repeated ? 200 : 201, body: result };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/callouts',
    scope: 'read',
    tag: 'operations',
    summary:
      'Recent call-outs, newest first: shift, urgency, whether it was opened in WellSky, the office task, the staff notification',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }).strict(),
    responses: { 200: { description: 'the call-outs (ids and states)', schema: CallOutsResponse }, 400: bad },
    audited: true,
    async handler(ctx) {
      const items = await listCallOuts(operationsOf(ctx.app), { limit: ctx.query.limit ?? 50 });
      ctx.audit(items.flatMap((c) => [c.caregiverId, c.clientId]));
      return { body: { items } };
    },
  }),
];
