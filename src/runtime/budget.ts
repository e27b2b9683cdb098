import { createHash } from 'node:crypto';
import type { ConnectClient } from '../connect/client.ts';
import type { BudgetUsage } from '../store/budget-repo.ts';
import type { Store } from '../store/store.ts';

/** The budget's key: host and client id, hashed, so the table never holds the id itself. */
export function credentialKey(client: ConnectClient): string {
  const { baseUrl, clientId } = client.config;
  return createHash('sha256').update(`${baseUrl}\n${clientId}`).digest('hex').slice(0, 24);
}

/**
 * Every process using the same store and credential draws from one budget: the store's (in PostgreSQL,
 * or in the memory of the process that holds the embedded store and lends it to commands beside it).
 * Returns whether the budget is shared.
 */
export function shareRateBudget(
  client: ConnectClient,
  store: Store,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const budget = store.rateBudget;
  if (!budget) return false;
  // Only to measure what the shared budget prevents (README, "One rate budget"); never in production.
  if (env.SKYBRIDGE_RATE_BUDGET === 'per-process') return false;
  if (client.governor.describe().mode === 'shared') return true;
  const credential = credentialKey(client);
  const perSecond = client.governor.ratePerSecond;
  client.governor.share({
    where: budget.where,
    claim: (want, fromSlot) => budget.claim(credential, perSecond, want, fromSlot),
  });
  return true;
}

/** What every process of this credential was granted in the last seconds (stores with a budget). */
export async function sharedBudgetUsage(
  client: ConnectClient,
  store: Store,
  seconds = 10,
): Promise<BudgetUsage | undefined> {
  return store.rateBudget?.usage(credentialKey(client), seconds);
}
