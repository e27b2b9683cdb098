import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallOutAmbiguous, CallOutRecorded } from '../../operations/callout.ts';
import type { CandidatesResult } from '../../operations/candidates.ts';
import {
  CallOutInput,
  CandidatesInput,
  ClockInInput,
  ClockOutInput,
  type ClockResult,
  clockIn,
  clockOut,
  rankCandidates,
  reportCallOut,
} from '../../operations/index.ts';
import { operationsOf } from '../../runtime/operations.ts';
import type { ToolContext } from './context.ts';
import { answer, guarded, requireScope } from './results.ts';

// The tools take the operations' own schemas (src/operations), so the library, CLI, HTTP and MCP accept
// the same input; the operation validates again (both-or-neither coordinates, …) and its errors come
// back as tool errors naming the field.

const describe = <T extends { describe(text: string): T }>(schema: T, text: string): T =>
  schema.describe(text);

const clockIn$ = ClockInInput.shape;
const clockOut$ = ClockOutInput.shape;
const callOut$ = CallOutInput.shape;
const candidates$ = CandidatesInput.shape;

const shiftIdText =
  'The WellSky shift (appointment) id, e.g. from the shifts or next_shift tool. A recurring shift keeps one id ' +
  'across days: give `date` too when it is not today’s occurrence.';
const dateText = 'The occurrence’s agency-local day, YYYY-MM-DD (for a recurring shift). Default: today’s.';
const atText =
  'When it happened, as the caregiver said: agency-local "2026-03-02T08:05" or "08:05", or ISO with an ' +
  'offset. Default: now. Never make a time up.';
const positionText =
  'The caregiver’s GPS position, ONLY if their device actually gave one; give both lat and lon or neither. ' +
  'Never guess or invent a position: without one, none is sent (that is correct EVV).';

const clockShape = {
  shiftId: describe(clockIn$.shiftId, shiftIdText),
  date: describe(clockIn$.date, dateText),
  at: describe(clockIn$.at, atText),
  lat: describe(clockIn$.lat, positionText),
  lon: describe(clockIn$.lon, positionText),
};

function clockFacts(r: ClockResult) {
  return {
    action: r.action,
    shift: r.shift,
    visitId: r.visitId,
    at: r.at,
    atLocal: r.atLocal,
    positionSent: r.positionSent,
    repeated: r.repeated,
  };
}

/** The top candidates, short enough for an assistant to read out. */
function candidateFacts(result: CandidatesResult, top = 5) {
  return {
    shift: result.shift,
    replacing: result.replacing,
    counts: result.counts,
    candidates: result.candidates.slice(0, top).map((c) => ({
      rank: c.rank,
      caregiverId: c.caregiverId,
      name: c.name,
      tier: c.tier,
      score: c.score,
      points: c.points,
      reason: c.reason,
      contactable: c.contactable,
    })),
    excluded: result.excluded.map((e) => ({
      caregiverId: e.caregiverId,
      name: e.name,
      reasons: e.reasons.map((r) => r.text),
    })),
  };
}

function candidateLines(result: CandidatesResult, top = 5): string[] {
  if (result.candidates.length === 0) return ['No eligible replacement caregiver in the mirror.'];
  return result.candidates
    .slice(0, top)
    .map((c) => `#${c.rank} [tier ${c.tier}, ${c.score} pts] ${c.name} (${c.caregiverId}) — ${c.reason}`);
}

const OPEN_SENTENCE: Record<CallOutRecorded['shiftOpen']['state'], string> = {
  opened: 'The shift is now OPEN in WellSky (the caregiver was removed from it).',
  'already-open': 'The shift was already open in WellSky.',
  'needs-person': 'The shift is NOT open in WellSky: a PERSON at the office must unassign the caregiver.',
  failed: 'Opening the shift in WellSky FAILED: a PERSON at the office must unassign the caregiver.',
};

