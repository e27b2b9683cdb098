import { createHash } from 'node:crypto';
import { json, type Reply, type RouteDef } from './http.ts';
import type { SimState } from './state.ts';

export interface CompiledRoute extends RouteDef {
  /** `GET /v1/patients/{id}/`: how stats name the route. */
  id: string;
  regex: RegExp;
  names: string[];
}

/**
 * The deployed resource+method table. Matching is literal — case, plurality, trailing slash and method
 * all count — exactly like AWS API Gateway (facts §2.1 [V]).
 */
export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(defs: readonly RouteDef[]) {
    this.routes = defs.map((def) => {
      const names: string[] = [];
      const pattern = def.path
        .split(/(\{[a-zA-Z]+\})/)
        .map((part) => {
          const m = /^\{([a-zA-Z]+)\}$/.exec(part);
          if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1] as string);
          return '(\\d+)';
        })
        .join('');
      return { ...def, id: `${def.method} ${def.path}`, regex: new RegExp(`^${pattern}$`), names };
    });
  }

  match(
    method: string,
    path: string,
    state: SimState,
  ): { route: CompiledRoute; params: Record<string, number> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.enabled && !route.enabled(state)) continue;
      const params: Record<string, number> = {};
      route.names.forEach((name, i) => {
        params[name] = Number(m[i + 1]);
      });
      return { route, params };
    }
    return undefined;
  }

  all(): readonly CompiledRoute[] {
    return this.routes;
  }
}

/**
 * Facts §4.1 #1/#2 [V]: an unknown route never reaches an authorizer. With an Authorization header the
 * gateway tries to read it as a SigV4 credential and prints a digest of it; without one it says
 * "Missing Authentication Token". The digest input is unknown (facts §4.1); we use the full header value.
 */
export function unknownRoute(authorization: string | undefined): Reply {
  if (authorization === undefined) {
    return json(
      403,
      { message: 'Missing Authentication Token' },
      { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
    );
  }
  const digest = createHash('sha256').update(authorization, 'utf8').digest('base64');
  return json(
    403,
    {
      message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest}'.`,
    },
    { 'x-amzn-ErrorType': 'IncompleteSignatureException' },
  );
}

/** Facts §1.4 [V]: exactly `Bearer <token>` — the word Bearer, one space. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer ([^\s=]+)$/.exec(authorization ?? '');
  return m?.[1];
}

export const UNAUTHORIZED: Reply = json(
  401,
  { message: 'Unauthorized' },
  { 'x-amzn-ErrorType': 'UnauthorizedException' },
);

/** The authorizer's explicit deny; note the capital `Message` of the stock AWS body. */
export const EXPLICIT_DENY: Reply = json(
  403,
  { Message: 'User is not authorized to access this resource with an explicit deny' },
  { 'x-amzn-ErrorType': 'AccessDeniedException' },
);
