import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError } from '../../connect/config.ts';
import { ConnectError } from '../../connect/errors.ts';
import { IntakeError } from '../../documentation/intake.ts';
import { printable } from '../../lib/printable.ts';
import { OperationError } from '../../operations/errors.ts';

export type Scope = 'read' | 'write' | 'admin';
const RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };

/** Raised by a tool for a problem the caller can fix; becomes an MCP tool error (isError), never a throw. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A tool's answer: one line a person can read first, then the same data as JSON (also structured). */
export function answer(summary: string, data: Record<string, unknown>): CallToolResult {
  const structured = { summary, ...data };
  return {
    content: [{ type: 'text', text: `${summary}\n\n${JSON.stringify(structured, null, 2)}` }],
    structuredContent: structured,
  };
}

/** A tool refused because the connection's key lacks the scope: audited as 403, like the HTTP route. */
export class ToolScopeError extends ToolInputError {
  override name = 'ToolScopeError';
}

/** The HTTP status an error result stands for, for the audit log (400 unless said otherwise). */
const statuses = new WeakMap<CallToolResult, number>();

export function toolStatus(result: CallToolResult): number {
  return result.isError ? (statuses.get(result) ?? 400) : 200;
}

/** Tool errors often quote the arguments: control and bidi characters are escaped (see printable). */
export function toolError(message: string, status = 400): CallToolResult {
  const result: CallToolResult = { content: [{ type: 'text', text: printable(message) }], isError: true };
  statuses.set(result, status);
  return result;
}

/** Refuses a tool the key's scope does not allow, saying which scope it needs. */
export function requireScope(have: Scope, need: Scope, tool: string): void {
  if (RANK[have] < RANK[need]) {
    throw new ToolScopeError(
      `${tool} changes agency records and needs a "${need}" API key; this connection has a "${have}" key. ` +
        'Ask an administrator for a key with write scope (skybridge keys create --scope write), or tell the ' +
        'person that you cannot record this yourself.',
    );
  }
}

/**
 * Runs a tool body and turns expected failures into tool errors with a message to act on. Unexpected
 * errors are reported by class and message only (no stack: it helps no assistant and may leak paths).
 */
export async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof IntakeError || error instanceof ToolInputError || error instanceof OperationError) {
      const field = error.field && !error.message.startsWith(error.field) ? ` (field: ${error.field})` : '';
      return toolError(`${error.message}${field}`, error instanceof ToolScopeError ? 403 : 400);
    }
    if (error instanceof RangeError) return toolError(error.message);
    if (error instanceof ConnectError || error instanceof ConfigError) {
      return toolError(`WellSky could not be reached or refused the request: ${error.message}`);
    }
    const name = error instanceof Error ? error.name : 'Error';
    // stderr only: stdout may be the MCP channel. Class name only, since messages can quote input.
    process.stderr.write(`skybridge mcp: unexpected ${name} in a tool call\n`);
    return toolError(
      `Skybridge hit an unexpected ${name}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Nothing was confirmed; try again, and if it persists tell the office.',
    );
  }
}
