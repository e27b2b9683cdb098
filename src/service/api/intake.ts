import { z } from 'zod';
import { DOCUMENT_MAX_BYTES, DocumentRequest } from '../../intake/documents.ts';
import { IntakeRequestError, IntakeUnavailableError } from '../../intake/errors.ts';
import { ApplicantRequest, ProspectRequest } from '../../intake/requests.ts';
import { INTAKE_KINDS, LINK_STATES } from '../../store/intake-types.ts';
import { ApiError } from '../errors.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import { ErrorResponse, SubmitResponse } from './schemas.ts';

const Candidate = z.object({
  wellskyId: z.string(),
  name: z.string(),
  matched: z.array(z.string()),
  promoted: z.boolean(),
});

export const IntakeAnswerResponse = z.object({
  outcome: z.enum(['created', 'updated', 'unchanged', 'linked', 'held']),
  kind: z.enum(INTAKE_KINDS),
  source: z.string(),
  externalId: z.string(),
  wellskyId: z.string().nullable(),
  stage: z.string(),
  status: z.number(),
  reason: z.string().optional(),
  candidates: z.array(Candidate).optional(),
});

const LinkView = z.looseObject({
  source: z.string(),
  externalId: z.string(),
  kind: z.enum(INTAKE_KINDS),
  state: z.enum(LINK_STATES),
  wellskyId: z.string().nullable(),
  origin: z.string().nullable(),
  stage: z.string().nullable(),
  reason: z.string().nullable(),
  candidates: z.array(Candidate).nullable(),
  marker: z.string(),
  attempts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const KeyParams = z.object({ source: z.string().min(1).max(40), externalId: z.string().min(1).max(100) });
const KindKeyParams = KeyParams.extend({ kind: z.enum(['prospects', 'applicants']) });

const err = (description: string) => ({ description, schema: ErrorResponse });
const bad = err('the request is not valid; the error names the field');
const refused = err(
  'refused: a Social Security number, an unknown stage, or WellSky refused the record; nothing was stored or sent',
);
const unavailable = err(
  'WellSky did not answer usefully now (or its answer to a create was lost); call again — Skybridge looks before creating, so nothing is duplicated',
);
const upsertResponses = {
  201: { description: 'created in WellSky', schema: IntakeAnswerResponse },
  200: {
    description:
      'updated, unchanged, linked to a person already in WellSky, or held for a person (see outcome)',
    schema: IntakeAnswerResponse,
  },
  400: bad,
  409: err('this id is already known as the other kind'),
  422: refused,
  503: unavailable,
};

/** The intake's errors as API errors, with the same words. */
function asApiError(error: unknown): unknown {
  if (error instanceof IntakeRequestError) {
    const code = { 400: 'invalid_request', 404: 'not_found', 409: 'conflict', 422: 'unprocessable' }[
      error.status
    ];
    return new ApiError(error.status, code, error.message, error.field);
  }
  if (error instanceof IntakeUnavailableError) return new ApiError(503, 'wellsky_unavailable', error.message);
  return error;
}

async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asApiError(error);
  }
}

function upsertRoute(kind: 'prospect' | 'applicant'): ApiRoute {
  return defineRoute({
    method: 'PUT',
    path: `/api/v1/intake/${kind}s/{source}/{externalId}`,
    scope: 'write',
    tag: 'intake',
    summary:
      kind === 'prospect'
        ? 'Create or update the WellSky prospect for a sales deal (matched before created; the stage sets the status)'
        : 'Create or update the WellSky applicant for a recruiting lead (hire makes a caregiver; skills and languages become profile tags)',
    params: KeyParams,
    // Loose here so the intake itself refuses unknown fields, and names a Social Security number as such.
    body: (kind === 'prospect' ? ProspectRequest : ApplicantRequest).loose(),
    responses: upsertResponses,
    async handler(ctx) {
      const answer = await answering(() => ctx.app.intake.service.upsert(kind, ctx.params, ctx.body));
      return { status: answer.outcome === 'created' ? 201 : 200, body: answer };
    },
  });
}

