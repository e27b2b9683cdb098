import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { formatPhone } from '../../lib/phone.ts';
import type { IdentifyMatch, MirrorPerson, ShiftView } from '../../mirror/types.ts';
import { freshness, type ToolContext } from './context.ts';
import { answer, guarded, ToolInputError } from './results.ts';

const id = (what: string) => z.string().regex(/^\d+$/, `${what} must be a numeric WellSky id such as 900001`);
const day = (what: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be an agency-local day, YYYY-MM-DD`);
/** Longest range `shifts` answers in one call: keeps answers readable for a model. */
const MAX_RANGE_DAYS = 31;

function matchFacts(m: IdentifyMatch) {
  return {
    kind: m.kind,
    id: m.id,
    name: m.name,
    active: m.active,
    phoneUse: m.phoneUse,
    ...(m.client ? { familyOf: { clientId: m.client.id, clientName: m.client.name } } : {}),
    ...(m.relationship ? { relationship: m.relationship } : {}),
    syncedAt: m.syncedAt,
    ageSeconds: m.ageSeconds,
  };
}

function personFacts(p: MirrorPerson) {
  return {
    kind: p.kind,
    id: p.id,
    name: p.name,
    active: p.active,
    status: p.status,
    phones: p.phones.map((ph) => ({ use: ph.use, number: formatPhone(ph.digits) })),
    languages: p.languages,
    ...(p.client ? { familyOf: { clientId: p.client.id, clientName: p.client.name } } : {}),
    syncedAt: p.syncedAt,
  };
}

function shiftLine(s: ShiftView): string {
  const who = s.caregiver ? `${s.caregiver.name ?? s.caregiver.id}` : 'OPEN (no caregiver)';
  return `${s.date} ${s.startTime}–${s.endTime}${s.endsNextDay ? ' (+1 day)' : ''} client ${s.client.name ?? s.client.id}, caregiver ${who}, ${s.status}`;
}

export function registerMirrorTools(server: McpServer, ctx: ToolContext): void {
  const { app } = ctx;

  server.registerTool(
    'identify_caller',
    {
      title: 'Who is calling?',
      description:
        'Identify who holds a phone number: caregiver, applicant, client, prospect, or a family contact of a ' +
        'client (then familyOf names the client). Accepts any US format: "(303) 555-0100", "+1 303-555-0100", ' +
        '"303.555.0100 x12". Several people can share a number (a household): all are returned, active ' +
        'first; do not guess between them — ask the caller. No match means the number is not in WellSky. ' +
        'Answers come from the local mirror of WellSky; syncedAt/ageSeconds tell how fresh each record is.',
      inputSchema: { phone: z.string().min(7, 'phone must hold a 10-digit US number').max(40) },
      annotations: { readOnlyHint: true },
    },
    ({ phone }) =>
      guarded(async () => {
        await ctx.ready();
        let result: ReturnType<typeof app.mirror.identify>;
        try {
          result = app.mirror.identify(phone);
        } catch (error) {
          if (error instanceof RangeError)
            throw new ToolInputError(`phone: "${phone}" is not a 10-digit US phone number`, 'phone');
          throw error;
        }
        const matches = result.matches.map(matchFacts);
        const summary =
          matches.length === 0
            ? `No one in WellSky has the number ${formatPhone(result.digits)}.`
            : `${matches.length} match(es) for ${formatPhone(result.digits)}: ` +
              matches
                .map(
                  (m) =>
                    `${m.kind} ${m.name} (id ${m.id})${m.familyOf ? `, ${m.relationship ?? 'contact'} of client ${m.familyOf.clientName} (id ${m.familyOf.clientId})` : ''}${m.active ? '' : ' [inactive]'}`,
                )
                .join('; ');
        return answer(summary, {
          wellsky: ctx.wellsky,
          digits: result.digits,
          ...(result.extension ? { extension: result.extension } : {}),
          matches,
          ...freshness(app),
        });
      }),
  );

  server.registerTool(
    'find_person',
    {
      title: 'Find a caregiver or client by name',
      description:
        'Search caregivers, applicants, clients, prospects and family contacts by name: partial, case- and ' +
        'accent-insensitive ("jose nunez" finds "José Núñez"). Use it to get the WellSky id that other tools ' +
        'need. Returns at most `limit` people, best matches first.',
      inputSchema: {
        name: z.string().trim().min(1, 'name must have at least one letter').max(100),
        kind: z.enum(['caregiver', 'applicant', 'client', 'prospect', 'family']).optional(),
        limit: z.number().int().min(1).max(50).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    ({ name, kind, limit }) =>
      guarded(async () => {
        await ctx.ready();
        const people = app.mirror
          .searchPeople(name, { ...(kind ? { kinds: [kind] } : {}), limit: limit ?? 10 })
          .map(personFacts);
        const summary =
          people.length === 0
            ? `No ${kind ?? 'person'} matches "${name}".`
            : `${people.length} match(es): ${people.map((p) => `${p.kind} ${p.name} (id ${p.id})`).join('; ')}`;
        return answer(summary, { wellsky: ctx.wellsky, people, ...freshness(app) });
      }),
  );

  server.registerTool(
    'shifts',
    {
      title: 'Shifts of a caregiver or a client',
      description:
        'Scheduled shifts of ONE caregiver (caregiverId) or ONE client (clientId) on an agency-local day ' +
        `(date) or a range of days (from and to, at most ${MAX_RANGE_DAYS} days); default today. Times are in ` +
        "the agency's time zone (given in the answer); a shift crossing midnight belongs to the day it starts. " +
        'A client’s open (unstaffed) shifts are included with caregiver null. visit is the clock-in record, ' +
        'when there is one.',
      inputSchema: {
        caregiverId: id('caregiverId').optional(),
        clientId: id('clientId').optional(),
        date: day('date').optional(),
        from: day('from').optional(),
        to: day('to').optional(),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      guarded(async () => {
        await ctx.ready();
        if (Boolean(args.caregiverId) === Boolean(args.clientId))
          throw new ToolInputError('give exactly one of caregiverId or clientId', 'caregiverId');
        if (args.from && args.to) {
          const span = DateTime.fromISO(args.to).diff(DateTime.fromISO(args.from), 'days').days;
          if (span < 0) throw new ToolInputError('to is before from', 'to');
          if (span >= MAX_RANGE_DAYS)
            throw new ToolInputError(`ask for at most ${MAX_RANGE_DAYS} days at a time`, 'to');
        }
        const result = await app.mirror.shifts(args);
        const subject = args.caregiverId ? `caregiver ${args.caregiverId}` : `client ${args.clientId}`;
        const days = result.from === result.to ? result.from : `${result.from} to ${result.to}`;
        const summary =
          result.shifts.length === 0
            ? `No shifts for ${subject} on ${days} (${result.timezone}).`
            : `${result.shifts.length} shift(s) for ${subject} on ${days} (${result.timezone}):\n` +
              result.shifts.map(shiftLine).join('\n');
        return answer(summary, { wellsky: ctx.wellsky, ...result, ...freshness(app) });
      }),
  );

  server.registerTool(
    'next_shift',
    {
      title: "A caregiver's current or next shift",
      description:
        'The shift a caregiver is working now (state "in-progress") or, if none, their next one ("upcoming"), ' +
        "in the agency's time zone. Cancelled shifts are skipped. null shift: nothing scheduled in the " +
        'mirrored window.',
      inputSchema: { caregiverId: id('caregiverId') },
      annotations: { readOnlyHint: true },
    },
    ({ caregiverId }) =>
      guarded(async () => {
        await ctx.ready();
        if (!app.mirror.person('caregiver', caregiverId))
          throw new ToolInputError(
            `there is no caregiver ${caregiverId} in WellSky (use find_person or identify_caller to get the id)`,
            'caregiverId',
          );
        const next = await app.mirror.currentOrNextShift(caregiverId);
        const summary = next
          ? `${next.state === 'in-progress' ? 'Working now' : 'Next shift'}: ${shiftLine(next.shift)}`
          : `Caregiver ${caregiverId} has no current or upcoming shift in the mirrored schedule.`;
        return answer(summary, {
          wellsky: ctx.wellsky,
          timezone: app.mirror.timezone,
          state: next?.state ?? null,
          shift: next?.shift ?? null,
          ...freshness(app),
        });
      }),
  );
}
