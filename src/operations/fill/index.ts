export { DEFAULT_FILL, FILL_ENV, type FillConfig, fillConfig } from './config.ts';
export { type AdvanceSummary, FillEngine, type PausePoint, type StartOptions } from './engine.ts';
export { handleFillReply } from './inbound.ts';
export type * from './ports.ts';
export { parseReply } from './replies.ts';
export { CAMPAIGN_ID, FillListInput, FillService, FillStartInput } from './service.ts';
export { type CampaignView, campaignView, type FillMetrics, fillMetrics } from './view.ts';