export const intakeRoutes: ApiRoute[] = [
  upsertRoute('prospect'),
  defineRoute({
    method: 'POST',
    path: '/api/v1/intake/prospects/{source}/{externalId}/convert',
    scope: 'write',
    tag: 'intake',
    summary: 'Make the prospect a client in WellSky (the convert stage of the prospect table)',
    params: KeyParams,
    responses: {
      200: { description: 'converted (or already a client)', schema: IntakeAnswerResponse },
      400: bad,
      404: err('no prospect with this source and id'),
      409: err('the prospect is not in WellSky yet (new or held)'),
      503: unavailable,
    },
    async handler(ctx) {
      return { body: await answering(() => ctx.app.intake.service.convert(ctx.params)) };
    },
  }),
  upsertRoute('applicant'),
  defineRoute({
    method: 'GET',
    path: '/api/v1/intake',
    scope: 'read',
    tag: 'intake',
    summary: 'Prospects and applicants brought in: held ones (with candidates) first',
    query: z
      .object({
        state: z.enum(LINK_STATES).optional(),
        kind: z.enum(INTAKE_KINDS).optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
      })
      .strict(),
    responses: {
      200: { description: 'the links', schema: z.object({ links: z.array(LinkView) }) },
      400: bad,
    },
    audited: true,
    async handler(ctx) {
      const links = await ctx.app.intake.service.list(ctx.query);
      ctx.audit(links.map((l) => l.wellskyId));
      return { body: { links } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/intake/{kind}/{source}/{externalId}',
    scope: 'read',
    tag: 'intake',
    summary: 'One prospect or applicant: its WellSky id, state and history',
    params: KindKeyParams,
    responses: {
      200: { description: 'the link with its history', schema: z.object({ link: LinkView }) },
      400: bad,
      404: err('not known'),
    },
    audited: true,
    async handler(ctx) {
      const link = await answering(() => ctx.app.intake.service.get(ctx.params));
      if (!link || `${link.kind}s` !== ctx.params.kind) {
        throw new ApiError(
          404,
          'not_found',
          `there is no ${ctx.params.kind.slice(0, -1)} ${ctx.params.source}/${ctx.params.externalId}`,
          'externalId',
        );
      }
      ctx.audit([link.wellskyId]);
      return { body: { link } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/intake/{kind}/{source}/{externalId}/choose',
    scope: 'write',
    tag: 'intake',
    summary: 'A person decides a held one: link it to a WellSky record, or create a new record',
    params: KindKeyParams,
    body: z
      .object({
        wellskyId: z.string().regex(/^\d+$/, 'must be a numeric WellSky id').optional(),
        createNew: z.literal(true).optional(),
        by: z.string().trim().min(1).max(100),
      })
      .strict()
      .refine((b) => Boolean(b.wellskyId) !== Boolean(b.createNew), {
        message: 'give exactly one of wellskyId or createNew: true',
        path: ['wellskyId'],
      }),
    responses: {
      200: { description: 'linked or created', schema: IntakeAnswerResponse },
      400: bad,
      404: err('not known'),
      409: err('not held'),
      422: refused,
      503: unavailable,
    },
    async handler(ctx) {
      const { wellskyId, by } = ctx.body;
      const choice = wellskyId ? { wellskyId } : ({ createNew: true } as const);
      return { body: await answering(() => ctx.app.intake.service.choose(ctx.params, choice, by)) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/documents',
    scope: 'write',
    tag: 'intake',
    summary:
      "Upload a client's, prospect's or caregiver's document (≤ 10 MB, base64 in `data`) through the documentation pipeline",
    body: DocumentRequest.extend({ waitMs: z.number().int().min(0).max(30_000).optional() }),
    // 10 MB of file is about 13.4 MB of base64, plus the JSON around it.
    bodyLimit: Math.ceil((DOCUMENT_MAX_BYTES * 4) / 3) + 64 * 1024,
    responses: {
      201: {
        description: 'stored (and delivered, held or pending: see item.state)',
        schema: SubmitResponse.omit({ sanitized: true }),
      },
      200: {
        description: 'this document was already known: the existing item, unchanged',
        schema: SubmitResponse.omit({ sanitized: true }),
      },
      400: bad,
      413: err('the body is larger than a 10 MB file in base64'),
      422: refused,
    },
    async handler(ctx) {
      const { waitMs, ...request } = ctx.body;
      const outcome = await answering(() =>
        ctx.app.intake.documents.submit(request, { waitMs: waitMs ?? 0 }),
      );
      ctx.audit([request.clientId, request.prospectId, request.caregiverId]);
      return { status: outcome.created ? 201 : 200, body: outcome };
    },
  }),
];
