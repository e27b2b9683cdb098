import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuditLog } from '../audit.ts';
import { toolStatus } from './results.ts';

/** Who is calling the tools: the API key over HTTP, nobody named (null) on a local stdio connection. */
export interface McpAudit {
  log: AuditLog;
  keyId: string | null;
}

const PERSON_KINDS = new Set(['caregiver', 'applicant', 'client', 'prospect', 'family']);
const ID_FIELDS = ['clientId', 'caregiverId', 'prospectId'];
const PERSON_FIELDS = new Set(['client', 'caregiver', 'person', 'familyOf', 'replacement']);
/** A bound on the walk: answers are small, but a pathological one must not stall the reply. */
const MAX_NODES = 20_000;

/**
 * The ids of the people a tool call touched: named in its arguments (`clientId`, `caregiverId`,
 * `prospectId`) or present in its answer (people, shifts' client and caregiver, family links). Ids only:
 * never a phone, a name or a note's text.
 */
export function subjectIds(args: unknown, result: CallToolResult): string[] {
  const ids = new Set<string>();
  const stack: [unknown, string | null][] = [
    [args, null],
    [result.structuredContent, null],
  ];
  let seen = 0;
  while (stack.length > 0 && seen++ < MAX_NODES) {
    const [node, field] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push([child, field]);
      continue;
    }
    const record = node as Record<string, unknown>;
    const isPerson =
      (typeof record.kind === 'string' && PERSON_KINDS.has(record.kind)) ||
      (field !== null && PERSON_FIELDS.has(field));
    if (isPerson && isId(record.id)) ids.add(String(record.id));
    for (const name of ID_FIELDS) if (isId(record[name])) ids.add(String(record[name]));
    for (const [key, child] of Object.entries(record)) stack.push([child, key]);
  }
  return [...ids];
}

function isId(value: unknown): value is string | number {
  return (typeof value === 'string' && /^\d{1,20}$/.test(value)) || Number.isInteger(value);
}

/**
 * Makes every tool registered on `server` from now on write an audit row before its answer leaves, as
 * the HTTP routes do: which key, which tool (`MCP mcp:<tool>`), the people touched, and 200 for an
 * answer, 403 for a tool the key's scope does not allow, 400 for another refusal.
 */
type ToolHandler = (...params: unknown[]) => Promise<CallToolResult> | CallToolResult;
type Register = (name: string, config: unknown, handler: ToolHandler) => unknown;

export function auditTools(server: McpServer, audit: McpAudit): void {
  const target = server as unknown as { registerTool: Register };
  const register = target.registerTool.bind(server) as Register;
  target.registerTool = (name, config, handler) =>
    register(name, config, async (...params: unknown[]) => {
      const result = await handler(...params);
      // With an input schema the SDK passes (args, extra); without one, (extra) alone.
      const args = params.length > 1 ? params[0] : undefined;
      await audit.log.record({
        keyId: audit.keyId,
        method: 'MCP',
        route: `mcp:${name}`,
        status: toolStatus(result),
        subjectIds: subjectIds(args, result),
      });
      return result;
    });
}
