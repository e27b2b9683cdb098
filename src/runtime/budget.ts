import { createHash } from 'node:crypto';
import type { SharedBudget } from '../connect/budget-governor.ts';
import type { ConnectClient } from '../connect/client.ts';
import { BudgetRepo, type BudgetUsage } from '../store/budget-repo.ts';
import type { Store } from '../store/store.ts';

/** The budget's key: host and client id, hashed, so the table never holds the id itself. */
export function credentialKey(client: ConnectClient): string {
  const { baseUrl, clientId } = client.config;
  return createHash('sha256').update(`${baseUrl}\n${clientId}`).digest('hex').slice(0, 24);
}

/**
 * With PostgreSQL, every process of this credential draws from one budget kept there; the embedded
 * store is one process by construction (its folder is locked), so its in-process pacing is the budget.
 * Returns whether the budget is shared.
 */
export function shareRateBudget(
  client: ConnectClient,
  store: Store,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (store.engine !== 'postgres') return false;
  // Only to measure what the shared budget prevents (README, "One rate budget"); never in production.
  if (env.SKYBRIDGE_RATE_BUDGET === 'per-process') return false;
  if (client.governor.describe().mode === 'shared') return true;
  const repo = new BudgetRepo(store.db);
  const credential = credentialKey(client);
  const perSecond = client.governor.ratePerSecond;
  let claims = 0;
  const budget: SharedBudget = {
    where: 'PostgreSQL',
    async claim(want, fromSlot) {
      claims += 1;
      // Old slots only serve `usage`; about once a minute at full speed, drop what is older than 2 min.
      if (claims % 2000 === 0) void repo.prune(credential).catch(() => undefined);
      return repo.claim(credential, perSecond, want, fromSlot);
    },
  };
  client.governor.share(budget);
  return true;
}

/** What every process of this credential was granted in the last seconds (PostgreSQL only). */
export async function sharedBudgetUsage(
  client: ConnectClient,
  store: Store,
  seconds = 10,
): Promise<BudgetUsage | undefined> {
  if (store.engine !== 'postgres') return undefined;
  return new BudgetRepo(store.db).usage(credentialKey(client), seconds);
}
