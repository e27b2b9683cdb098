import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import {
  ErrorResponse,
  IdentifyResponse,
  IdParams,
  NextShiftResponse,
  PeopleResponse,
  ShiftsResponse,
} from './schemas.ts';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-08');
const ShiftsQuery = z
  .object({ date: Day.optional(), from: Day.optional(), to: Day.optional() })
  .strict()
  .refine((q) => q.date === undefined || (q.from === undefined && q.to === undefined), {
    message: 'give either date or from and to, not both',
    path: ['date'],
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: 'give both from and to',
    path: ['from'],
  });

const bad = { description: 'the request is not valid; the error names the field', schema: ErrorResponse };
const notFound = { description: 'no such person in the mirror', schema: ErrorResponse };

/** The mirror's RangeErrors (a bad phone, an empty name, a bad day) are the caller's to fix. */
function asBadRequest<T>(fn: () => T, field: string): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RangeError)
      throw new ApiError(400, 'invalid_request', `${field}: ${error.message}`, field);
    throw error;
  }
}

async function shiftsOf(
  ctx: Parameters<ApiRoute['handler']>[0],
  who: 'caregiver' | 'client',
  query: z.output<typeof ShiftsQuery>,
  id: string,
) {
  if (!ctx.app.mirror.person(who, id)) {
    throw new ApiError(
      404,
      'not_found',
      `there is no ${who} ${id} in the local mirror (run a sync if it is new)`,
      'id',
    );
  }
  const result = await asBadRequest(
    () =>
      ctx.app.mirror.shifts({ ...(who === 'caregiver' ? { caregiverId: id } : { clientId: id }), ...query }),
    'date',
  );
  ctx.audit([id, ...result.shifts.flatMap((s) => [s.client.id, s.caregiver?.id])]);
  return { body: result };
}

export const peopleRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/identify',
    scope: 'read',
    tag: 'people',
    summary: 'Who is calling: everyone holding this phone number (any US format), active first',
    query: z.object({ phone: z.string().min(1).max(40) }).strict(),
    responses: { 200: { description: 'the matches (maybe none)', schema: IdentifyResponse }, 400: bad },
    audited: true,
    async handler(ctx) {
      const result = asBadRequest(() => ctx.app.mirror.identify(ctx.query.phone), 'phone');
      ctx.audit(result.matches.flatMap((m) => [m.id, m.client?.id]));
      return { body: result };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/people',
    scope: 'read',
    tag: 'people',
    summary: 'Find caregivers, applicants, clients, prospects or family by name (accents and case ignored)',
    query: z
      .object({
        name: z.string().min(1).max(100),
        kind: z.enum(['caregiver', 'applicant', 'client', 'prospect', 'family']).optional(),
        limit: z.coerce.number().int().min(1).max(100).optional(),
      })
      .strict(),
    responses: { 200: { description: 'people whose name matches', schema: PeopleResponse }, 400: bad },
    audited: true,
    async handler(ctx) {
      const { name, kind, limit } = ctx.query;
      const people = asBadRequest(
        () => ctx.app.mirror.searchPeople(name, { ...(kind ? { kinds: [kind] } : {}), limit: limit ?? 20 }),
        'name',
      );
      ctx.audit(people.map((p) => p.id));
      return { body: { people } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/caregivers/{id}/shifts',
    scope: 'read',
    tag: 'shifts',
    summary: "A caregiver's shifts on an agency-local day (default today) or from..to",
    params: IdParams,
    query: ShiftsQuery,
    responses: { 200: { description: 'the shifts', schema: ShiftsResponse }, 400: bad, 404: notFound },
    audited: true,
    handler: (ctx) => shiftsOf(ctx, 'caregiver', ctx.query, ctx.params.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/clients/{id}/shifts',
    scope: 'read',
    tag: 'shifts',
    summary: "A client's shifts (open ones included) on an agency-local day (default today) or from..to",
    params: IdParams,
    query: ShiftsQuery,
    responses: { 200: { description: 'the shifts', schema: ShiftsResponse }, 400: bad, 404: notFound },
    audited: true,
    handler: (ctx) => shiftsOf(ctx, 'client', ctx.query, ctx.params.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/caregivers/{id}/next-shift',
    scope: 'read',
    tag: 'shifts',
    summary: 'The shift the caregiver is in now, else the next one (state none when there is none)',
    params: IdParams,
    responses: {
      200: { description: 'the current or next shift', schema: NextShiftResponse },
      404: notFound,
    },
    audited: true,
    async handler(ctx) {
      const id = ctx.params.id;
      if (!ctx.app.mirror.person('caregiver', id)) {
        throw new ApiError(404, 'not_found', `there is no caregiver ${id} in the local mirror`, 'id');
      }
      const next = await ctx.app.mirror.currentOrNextShift(id);
      ctx.audit([id, next?.shift.client.id]);
      return { body: { caregiverId: id, state: next?.state ?? 'none', shift: next?.shift ?? null } };
    },
  }),
];
