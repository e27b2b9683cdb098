import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { IntakeRequestError, IntakeUnavailableError } from '../../intake/errors.ts';
import { ApplicantRequest, ProspectRequest } from '../../intake/requests.ts';
import type { IntakeAnswer } from '../../intake/service.ts';
import type { ToolContext } from './context.ts';
import { answer, guarded, requireScope, ToolInputError } from './results.ts';

const OUTCOMES_TEXT =
  'The answer says what happened: created (a new WellSky record), updated, unchanged (nothing to send), ' +
  'linked (the person was already in WellSky: no duplicate was made) or held (a person at the office must ' +
  'choose between possible matches; reason and candidates say why). Calling again with the same source and ' +
  'externalId never creates a second record. Never pass a Social Security number: it is refused.';

function summary(a: IntakeAnswer): string {
  const who = `${a.kind} ${a.source}/${a.externalId}`;
  if (a.outcome === 'held') return `${who} is HELD for a person, not written to WellSky: ${a.reason}`;
  return `${who}: ${a.outcome} in WellSky as ${a.wellskyId} (stage ${a.stage}, status ${a.status}).`;
}

export function registerIntakeTools(server: McpServer, ctx: ToolContext): void {
  const upsert =
    (tool: string, kind: 'prospect' | 'applicant') =>
    async ({
      source,
      externalId,
      person,
    }: {
      source: string;
      externalId: string;
      person: Record<string, unknown>;
    }) =>
      guarded(async () => {
        requireScope(ctx.scope, 'write', tool);
        try {
          const result = await ctx.app.intake.service.upsert(kind, { source, externalId }, person);
          return answer(summary(result), { wellsky: ctx.wellsky, ...result });
        } catch (error) {
          if (error instanceof IntakeRequestError) throw new ToolInputError(error.message, error.field);
          if (error instanceof IntakeUnavailableError) throw new ToolInputError(error.message);
          throw error;
        }
      });

  const key = {
    source: z.string().min(1).max(40).describe('the system the person comes from, e.g. "hubspot"'),
    externalId: z.string().min(1).max(100).describe('the id of the deal or lead in that system'),
  };

  server.registerTool(
    'upsert_prospect',
    {
      title: 'Create or update a prospect (sales lead) in WellSky',
      description:
        'Bring a sales deal into WellSky as a prospect, or update it (stage → WellSky status; "ready to schedule" ' +
        'makes them a client). person: {givenName, familyName, phones: [{use: mobile|home|work, number}], email?, ' +
        `address?: {line, city, state, postalCode}, stage, payer?, referralSource?, notes?, birthDate?}. Needs a write key. ${OUTCOMES_TEXT}`,
      inputSchema: { ...key, person: ProspectRequest.loose() },
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    upsert('upsert_prospect', 'prospect'),
  );

  server.registerTool(
    'upsert_applicant',
    {
      title: 'Create or update a caregiver applicant in WellSky',
      description:
        'Bring a recruiting lead into WellSky as an applicant, or update it: stage → applicant status (hired needs ' +
        'hireDate and makes them a caregiver; rejected / withdrawn → Not Hired). person: {givenName, familyName, ' +
        'phones, email?, address?, stage, birthDate?, gender?, hireDate?, skills?: [..], languages?: [..], notes?}. ' +
        `Skills and languages become WellSky profile tags. Needs a write key. ${OUTCOMES_TEXT}`,
      inputSchema: { ...key, person: ApplicantRequest.loose() },
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    upsert('upsert_applicant', 'applicant'),
  );

  server.registerTool(
    'intake_status',
    {
      title: 'Where a prospect or applicant stands in WellSky',
      description:
        'The WellSky id, state (linked, held, creating, new) and history of one person brought in.',
      inputSchema: key,
      annotations: { readOnlyHint: true },
    },
    ({ source, externalId }) =>
      guarded(async () => {
        const link = await ctx.app.intake.service.get({ source, externalId });
        if (!link) throw new ToolInputError(`nothing is known about ${source}/${externalId}`);
        return answer(ctx.app.intake.service.describe(link), { wellsky: ctx.wellsky, link });
      }),
  );
}
