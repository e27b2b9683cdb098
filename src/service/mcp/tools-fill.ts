import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type CampaignView, FillStartInput } from '../../operations/fill/index.ts';
import type { ToolContext } from './context.ts';
import { answer, guarded, requireScope } from './results.ts';

const STATE_SENTENCE: Record<CampaignView['state'], string> = {
  open: 'OPEN: caregivers are being texted in waves; the first YES gets it.',
  filled: 'FILLED: a caregiver said YES and WellSky shows them assigned (read back).',
  'accepted-unassigned':
    'ACCEPTED BUT NOT IN WELLSKY: a caregiver said YES but WellSky did not take the assignment — a PERSON at the office must assign them (an office task says how).',
  escalated:
    'ESCALATED: nobody has taken it in time — a PERSON at the office must find cover now (a YES that still arrives is taken).',
  cancelled: 'CANCELLED: nobody is being texted about it any more.',
  expired: 'EXPIRED: the shift started unfilled.',
};

function facts(c: CampaignView) {
  return {
    id: c.id,
    state: c.state,
    stateReason: c.stateReason,
    shift: c.shift,
    winnerCaregiverId: c.winnerCaregiverId,
    counts: c.counts,
    wavesSent: c.wavesSent,
    nextWaveAt: c.nextWaveAt,
    escalateAt: c.escalateAt,
    timeToFillSeconds: c.timeToFillSeconds,
    officeItemId: c.officeItemId,
    offers: c.offers.map((o) => ({ caregiverId: o.caregiverId, wave: o.wave, state: o.state })),
  };
}

function summary(c: CampaignView): string {
  return `Fill ${c.id} for shift ${c.shift.id} on ${c.shift.date} ${c.shift.startTime}–${c.shift.endTime}: ${STATE_SENTENCE[c.state]} ${c.counts.offers} offered, ${c.counts.replies} replied${c.winnerCaregiverId ? `, caregiver ${c.winnerCaregiverId}` : ''}.`;
}

/** start_shift_fill and shift_fill_status: an assistant starts and follows fill campaigns. */
export function registerFillTools(server: McpServer, ctx: ToolContext) {
  const input = FillStartInput.shape;
  server.registerTool(
    'start_shift_fill',
    {
      title: 'Find a caregiver for an open shift by text',
      description:
        'Use when a shift occurrence is OPEN (nobody assigned) and the office wants it covered. Skybridge texts ' +
        'the best-ranked eligible caregivers in waves (5, then 10 more, then everyone), the first to answer YES ' +
        'is assigned in WellSky and confirmed by reading it back, and a person is called in (office task, staff ' +
        'notice) if nobody takes it by 2 h before the start. A call-out that opens a shift starts this by itself: ' +
        'check shift_fill_status first. Calling it again for the same occurrence returns the campaign already ' +
        'running. An assigned shift is refused (report the call-out first). Needs a write key.',
      inputSchema: {
        shiftId: input.shiftId.describe('The WellSky shift (appointment) id.'),
        date: input.date.describe('The occurrence’s agency-local day, YYYY-MM-DD.'),
      },
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    (args) =>
      guarded(async () => {
        requireScope(ctx.scope, 'write', 'start_shift_fill');
        await ctx.ready();
        const { campaign, created } = await ctx.app.fills.service.start(args);
        return answer(`${created ? 'Started. ' : 'Already running. '}${summary(campaign)}`, {
          wellsky: ctx.wellsky,
          created,
          campaign: facts(campaign),
        });
      }),
  );
  server.registerTool(
    'shift_fill_status',
    {
      title: 'Where filling open shifts stands',
      description:
        'With a campaign id: that campaign — its state, who was offered the shift and what they answered, who ' +
        'took it. Without: the recent campaigns, newest first, and the fill rate. Tell the person the state as ' +
        'given: only "filled" means WellSky shows the caregiver assigned; "accepted-unassigned" and "escalated" ' +
        'mean a person at the office must act.',
      inputSchema: {
        id: z
          .string()
          .regex(/^fc_[0-9a-f-]{36}$/)
          .optional()
          .describe('A fill campaign id (fc_…); omit for the recent campaigns.'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      guarded(async () => {
        await ctx.ready();
        if (args.id) {
          const c = await ctx.app.fills.service.require(args.id);
          return answer(summary(c), { wellsky: ctx.wellsky, campaign: facts(c) });
        }
        const items = await ctx.app.fills.service.list({ limit: 20 });
        const metrics = await ctx.app.fills.service.metrics();
        const head = items.length === 0 ? 'No fill campaigns yet.' : items.map(summary).join('\n');
        return answer(head, { wellsky: ctx.wellsky, campaigns: items.map(facts), metrics });
      }),
  );
}
