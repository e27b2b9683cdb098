import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import { type ApiKey, type KeyRepo, type KeyScope, scopeAllows } from './keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key that authorized this request; null on open routes. */
    apiKey: ApiKey | null;
  }
  interface FastifyContextConfig {
    /** The smallest key scope this route needs (read < write < admin); absent = open route. */
    scope?: KeyScope;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const value = request.headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * Finds the request's key and checks its scope: 401 without a key or with one that is not live, 403
 * when its scope is too small (the message says which scope is needed). Sets `request.apiKey`.
 */
export async function authorize(keys: KeyRepo, request: FastifyRequest, needed: KeyScope): Promise<ApiKey> {
  const token = bearer(request);
  if (!token) {
    throw new ApiError(
      401,
      'unauthorized',
      'this route needs an API key: send "Authorization: Bearer sk_…" (an admin creates one with `skybridge keys create --name NAME`)',
    );
  }
  const key = await keys.verify(token);
  if (!key) {
    throw new ApiError(
      401,
      'unauthorized',
      'this API key is not valid: it was revoked, mistyped or made for another Skybridge',
    );
  }
  if (!scopeAllows(key.scope, needed)) {
    throw new ApiError(
      403,
      'forbidden',
      `this route needs a key with the ${needed} scope; key "${key.name}" has ${key.scope}. Ask an administrator for ${needed === 'admin' ? 'an' : 'a'} ${needed} key`,
    );
  }
  request.apiKey = key;
  await keys.touch(key);
  return key;
}
