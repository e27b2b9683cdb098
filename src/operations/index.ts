export { CallOutInput, type CallOutResult, listCallOuts, reportCallOut } from './callout.ts';
export { type CallOutRules, DEFAULT_CALL_OUT_RULES } from './callout-rules.ts';
export {
  type Candidate,
  CandidatesInput,
  type CandidatesResult,
  type RankOptions,
  rankCandidates,
} from './candidates.ts';
export { ClockInInput, ClockOutInput, type ClockResult, clockIn, clockOut } from './clock.ts';
export { checkEligibility, type Eligibility } from './eligibility.ts';
export { OPERATION_ERROR_STATUS, OperationError } from './errors.ts';
export type * from './ports.ts';
export { DEFAULT_RANKING, type RankingConfig, rankingConfig } from './ranking-config.ts';
export type { RankedOccurrence } from './ranking-load.ts';
export { OperationsRepository } from './repository.ts';