function recordedSummary(r: CallOutRecorded): string {
  const lines = [
    `${r.repeated ? 'This call-out was already reported; nothing was done again. ' : ''}${r.message}`,
    `Urgency: ${r.urgency.toUpperCase()} (shift starts in ${r.minutesToStart} min).${r.needsPersonNow ? ' A person at the office must act now.' : ''}`,
    `${OPEN_SENTENCE[r.shiftOpen.state]} ${r.shiftOpen.detail}`,
    `Office task: ${r.officeTask.state.toUpperCase()}${r.officeTask.reason ? ` — ${r.officeTask.reason}` : ''}.`,
    `Care alert on the client’s record: ${r.careAlert.state.toUpperCase()}${r.careAlert.reason ? ` — ${r.careAlert.reason}` : ''}.`,
    `Staff notification: ${r.notification.state}${r.notification.error ? ` (${r.notification.error})` : ''}.`,
  ];
  if ('candidates' in r.candidates) lines.push('Replacement candidates:', ...candidateLines(r.candidates));
  else lines.push(`Replacement candidates could not be ranked: ${r.candidates.error}`);
  return lines.join('\n');
}

function recordedFacts(r: CallOutRecorded) {
  return {
    status: r.status,
    callOutId: r.callOutId,
    repeated: r.repeated,
    caregiverId: r.caregiverId,
    shift: r.shift,
    reportedAt: r.reportedAt,
    urgency: r.urgency,
    minutesToStart: r.minutesToStart,
    needsPersonNow: r.needsPersonNow,
    escalated: r.escalated,
    shiftOpen: r.shiftOpen,
    officeTask: r.officeTask,
    careAlert: r.careAlert,
    notification: r.notification,
    candidates: 'candidates' in r.candidates ? candidateFacts(r.candidates) : r.candidates,
  };
}

function ambiguousSummary(r: CallOutAmbiguous): string {
  return [
    `NOTHING WAS CHANGED OR RECORDED: ${r.message}.`,
    ...r.shifts.map(
      (s) =>
        `- shift ${s.appointmentId} on ${s.date} ${s.startTime}–${s.endTime}, client ${s.client.name ?? s.client.id}`,
    ),
    'Ask the caregiver which shift they mean, then call report_call_out again with that shiftId (and date).',
  ].join('\n');
}

