import { z } from 'zod';
import type { CampaignState } from '../../store/fill-types.ts';
import { CAMPAIGN_STATES } from '../../store/fill-types.ts';
import { OperationError } from '../errors.ts';
import type { FillEngine } from './engine.ts';
import { type CampaignView, campaignView, type FillMetrics, fillMetrics } from './view.ts';

/** Input of "fill this shift", shared by the CLI, HTTP and MCP. */
export const FillStartInput = z
  .object({
    shiftId: z
      .union([z.string(), z.number()])
      .transform(String)
      .pipe(z.string().regex(/^\d+$/, 'a WellSky shift id is a number')),
    /** The occurrence's agency-local day. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates look like 2026-03-08'),
  })
  .strict();
export type FillStartInput = z.input<typeof FillStartInput>;

export const FillListInput = z
  .object({
    state: z.enum(CAMPAIGN_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .strict();

export const CAMPAIGN_ID = /^fc_[0-9a-f-]{36}$/;

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'input';
    throw new OperationError('invalid-input', `${field}: ${issue.message}`, field);
  }
  return parsed.data;
}

/** What the interfaces call: validated input in, campaign views out. */
export class FillService {
  constructor(private readonly engine: FillEngine) {}

  async start(raw: unknown): Promise<{ campaign: CampaignView; created: boolean }> {
    const input = parse(FillStartInput, raw);
    const { campaignId, created } = await this.engine.start(
      { shiftId: input.shiftId, date: input.date },
      { origin: 'request' },
    );
    return { campaign: (await this.get(campaignId))!, created };
  }

  async get(id: string, options: { history?: boolean } = {}): Promise<CampaignView | undefined> {
    if (!CAMPAIGN_ID.test(id))
      throw new OperationError('invalid-input', 'id: fill campaign ids look like fc_…', 'id');
    const repo = this.engine.repo;
    const c = await repo.campaign(id);
    if (!c) return undefined;
    return campaignView(c, await repo.offers(id), options.history ? await repo.historyOf(id) : undefined);
  }

  async require(id: string, options: { history?: boolean } = {}): Promise<CampaignView> {
    const view = await this.get(id, options);
    if (!view) throw new OperationError('no-such-shift', `there is no fill campaign ${id}`, 'id');
    return view;
  }

  async list(raw: unknown = {}): Promise<CampaignView[]> {
    const input = parse(FillListInput, raw);
    const rows = await this.engine.repo.campaigns({
      ...(input.state ? { state: input.state as CampaignState } : {}),
      limit: input.limit ?? 50,
    });
    return Promise.all(rows.map(async (c) => campaignView(c, await this.engine.repo.offers(c.id))));
  }

  async cancel(id: string, by = 'the office'): Promise<CampaignView> {
    await this.require(id);
    await this.engine.cancel(id, by);
    return this.require(id);
  }

  async metrics(): Promise<FillMetrics> {
    const db = this.engine.repo.db;
    const campaigns = await db
      .selectFrom('fill_campaigns')
      .select(['state', 'created_at', 'accepted_at'])
      .execute();
    const offers = await db
      .selectFrom('fill_offers')
      .select((eb) => [
        eb.fn.count<string>('message_id').as('sent'),
        eb.fn.count<string>('replied_at').as('replies'),
      ])
      .executeTakeFirstOrThrow();
    return fillMetrics(campaigns, { sent: Number(offers.sent), replies: Number(offers.replies) });
  }
}
