import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { type ApiKey, KEY_SCOPES, KeyError } from '../keys.ts';
import { type ApiRoute, defineRoute, type HandlerContext } from './route.ts';
import { ErrorResponse } from './schemas.ts';

// Keys over HTTP, for an admin key: the service holds the embedded database, so while it runs this is
// the way to manage keys (the CLI needs the store to itself).

const Key = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(KEY_SCOPES),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const KeysResponse = z.object({ keys: z.array(Key) });
export const CreatedKeyResponse = z.object({
  key: Key,
  token: z.string(),
  note: z.string(),
});
export const KeyResponse = z.object({ key: Key });

const bad = { description: 'the request is not valid; the error names the field', schema: ErrorResponse };

const KeyIdParams = z.object({ id: z.uuid('must be a key id (a UUID, as listed by GET /api/v1/keys)') });

async function liveAdmins(ctx: HandlerContext<unknown, unknown, unknown>): Promise<ApiKey[]> {
  return (await ctx.keys.list()).filter((k) => k.scope === 'admin');
}

export const keyRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/keys',
    scope: 'admin',
    tag: 'keys',
    summary: 'The API keys (never the keys themselves: name, scope, prefix, created, last used)',
    query: z
      .object({ includeRevoked: z.enum(['true', 'false']).optional() })
      .strict()
      .transform((q) => ({ includeRevoked: q.includeRevoked === 'true' })),
    responses: { 200: { description: 'the keys, oldest first', schema: KeysResponse }, 400: bad },
    audited: true,
    handler: async (ctx) => ({ body: { keys: await ctx.keys.list(ctx.query) } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/keys',
    scope: 'admin',
    tag: 'keys',
    summary: 'Create a key; the answer holds the key itself, shown this once and stored only as a hash',
    body: z
      .object({
        name: z.string().min(1).max(64),
        scope: z.enum(KEY_SCOPES),
      })
      .strict(),
    responses: {
      201: { description: 'created: keep `token` now, it cannot be shown again', schema: CreatedKeyResponse },
      400: bad,
      409: { description: 'a live key has this name already', schema: ErrorResponse },
    },
    audited: true,
    async handler(ctx) {
      try {
        const { key, token } = await ctx.keys.create(ctx.body.name, ctx.body.scope);
        ctx.reply.header('cache-control', 'no-store');
        return {
          status: 201,
          body: { key, token, note: 'this is the only time the key is shown; store it now' },
        };
      } catch (error) {
        if (error instanceof KeyError) {
          const status = /exists already/.test(error.message) ? 409 : 400;
          throw new ApiError(status, status === 409 ? 'conflict' : 'invalid_request', error.message, 'name');
        }
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/keys/{id}/revoke',
    scope: 'admin',
    tag: 'keys',
    summary: 'Revoke a key: it is refused from the next request on',
    params: KeyIdParams,
    body: z.object({}).strict().optional(),
    responses: {
      200: { description: 'revoked', schema: KeyResponse },
      400: bad,
      404: { description: 'no live key has this id', schema: ErrorResponse },
      409: { description: 'the last live admin key cannot be revoked', schema: ErrorResponse },
    },
    audited: true,
    async handler(ctx) {
      const keys = ctx.keys;
      const admins = await liveAdmins(ctx);
      if (admins.length === 1 && admins[0]!.id === ctx.params.id) {
        throw new ApiError(
          409,
          'conflict',
          'this is the last live admin key: create another admin key first, or nobody could manage keys',
          'id',
        );
      }
      const key = await keys.revoke(ctx.params.id);
      if (!key) throw new ApiError(404, 'not_found', `there is no live key with id ${ctx.params.id}`, 'id');
      return { body: { key } };
    },
  }),
];
