import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createMcpServer } from '../../src/service/mcp/index.ts';
import type { EngineFactory } from '../helpers/stores.ts';
import { serviceFixture, WEBHOOK_SECRET } from './fixture.ts';
import {
  hostileString,
  type JsonSchema,
  malformedBody,
  UNSAFE_IN_MESSAGES,
  wrongValue,
} from './fuzz-inputs.ts';
import { newClient } from './mcp-helpers.ts';

// Property-based fuzzing generated from what the service publishes: every operation of /openapi.json
// gets malformed and hostile bodies, path ids, query values and headers; every MCP tool gets arguments
// of the wrong type. Whatever arrives: a 4xx (or a tool error) with a message a person can read, never
// a 5xx, and nothing stored. The seed is fixed so a failure replays; the counts are printed.
const SEED = 20261129;
const RUNS = { body: 10, path: 5, query: 5, header: 3, tool: 10 };

/** Tables a request could write; an answer of 4xx must leave every one as it was. */
const WRITTEN = [
  'documentation_items',
  'call_outs',
  'shift_visits',
  'api_keys',
  'inbound_messages',
  'intake_links',
  'fill_campaigns',
];

interface Operation {
  parameters?: { name: string; in: 'path' | 'query'; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** The message of an error answer, whatever its envelope (`{error: {message}}` or `{ok, error}`). */
function messageOf(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (json.error && typeof (json.error as { message?: unknown }).message === 'string')
      return (json.error as { message: string }).message;
    return typeof json.message === 'string' ? json.message : undefined;
  } catch {
    return undefined;
  }
}

/** The whole fuzz run on one store engine (one test file per engine keeps each file short). */
export function fuzzScenario(engine: EngineFactory) {
  describe(`fuzzed edges (${engine.name})`, async () => {
    const f = await serviceFixture(engine);
    const db = f.app.store.db;
    const present = new Set(
      (
        await sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`.execute(db)
      ).rows.map((r) => r.name),
    );
    const tables = WRITTEN.filter((t) => present.has(t));
    // One statement for every count: this runs twice per case.
    const counting = sql.join(
      tables.map((t) => sql`(SELECT count(*) FROM ${sql.table(t)}) AS ${sql.ref(t)}`),
      sql`, `,
    );
    const stored = async () =>
      Object.fromEntries(
        Object.entries((await sql<Record<string, string>>`SELECT ${counting}`.execute(db)).rows[0]!).map(
          ([t, n]) => [t, Number(n)],
        ),
      );
    const doc = (await f.server.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const counts = { http: 0, mcp: 0 };

    /** One request: never a 5xx; an error names what was wrong, escaped; a refusal stores nothing. */
    async function check(
      name: string,
      request: { method: string; url: string; payload?: string; headers: Record<string, string> },
      mustRefuse: boolean,
    ) {
      counts.http++;
      const before = await stored();
      const answer = await f.server.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      });
      const what = `${name} ${request.url.slice(0, 120)} ${String(request.payload).slice(0, 120)}`;
      assert.ok(answer.statusCode < 500, `${what} → ${answer.statusCode} ${answer.body.slice(0, 300)}`);
      if (mustRefuse) assert.ok(answer.statusCode >= 400, `${what} was accepted: ${answer.statusCode}`);
      if (answer.statusCode >= 400) {
        const message = messageOf(answer.body);
        assert.ok(
          message && message.length > 5,
          `${what} → ${answer.statusCode} without a message: ${answer.body.slice(0, 200)}`,
        );
        assert.ok(
          !UNSAFE_IN_MESSAGES.test(message),
          `${what}: the message echoes unsafe characters: ${JSON.stringify(message).slice(0, 200)}`,
        );
        assert.deepEqual(await stored(), before, `${what} → ${answer.statusCode} but something was stored`);
      }
    }

    const admin = { ...f.auth('admin') };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );

    test('every operation of /openapi.json: malformed bodies, hostile ids, queries and headers → 4xx, never 5xx', async () => {
      for (const { path, method, op } of operations) {
        const name = `${method} ${path}`;
        const params = op.parameters ?? [];
        const pathParams = params.filter((p) => p.in === 'path');
        const queryParams = params.filter((p) => p.in === 'query');
        const bodySchema = op.requestBody?.content['application/json']?.schema;
        const secret = path.startsWith('/webhooks/') ? { authorization: `Bearer ${WEBHOOK_SECRET}` } : admin;
        const fill = (value: (n: string) => string) => path.replace(/\{(\w+)\}/g, (_, n: string) => value(n));
        const valid = fill(() => '900001');
        const jsonHeaders = { ...secret, 'content-type': 'application/json' };
        const withBody = method !== 'GET';

        if (withBody) {
          await fc.assert(
            fc.asyncProperty(malformedBody(bodySchema), async (body) => {
              const headers: Record<string, string> = { ...secret };
              if (body.contentType) headers['content-type'] = body.contentType;
              // The webhook reads any body as text first; a malformed one must still be refused.
              await check(
                `${name} [${body.label}]`,
                { method, url: valid, payload: body.payload, headers },
                true,
              );
            }),
            { numRuns: RUNS.body, seed: SEED },
          );
        }
        if (pathParams.length > 0) {
          await fc.assert(
            fc.asyncProperty(hostileString, fc.boolean(), async (value, raw) => {
              // Raw: traversal as a client that does not encode would send it; else percent-encoded.
              const url = fill(() =>
                raw && /^[./\\a-z%]*$/i.test(value) ? value : encodeURIComponent(value),
              );
              await check(
                `${name} [path]`,
                { method, url, headers: jsonHeaders, ...(withBody ? { payload: '{}' } : {}) },
                false,
              );
            }),
            { numRuns: RUNS.path, seed: SEED },
          );
        }
        await fc.assert(
          fc.asyncProperty(
            queryParams.length > 0 ? fc.constantFrom(...queryParams) : fc.constant(undefined),
            fc.oneof(hostileString, wrongValue({ type: 'string' }).map(String)),
            async (param, value) => {
              const key = param?.name ?? 'unexpected';
              const url = `${valid}?${encodeURIComponent(key)}=${encodeURIComponent(value)}&${encodeURIComponent(value.slice(0, 50) || 'k')}=1`;
              await check(
                `${name} [query]`,
                { method, url, headers: jsonHeaders, ...(withBody ? { payload: '{}' } : {}) },
                false,
              );
            },
          ),
          { numRuns: RUNS.query, seed: SEED },
        );
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(
              'Bearer',
              'Bearer ',
              `Basic ${'A'.repeat(30)}`,
              `Bearer sk_${'A'.repeat(5_000)}`,
              'Bearer sk_../../etc',
              "Bearer 'OR 1=1",
            ),
            fc.constantFrom('application/json', 'text/plain', 'x/y'),
            async (authorization, contentType) => {
              await check(
                `${name} [headers]`,
                {
                  method,
                  url: valid,
                  headers: { authorization, 'content-type': contentType, 'x-forwarded-for': '../..' },
                  ...(withBody ? { payload: '{}' } : {}),
                },
                false,
              );
            },
          ),
          { numRuns: RUNS.header, seed: SEED },
        );
      }
      console.log(`fuzz (${engine.name}): ${counts.http} HTTP cases over ${operations.length} operations`);
    });

    test('GET /api/v1/documentation/%00 and friends: a 400 naming the field, not a 500', async () => {
      for (const url of [
        '/api/v1/documentation/%00',
        '/api/v1/documentation?before=%00',
        '/api/v1/documentation/a%00b/retry',
      ]) {
        const answer = await f.server.inject({
          method: url.endsWith('retry') ? 'POST' : 'GET',
          url,
          headers: { ...admin, 'content-type': 'application/json' },
          ...(url.endsWith('retry') ? { payload: '{"by":"x"}' } : {}),
        });
        assert.equal(answer.statusCode, 400, `${url}: ${answer.body}`);
        assert.match(answer.json().error.message, /NUL character \(\\u0000\)/);
      }
      const bidi = await f.server.inject({
        method: 'GET',
        url: `/api/v1/documentation/${encodeURIComponent('x\u202ey')}`,
        headers: admin,
      });
      assert.equal(bidi.statusCode, 404);
      assert.match(bidi.json().error.message, /x\\u202ey/, 'the override is shown, not applied');
    });

    test('a malformed URL, a text body and a "__proto__" key: 4xx in the API\'s own error shape, saying what is wrong', async () => {
      const badUrl = await f.server.inject({
        method: 'GET',
        url: '/api/v1/documentation/%ZZ',
        headers: admin,
      });
      assert.equal(badUrl.statusCode, 400);
      assert.equal(badUrl.json().error.code, 'invalid_request', badUrl.body);
      assert.match(badUrl.json().error.message, /percent/);
      const text = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: { ...admin, 'content-type': 'text/plain' },
        payload: 'a note as plain text',
      });
      assert.equal(text.statusCode, 415, text.body);
      assert.equal(text.json().error.code, 'unsupported_media_type');
      const proto = await f.server.inject({
        method: 'POST',
        url: '/api/v1/documentation',
        headers: { ...admin, 'content-type': 'application/json' },
        payload: '{"kind":"client-note","clientId":"1","text":"x","__proto__":{"admin":true}}',
      });
      assert.equal(proto.statusCode, 400, proto.body);
      assert.match(proto.json().error.message, /__proto__/);
    });

    test('every MCP tool: arguments of the wrong type → a tool error with a message, never a crash, nothing stored', async () => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = createMcpServer(f.app, { scope: 'write' });
      await server.connect(serverSide);
      const client = newClient();
      await client.connect(clientSide);
      try {
        const { tools } = await client.listTools();
        for (const tool of tools) {
          const properties = Object.entries(
            (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>,
          );
          if (properties.length === 0) continue;
          const args = fc
            .constantFrom(...properties)
            .chain(([name, property]) =>
              fc
                .dictionary(fc.constantFrom(...properties.map(([n]) => n)), hostileString, { maxKeys: 3 })
                .chain((others) => wrongValue(property).map((wrong) => ({ ...others, [name]: wrong }))),
            );
          await fc.assert(
            fc.asyncProperty(args, async (input) => {
              counts.mcp++;
              const before = await stored();
              let text: string;
              try {
                const result = (await client.callTool({
                  name: tool.name,
                  arguments: input,
                })) as CallToolResult;
                assert.equal(
                  result.isError,
                  true,
                  `${tool.name} accepted ${JSON.stringify(input).slice(0, 200)}`,
                );
                text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
              } catch (error) {
                // The SDK may refuse invalid arguments at the protocol level: invalid params, never internal.
                const code = (error as { code?: number }).code;
                assert.equal(code, -32602, `${tool.name}: ${(error as Error).message}`);
                text = (error as Error).message;
              }
              assert.ok(text.length > 5, `${tool.name}: an error without a message`);
              assert.doesNotMatch(
                text,
                /unexpected/i,
                `${tool.name} crashed on ${JSON.stringify(input).slice(0, 200)}: ${text.slice(0, 200)}`,
              );
              assert.deepEqual(await stored(), before, `${tool.name}: a refused call stored something`);
            }),
            { numRuns: RUNS.tool, seed: SEED },
          );
        }
        console.log(`fuzz (${engine.name}): ${counts.mcp} MCP cases over ${tools.length} tools`);
      } finally {
        await client.close();
      }
    });
  });
}
