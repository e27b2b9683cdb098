import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context.ts';
import { answer, guarded, ToolInputError } from './results.ts';

/** One line per status, shared with the dashboard's legend. */
export const CAPABILITY_MEANINGS: Record<string, string> = {
  available: 'these credentials may use it; Skybridge uses this route',
  refused: 'WellSky refuses it for these credentials (permission); ask WellSky to grant it',
  'no-such-route': 'WellSky has no such route for this agency; Skybridge cannot do this through the API',
  error: 'the check itself failed (network or WellSky error); it is re-measured on the next refresh',
};

export function registerCapabilityTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'capability_matrix',
    {
      title: 'What Skybridge can do in this agency’s WellSky',
      description:
        'The measured capability matrix: for each capability (read caregivers, write notes, office tasks, ' +
        'clock in, …) whether these WellSky credentials may use it. Statuses: ' +
        Object.entries(CAPABILITY_MEANINGS)
          .map(([s, m]) => `${s} = ${m}`)
          .join('; ') +
        '. Use it to explain why a note was held or what the office must ask WellSky for.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      guarded(async () => {
        const capabilities = ctx.app.docs.capabilities;
        if (!capabilities)
          throw new ToolInputError('no WellSky connection is configured, so nothing was measured');
        const rows = (await capabilities.rows()).map((row) => ({
          capability: row.capabilityId,
          status: row.status,
          meaning: CAPABILITY_MEANINGS[row.status] ?? row.status,
          explanation: row.explanation,
          httpStatus: row.httpStatus,
          checkedAt: row.checkedAt.toISOString(),
        }));
        const counts = new Map<string, number>();
        for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
        const summary =
          rows.length === 0
            ? 'The capability matrix has not been measured yet (it is measured when Skybridge starts).'
            : `${rows.length} capabilities: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}.`;
        return answer(summary, { wellsky: ctx.wellsky, capabilities: rows });
      }),
  );
}
