import type { ServiceExtension } from '../extensions.ts';
import { handleMcpHttp } from './http.ts';

/**
 * Mounts MCP at `POST /mcp` on the service. Any read, write or admin key connects (the server checks
 * it: no key is a 401); each tool then refuses what the key's scope does not allow, so a read key can
 * still look things up. Every tool call is audited under the key.
 */
export const mcpExtension: ServiceExtension = {
  name: 'mcp',
  register(server, { app, auditLog }) {
    server.post('/mcp', { config: { scope: 'read' } }, async (request, reply) => {
      // hijack skips fastify's onSend hooks, so the which-WellSky header is set here.
      reply.raw.setHeader('x-skybridge-wellsky', app.mode === 'simulated' ? 'simulated' : 'live');
      reply.hijack();
      // The route needs read, which a messages.write key lacks; read is the safe fallback.
      const held = request.apiKey?.scope;
      const scope = held === 'write' || held === 'admin' ? held : 'read';
      const audit = { log: auditLog, keyId: request.apiKey?.id ?? null };
      await handleMcpHttp(app, scope, request.raw, reply.raw, request.body, audit);
    });
  },
};
