import { z } from 'zod';
import type { ApiRoute } from './api/route.ts';
import { ErrorResponse } from './api/schemas.ts';
import type { KeyScope } from './keys.ts';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: { url: string; description: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
}

/** A path the server serves outside the route table (health, metrics, webhook, MCP, dashboard). */
export interface ExtraPath {
  method: 'get' | 'post';
  path: string;
  summary: string;
  tag: string;
  scope: KeyScope | null;
  responses: Record<number, { description: string; contentType?: string; schema?: z.ZodType }>;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Unrepresentable parts (transforms) fall back to `{}`: the document stays valid, the server still
  // validates with the zod schema itself.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };

function scopeResponses(scope: ExtraPath['scope']): Record<string, unknown> {
  if (!scope) return {};
  return {
    401: {
      description: 'no API key, or not a valid one',
      content: { 'application/json': { schema: ERROR_REF } },
    },
    403: {
      description: `this key's scope is too small: needs ${scope}`,
      content: { 'application/json': { schema: ERROR_REF } },
    },
  };
}

/**
 * Every operation can be refused for going too fast (the limit is per key, or per address without one),
 * so every operation documents its 429: this is also the one 4xx open routes such as /healthz have.
 */
const RATE_LIMITED = {
  429: {
    description:
      'too many requests from this key (or address) in a minute; Retry-After says when to try again',
    headers: {
      'Retry-After': {
        description: 'seconds until the next request is accepted',
        schema: { type: 'integer' },
      },
    },
    content: { 'application/json': { schema: ERROR_REF } },
  },
};

/** `get /api/v1/caregivers/{id}/shifts` → `getApiV1CaregiversIdShifts`: a stable name for client generators. */
export function operationId(method: string, path: string): string {
  return `${method.toLowerCase()}${path
    .replace(/[{}]/g, '')
    .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '')}`;
}

/** OpenAPI 3.1, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: ApiRoute[], extra: ExtraPath[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema
          ? { content: { 'application/json': { schema: jsonSchema(spec.schema, 'output') } } }
          : {}),
      };
    }
    Object.assign(responses, scopeResponses(route.scope), RATE_LIMITED);
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: operationId(route.method, route.path),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses,
      ...(route.scope ? { security: [{ apiKey: [] }], 'x-skybridge-scope': route.scope } : { security: [] }),
    };
    if (route.body) {
      operation.requestBody = {
        required: !route.body.safeParse(undefined).success,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation;
  }
  for (const e of extra) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(e.responses)) {
      const type = spec.contentType ?? 'application/json';
      responses[status] = {
        description: spec.description,
        ...(spec.schema ? { content: { [type]: { schema: jsonSchema(spec.schema, 'output') } } } : {}),
        ...(!spec.schema && spec.contentType ? { content: { [type]: { schema: { type: 'string' } } } } : {}),
      };
    }
    Object.assign(responses, scopeResponses(e.scope), RATE_LIMITED);
    paths[e.path] ??= {};
    paths[e.path]![e.method] = {
      summary: e.summary,
      tags: [e.tag],
      operationId: operationId(e.method, e.path),
      responses,
      ...(e.scope ? { security: [{ apiKey: [] }], 'x-skybridge-scope': e.scope } : { security: [] }),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Skybridge API',
      version,
      description:
        'Run a home-care agency on WellSky Personal Care. Every answer carries X-Skybridge-WellSky: ' +
        '`simulated` (the in-process demo agency) or `live`. Keys: `Authorization: Bearer sk_…`; scopes ' +
        'read < write < admin.',
      // package.json says UNLICENSED: private, not offered for reuse; SPDX spells that as a LicenseRef.
      license: { name: 'Proprietary, all rights reserved', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the document is served by the Skybridge it describes, whatever its host and port.
    servers: [{ url: '/', description: 'this Skybridge service' }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'a Skybridge API key (sk_…)' },
      },
      schemas: { Error: jsonSchema(ErrorResponse, 'output') },
    },
  };
}
