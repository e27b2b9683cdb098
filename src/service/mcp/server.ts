import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { SkybridgeApp } from '../../runtime/app.ts';
import { auditTools, type McpAudit } from './audit.ts';
import type { ToolContext } from './context.ts';
import { escapingErrors } from './outgoing.ts';
import type { Scope } from './results.ts';
import { registerCapabilityTools } from './tools-capabilities.ts';
import { registerDocumentationTools } from './tools-docs.ts';
import { registerFillTools } from './tools-fill.ts';
import { registerIntakeTools } from './tools-intake.ts';
import { registerMessageTools } from './tools-messages.ts';
import { registerMirrorTools } from './tools-mirror.ts';
import { registerOperationTools } from './tools-operations.ts';
import { registerReportTools } from './tools-reports.ts';

export interface McpServerOptions {
  scope: Scope;
  /**
   * Settles when the app's first sync is done; tools wait for it. Default: already ready. (stdio
   * serves at once so the client's handshake does not time out while the mirror fills.)
   */
  ready?: Promise<unknown>;
  /** Where tool calls are audited and under which key; without it nothing is recorded (tests only). */
  audit?: McpAudit;
}

const VERSION = '0.1.0';

function instructions(app: SkybridgeApp, scope: Scope): string {
  const which =
    app.mode === 'simulated'
      ? 'THIS IS A SIMULATED WellSky with a synthetic demo agency: no real agency data, and nothing you write ' +
        'reaches the real WellSky. Say so if a person seems to think otherwise.'
      : 'Connected to the agency’s real WellSky Personal Care.';
  const access =
    scope === 'read'
      ? 'This connection is READ-ONLY: add_note, add_office_task, report_call_out, clock_in and clock_out will refuse.'
      : 'This connection may record notes, office tasks and call-outs, and clock caregivers in and out.';
  return [
    `Skybridge: answers about a home-care agency’s caregivers, clients, family contacts and shifts, from a local mirror of WellSky, records notes, call-outs and office tasks in WellSky, clocks caregivers in and out, and ranks replacement caregivers. ${which}`,
    access,
    'Typical call: identify_caller with the caller’s number, then shifts / next_shift, then add_note, clock_in / clock_out or report_call_out; replacement_candidates ranks who could cover a shift.',
    'Never invent a time or a GPS position for clock_in / clock_out: pass only what the caregiver or their device gave.',
    'Every write answers with its TRUE state — delivered, pending, held or failed — tell the person exactly that; only delivered means it is in WellSky.',
    `Shift times are in the agency’s time zone (${app.timezone}).`,
  ].join('\n');
}

/** The MCP server an AI office assistant uses: one per connection (stdio) or per request (HTTP). */
export function createMcpServer(app: SkybridgeApp, options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: app.mode === 'simulated' ? 'skybridge (SIMULATED WellSky)' : 'skybridge', version: VERSION },
    { instructions: instructions(app, options.scope) },
  );
  const ready = options.ready;
  const ctx: ToolContext = {
    app,
    scope: options.scope,
    ready: async () => {
      if (ready) await ready;
    },
    wellsky: app.mode === 'simulated' ? 'simulated' : 'live',
  };
  strictArguments(server);
  if (options.audit) auditTools(server, options.audit);
  registerMirrorTools(server, ctx);
  registerDocumentationTools(server, ctx);
  registerIntakeTools(server, ctx);
  registerOperationTools(server, ctx);
  registerFillTools(server, ctx);
  registerCapabilityTools(server, ctx);
  registerMessageTools(server, ctx);
  registerReportTools(server, ctx);
  // Whatever the transport (stdio, HTTP, in memory), errors that quote the caller leave escaped.
  const connect = server.connect.bind(server);
  server.connect = (transport) => connect(escapingErrors(transport));
  return server;
}

type Register = (name: string, config: { inputSchema?: unknown }, handler: unknown) => unknown;

/**
 * Tools take only the arguments they declare. The SDK builds a plain zod object from a tool's shape, which
 * drops an unknown key without a word, so an assistant that misspelt one (`phone_number` for `phone`) got
 * an answer to another question. A strict object refuses it by name, and the listed JSON schema says
 * `additionalProperties: false`.
 */
function strictArguments(server: McpServer): void {
  const target = server as unknown as { registerTool: Register };
  const register = target.registerTool.bind(server) as Register;
  target.registerTool = (name, config, handler) => {
    const shape = config.inputSchema;
    const rawShape = shape !== null && typeof shape === 'object' && !('_zod' in shape) && !('_def' in shape);
    return register(
      name,
      rawShape ? { ...config, inputSchema: z.strictObject(shape as z.ZodRawShape) } : config,
      handler,
    );
  };
}
