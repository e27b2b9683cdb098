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
      // The route needs write, so a messages.write key never gets here; read is the safe fallback.
      const held = request.apiKey?.scope;
      const scope = held === 'write' || held === 'admin' ? held : 'read';
      await handleMcpHttp(app, scope, request.raw, reply.raw, request.body);
    });
  },
};
