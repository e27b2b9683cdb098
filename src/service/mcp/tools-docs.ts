import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { PRIORITIES } from '../../documentation/intake.ts';
import { ITEM_KINDS, ITEM_STATES } from '../../store/types.ts';
import type { ToolContext } from './context.ts';
import { itemFacts, STATE_MEANINGS, stateSentence, submitFacts } from './item-result.ts';
import { answer, guarded, requireScope, ToolInputError } from './results.ts';

const id = (what: string) => z.string().regex(/^\d+$/, `${what} must be a numeric WellSky id such as 900001`);
/** How long a write waits for WellSky before answering with the state it reached (often still pending). */
const DEFAULT_WAIT_SECONDS = 5;

const STATES_TEXT =
  'The answer is the item’s TRUE state: delivered (in WellSky, with its WellSky id), pending (stored, not yet ' +
  'in WellSky, retried automatically), held (stored, NOT in WellSky, a person must act; reason says why) or ' +
  'failed (NOT in WellSky, refused permanently). Only "delivered" means it is in WellSky: never tell a person ' +
  'it was recorded in WellSky otherwise. Pass a stable `key` (e.g. the call id) so a retried call never ' +
  'creates a second copy.';

const common = {
  key: z.string().trim().min(1).max(200).optional(),
  waitSeconds: z.number().int().min(0).max(25).optional(),
};

export function registerDocumentationTools(server: McpServer, ctx: ToolContext): void {
  const service = ctx.app.docs.service;
  const submit = async (tool: string, request: Record<string, unknown>, waitSeconds: number | undefined) => {
    requireScope(ctx.scope, 'write', tool);
    await ctx.ready();
    const clean = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined));
    const outcome = await service.submit(
      { ...clean, source: 'mcp' },
      { waitMs: (waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000 },
    );
    return answer(stateSentence(outcome.item), { wellsky: ctx.wellsky, ...submitFacts(outcome) });
  };

  server.registerTool(
    'add_note',
    {
      title: 'Record a note about a client, caregiver or prospect',
      description:
        'Record a note in WellSky. kind client-note (needs clientId; attached to that client’s visit at the ' +
        'time `at`, the named caregiver’s visit when caregiverId is given), caregiver-note (caregiverId) or ' +
        'prospect-note (prospectId). `at` is when it happened: agency-local "2026-03-02T14:30" or with an ' +
        `offset; default now. Needs a write key. Waits up to waitSeconds (default ${DEFAULT_WAIT_SECONDS}) for ` +
        `WellSky. ${STATES_TEXT}`,
      inputSchema: {
        kind: z.enum(['client-note', 'caregiver-note', 'prospect-note']),
        clientId: id('clientId').optional(),
        caregiverId: id('caregiverId').optional(),
        prospectId: id('prospectId').optional(),
        shiftId: id('shiftId').optional(),
        text: z.string().min(1, 'text must not be empty'),
        at: z.string().optional(),
        showInFamilyRoom: z.boolean().optional(),
        ...common,
      },
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    ({ shiftId, waitSeconds, ...rest }) =>
      guarded(() => submit('add_note', { ...rest, appointmentId: shiftId }, waitSeconds)),
  );

  server.registerTool(
    'add_office_task',
    {
      title: 'Create a task for the office staff',
      description:
        'Create an office task (a to-do on the WellSky staff Tasks panel) for something a person at the office ' +
        'must do, e.g. "Call the daughter back about Tuesday". Use it sparingly: each one lands on the staff ' +
        `panel. title is required; due is a day (YYYY-MM-DD) or agency-local time. Needs a write key. ${STATES_TEXT}`,
      inputSchema: {
        title: z.string().trim().min(1, 'title must not be empty').max(200),
        text: z.string().optional(),
        due: z.string().optional(),
        priority: z.enum(PRIORITIES).optional(),
        clientId: id('clientId').optional(),
        caregiverId: id('caregiverId').optional(),
        ...common,
      },
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    ({ waitSeconds, ...rest }) =>
      guarded(() => submit('add_office_task', { kind: 'office-task', ...rest }, waitSeconds)),
  );

  server.registerTool(
    'documentation_status',
    {
      title: 'State of notes, call-outs and office tasks',
      description:
        'With id (an item id or the idempotency key you gave): that item’s current true state and its delivery ' +
        'attempts. Without id: the items needing attention — held and failed first — or those of `state`. ' +
        `States: ${Object.entries(STATE_MEANINGS)
          .map(([s, m]) => `${s} = ${m}`)
          .join('; ')}.`,
      inputSchema: {
        id: z.string().trim().min(1).max(200).optional(),
        state: z.enum(ITEM_STATES).optional(),
        kind: z.enum(ITEM_KINDS).optional(),
        limit: z.number().int().min(1).max(100).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    ({ id: itemId, state, kind, limit }) =>
      guarded(async () => {
        if (itemId) {
          const item = await service.get(itemId);
          if (!item) throw new ToolInputError(`there is no item with id or key "${itemId}"`, 'id');
          return answer(stateSentence(item), {
            wellsky: ctx.wellsky,
            item: { ...itemFacts(item), history: item.history ?? [] },
          });
        }
        const max = limit ?? 20;
        const items = state
          ? await service.list({ state, ...(kind ? { kind } : {}), limit: max })
          : [
              ...(await service.list({ state: 'held', ...(kind ? { kind } : {}), limit: max })),
              ...(await service.list({ state: 'failed', ...(kind ? { kind } : {}), limit: max })),
            ].slice(0, max);
        const label = state ?? 'held or failed';
        const summary =
          items.length === 0
            ? `No ${label} items${kind ? ` of kind ${kind}` : ''}.`
            : `${items.length} ${label} item(s):\n${items.map(stateSentence).join('\n')}`;
        return answer(summary, { wellsky: ctx.wellsky, items: items.map(itemFacts) });
      }),
  );
}
