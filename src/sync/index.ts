export { COLLECTIONS, type Collection, type CollectionCounts, type RunCounts } from './counts.ts';
export {
  DEFAULT_SETTINGS,
  type PhaseSummary,
  Sync,
  type SyncOptions,
  type SyncProgress,
  type SyncSettings,
  type SyncSummary,
  type WebhookRef,
} from './engine.ts';
export { RequestMeter } from './meter.ts';
export { scheduleSync } from './schedule.ts';
export { settingsFromEnv } from './settings.ts';
export {
  type EnsureOptions,
  type EnsureResult,
  ensureSubscriptions,
  MIRROR_CRITERIA,
} from './subscriptions.ts';
export {
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookRequest,
  type WebhookResponse,
  webhookHeaderLine,
} from './webhooks.ts';
