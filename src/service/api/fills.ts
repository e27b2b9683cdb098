import { z } from 'zod';
import { CAMPAIGN_ID, FillListInput } from '../../operations/fill/index.ts';
import { CAMPAIGN_STATES, OFFER_STATES } from '../../store/fill-types.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import { ErrorResponse } from './schemas.ts';

// Fill campaigns over HTTP (issue #9 §4). The engine's own input schemas; the shift id moves to the path.

const ShiftParams = z.object({ id: z.string().regex(/^\d+$/, 'a WellSky shift id is a number') });
const CampaignParams = z.object({ id: z.string().regex(CAMPAIGN_ID, 'fill campaign ids look like fc_…') });
export const FillBody = z
  .object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates look like 2026-03-08') })
  .strict();
const CancelBody = z.object({ by: z.string().trim().min(1).max(100).optional() }).strict();

const Offer = z.looseObject({
  id: z.string(),
  caregiverId: z.string(),
  wave: z.number(),
  rank: z.number(),
  reason: z.string(),
  state: z.enum(OFFER_STATES),
  stateReason: z.string().nullable(),
  saidYes: z.boolean(),
  repliedAt: z.string().nullable(),
});

export const FillCampaignResponse = z.looseObject({
  id: z.string(),
  state: z.enum(CAMPAIGN_STATES),
  stateReason: z.string().nullable(),
  origin: z.enum(['call-out', 'request']),
  shift: z.looseObject({
    id: z.string(),
    clientId: z.string(),
    date: z.string(),
    start: z.string(),
    end: z.string(),
    area: z.string().nullable(),
  }),
  winnerCaregiverId: z.string().nullable(),
  wavesSent: z.number(),
  nextWaveAt: z.string().nullable(),
  escalateAt: z.string(),
  counts: z.looseObject({ offers: z.number(), sent: z.number(), replies: z.number(), pending: z.number() }),
  timeToFillSeconds: z.number().nullable(),
  offers: z.array(Offer),
  officeItemId: z.string().nullable(),
  createdAt: z.string(),
});

const error = (description: string) => ({ description, schema: ErrorResponse });
const bad = error('the request is not valid; the error names the field');

export const fillRoutes: ApiRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/shifts/{id}/fill',
    scope: 'write',
    tag: 'fills',
    summary:
      'Fill an open shift occurrence: text the best-ranked eligible caregivers in waves; the first YES is assigned in WellSky (read back), a person is called in by the deadline',
    params: ShiftParams,
    body: FillBody,
    responses: {
      201: { description: 'the campaign started; its first wave is out', schema: FillCampaignResponse },
      200: {
        description: 'a campaign for this occurrence is already open: that one',
        schema: FillCampaignResponse,
      },
      400: bad,
      404: error('no such shift or occurrence in the local mirror'),
      409: error('the shift is assigned (not open) or has already started'),
      503: error('the mirror is empty (first sync not done)'),
    },
    audited: true,
    async handler(ctx) {
      const { campaign, created } = await ctx.app.fills.service.start({
        shiftId: ctx.params.id,
        date: ctx.body.date,
      });
      ctx.audit([campaign.shift.clientId, ...campaign.offers.map((o) => o.caregiverId)]);
      return { status: created ? 201 : 200, body: campaign };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/fills',
    scope: 'read',
    tag: 'fills',
    summary: 'Fill campaigns, newest first: state, shift, offers and their states, counts, time to fill',
    query: FillListInput,
    responses: {
      200: {
        description: 'the campaigns and the figures across all of them',
        schema: z.object({
          items: z.array(FillCampaignResponse),
          metrics: z.looseObject({
            fillRate: z.number().nullable(),
            offersSent: z.number(),
            replies: z.number(),
          }),
        }),
      },
      400: bad,
    },
    audited: true,
    async handler(ctx) {
      const items = await ctx.app.fills.service.list(ctx.query);
      ctx.audit(items.flatMap((c) => [c.shift.clientId, c.winnerCaregiverId]));
      return { body: { items, metrics: await ctx.app.fills.service.metrics() } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/fills/{id}',
    scope: 'read',
    tag: 'fills',
    summary: 'One fill campaign with every offer and the history of every transition (when and why)',
    params: CampaignParams,
    responses: {
      200: { description: 'the campaign', schema: FillCampaignResponse },
      400: bad,
      404: error('no such campaign'),
    },
    audited: true,
    async handler(ctx) {
      const campaign = await ctx.app.fills.service.require(ctx.params.id, { history: true });
      ctx.audit([campaign.shift.clientId, ...campaign.offers.map((o) => o.caregiverId)]);
      return { body: campaign };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/fills/{id}/cancel',
    scope: 'write',
    tag: 'fills',
    summary:
      'Stop a campaign (the shift no longer needs cover): pending offers withdrawn, caregivers who were texted are told',
    params: CampaignParams,
    body: CancelBody,
    responses: {
      200: { description: 'cancelled (or already was)', schema: FillCampaignResponse },
      400: bad,
      404: error('no such campaign'),
      409: error('the campaign is filled (change the assignment in WellSky) or expired'),
      503: error('a caregiver is being assigned right now; try again in a moment'),
    },
    audited: true,
    async handler(ctx) {
      const campaign = await ctx.app.fills.service.cancel(
        ctx.params.id,
        ctx.body.by ?? ctx.key?.name ?? 'the office',
      );
      ctx.audit([campaign.shift.clientId]);
      return { body: campaign };
    },
  }),
];
