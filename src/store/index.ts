export { CapabilityRepo, type CapabilityRow } from './capability-repo.ts';
export {
  DocumentationRepo,
  type ErrorInfo,
  type ListOptions,
  type ManualResolution,
  type SubmitResult,
} from './documentation-repo.ts';
export { StoreConfigError, TransitionRefusedError } from './errors.ts';
export { type SubmitInput, SubmitValidationError } from './item-input.ts';
export type { JournalRecord } from './journal.ts';
export type { CompactionReport } from './journal-compaction.ts';
export {
  type Durability,
  type OpenStoreOptions,
  openStore,
  type ReplayReport,
  type Store,
  type StoreEngine,
} from './store.ts';
export * from './types.ts';
