import type { ServiceExtension } from '../extensions.ts';
import { handleMcpHttp } from './http.ts';

/** Mounts MCP at `POST /mcp` on the service: the key is checked by the server (write scope, per the contract). */
export const mcpExtension: ServiceExtension = {
  name: 'mcp',
  register(server, { app }) {
    server.post('/mcp', { config: { scope: 'write' } }, async (request, reply) => {
      // hijack skips fastify's onSend hooks, so the which-WellSky header is set here.
      reply.raw.setHeader('x-skybridge-wellsky', app.mode === 'simulated' ? 'simulated' : 'live');
      reply.hijack();
      await handleMcpHttp(app, request.apiKey?.scope ?? 'read', request.raw, reply.raw, request.body);
    });
  },
};
