import type { FastifyInstance } from 'fastify';
import type { SkybridgeApp } from '../runtime/app.ts';
import type { AuditLog } from './audit.ts';
import { boardExtension } from './dashboard/board.ts';
import { dashboardExtension } from './dashboard/extension.ts';
import { fillsDashboardExtension } from './dashboard/fills.ts';
import type { KeyRepo } from './keys.ts';
import { mcpExtension } from './mcp/extension.ts';
import type { ExtraPath } from './openapi.ts';
import { twilioExtension } from './twilio/webhooks.ts';

export interface ServiceContext {
  app: SkybridgeApp;
  keys: KeyRepo;
  auditLog: AuditLog;
}

/**
 * A part of the service built elsewhere (MCP at `/mcp`, the dashboard at `/dashboard`). `register` adds
 * its routes to the server; a route with `config: { scope: 'read' | 'write' | 'admin' }` is authorized
 * by the server like every API route (`request.apiKey` is then set), and every answer gets the
 * X-Skybridge-WellSky header. `paths` are listed in `/openapi.json`.
 */
export interface ServiceExtension {
  name: string;
  register(server: FastifyInstance, context: ServiceContext): Promise<void> | void;
  paths?: ExtraPath[];
}

/** The extensions `skybridge serve` mounts. */
export const defaultExtensions: ServiceExtension[] = [
  mcpExtension,
  dashboardExtension,
  boardExtension,
  fillsDashboardExtension,
  twilioExtension,
];