export function registerOperationTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'clock_in',
    {
      title: 'Clock a caregiver in on a shift (EVV)',
      description:
        'Clock the assigned caregiver in on a shift in WellSky (an EVV visit record). Use it only when the ' +
        'caregiver is starting the shift and asks to be clocked in. `at` is the time they give (default now); ' +
        'lat/lon only if their phone really provided a position — never invent one. Calling it again for the ' +
        'same shift returns the same visit (repeated: true) and sends nothing. Errors say what happened: no ' +
        'such shift, the shift is open (nobody assigned), refused by WellSky. Needs a write key.',
      inputSchema: clockShape,
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    (args) =>
      guarded(async () => {
        requireScope(ctx.scope, 'write', 'clock_in');
        await ctx.ready();
        const r = await clockIn(operationsOf(ctx.app), args);
        return answer(r.message, { wellsky: ctx.wellsky, ...clockFacts(r) });
      }),
  );

  server.registerTool(
    'clock_out',
    {
      title: 'Clock a caregiver out of a shift (EVV)',
      description:
        'Clock the caregiver out of the visit made when they clocked in on this shift. `at` is the time they ' +
        'give (default now); lat/lon only if their phone really provided a position — never invent one; ' +
        '`comment` is their general comment on the visit (up to 1,000 characters). A shift already clocked ' +
        'out, or never clocked in, is an error saying so (nothing is sent). Needs a write key.',
      inputSchema: {
        ...clockShape,
        shiftId: describe(clockOut$.shiftId, shiftIdText),
        comment: describe(clockOut$.comment, 'The caregiver’s comment on the visit, in their words.'),
      },
      annotations: { readOnlyHint: false, idempotentHint: false },
    },
    (args) =>
      guarded(async () => {
        requireScope(ctx.scope, 'write', 'clock_out');
        await ctx.ready();
        const r = await clockOut(operationsOf(ctx.app), args);
        return answer(r.message, { wellsky: ctx.wellsky, ...clockFacts(r) });
      }),
  );

  server.registerTool(
    'report_call_out',
    {
      title: 'A caregiver calls out of a shift: open it, tell the office, find replacements',
      description:
        'Use when a caregiver says they cannot work a shift. caregiver is their WellSky id or the phone they ' +
        'called from. Say which shift with shiftId (and date for a recurring shift), or date alone, or ' +
        'next: true for "my next shift"; reason is what they said. If it is not clear which shift they mean, ' +
        'NOTHING is changed and the answer (status "ambiguous") lists the shifts they may mean: ask them, then ' +
        'call again with the shiftId. Otherwise (status "recorded") Skybridge records the call-out, marks the ' +
        'shift open in WellSky when the credentials allow it (else says a person must do it), creates the ' +
        'office task, tells staff, and returns the urgency and the best replacement caregivers with reasons. ' +
        'Tell the person exactly what the answer says happened — in particular whether the shift is open in ' +
        'WellSky or a person must do it. Reporting the same call-out again does nothing new. Needs a write key.',
      inputSchema: {
        caregiver: describe(
          callOut$.caregiver,
          'The caregiver’s WellSky id, or the phone number they called from.',
        ),
        shiftId: describe(callOut$.shiftId, shiftIdText),
        date: describe(callOut$.date, 'The shift’s agency-local day, YYYY-MM-DD.'),
        next: describe(callOut$.next, 'true for "my next shift" (the one in progress, else the next one).'),
        reason: describe(
          callOut$.reason,
          'What the caregiver said, in their words (kept with the call-out).',
        ),
      },
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    (args) =>
      guarded(async () => {
        requireScope(ctx.scope, 'write', 'report_call_out');
        await ctx.ready();
        const input = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
        const r = await reportCallOut(operationsOf(ctx.app), input);
        if (r.status === 'ambiguous') {
          return answer(ambiguousSummary(r), {
            wellsky: ctx.wellsky,
            status: r.status,
            changed: false,
            caregiverId: r.caregiverId,
            message: r.message,
            shifts: r.shifts,
          });
        }
        return answer(recordedSummary(r), { wellsky: ctx.wellsky, ...recordedFacts(r) });
      }),
  );

  server.registerTool(
    'replacement_candidates',
    {
      title: 'Who could cover a shift',
      description:
        'Rank the caregivers who could replace the assigned one on a shift, from the local mirror: continuity ' +
        'with the client, client preference, distance, weekly hours vs overtime, tenure — each with its points, ' +
        'a tier (A best) and a one-line reason. Caregivers who cannot take it (overlapping shift, do-not-send, ' +
        'missing skill or language, gender preference, weekly maximum) are listed under excluded with why. ' +
        'Read-only: it contacts nobody and changes nothing.',
      inputSchema: {
        shiftId: describe(candidates$.shiftId, shiftIdText),
        date: describe(candidates$.date, dateText),
        limit: describe(candidates$.limit, 'How many candidates to return (default 10).'),
        excludeCaregiverId: describe(
          candidates$.excludeCaregiverId,
          'The caregiver being replaced, when not the one assigned to the shift.',
        ),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      guarded(async () => {
        await ctx.ready();
        const r = await rankCandidates(operationsOf(ctx.app), args);
        const limit = r.candidates.length;
        const summary = [
          `Shift ${r.shift.id} on ${r.shift.date} ${r.shift.start}–${r.shift.end}: ${r.counts.eligible} eligible, ${r.counts.excluded} excluded.`,
          ...candidateLines(r, limit),
        ].join('\n');
        return answer(summary, { wellsky: ctx.wellsky, ...candidateFacts(r, limit) });
      }),
  );
}
