import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { operationsSummary } from '../../runtime/report-source.ts';
import type { ToolContext } from './context.ts';
import { answer, guarded } from './results.ts';

const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100)} %`);

export function registerReportTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'operations_summary',
    {
      title: 'How the agency did: clock-ins, call-outs, fills, confirmations, hours',
      description:
        'Answers "how did we do this week?": per agency-local day and in total, EVV compliance (shifts clocked ' +
        'in within the grace ÷ scheduled), late and missed clock-ins, call-outs, fill rate and median minutes to ' +
        'fill, next-day confirmations answered, hours scheduled vs worked; caregivers above 40 h this week; and ' +
        'the board now (late or missing clock-ins with what the watch did, open shifts, unconfirmed for tomorrow). ' +
        'Default range: the last 4 weeks.',
      inputSchema: {
        from: z.string().optional().describe('first agency-local day, YYYY-MM-DD (default 4 weeks ago)'),
        to: z.string().optional().describe('last agency-local day, YYYY-MM-DD (default today)'),
      },
      annotations: { readOnlyHint: true },
    },
    (input) =>
      guarded(async () => {
        await ctx.ready();
        const r = await operationsSummary(ctx.app, input);
        const t = r.totals;
        const summary =
          `${r.from} to ${r.to} (${r.timezone}): ${t.scheduledShifts} shifts, EVV compliance ${pct(t.evvCompliance)}, ` +
          `${t.lateClockIns} late and ${t.missedClockIns} missed clock-ins, ${t.callOuts} call-outs, ` +
          `${t.fillsFilled}/${t.fillsStarted} fills (median ${t.medianMinutesToFill ?? 'n/a'} min), ` +
          `${t.confirmationsAnswered}/${t.confirmationsRequested} confirmations answered, ` +
          `${t.hoursWorked} of ${t.hoursScheduled} scheduled hours worked. ` +
          `${r.overtime.caregivers.length} caregiver(s) above 40 h this week. Now: ${r.now.lateOrMissing.length} late or missing, ` +
          `${r.now.open.length} open, ${r.now.unconfirmedTomorrow.length} unconfirmed for tomorrow.`;
        return answer(summary, { wellsky: ctx.wellsky, report: r });
      }),
  );
}
