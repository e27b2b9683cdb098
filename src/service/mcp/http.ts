import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { SkybridgeApp } from '../../runtime/app.ts';
import type { McpAudit } from './audit.ts';
import type { Scope } from './results.ts';
import { createMcpServer } from './server.ts';

/**
 * Serves one MCP request over Streamable HTTP, statelessly: a fresh server and transport per request, so
 * nothing is kept between requests and any instance can answer. The caller has already checked the API
 * key (its scope is passed in) and parsed the JSON body. Answers JSON, not an SSE stream: our tools do not
 * stream, and JSON passes through every proxy.
 */
export async function handleMcpHttp(
  app: SkybridgeApp,
  scope: Scope,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  audit?: McpAudit,
): Promise<void> {
  if (req.method !== 'POST') {
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
    res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' }).end(
      JSON.stringify({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; use POST' },
        id: null,
      }),
    );
    return;
  }
  const server = createMcpServer(app, { scope, ...(audit ? { audit } : {}) });
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}
