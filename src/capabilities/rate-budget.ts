import type { ConnectClient } from '../connect/client.ts';
import { sharedBudgetUsage } from '../runtime/budget.ts';
import { openStore } from '../store/index.ts';

/** How this credential's requests are paced, as `doctor` shows it. */
export interface RateBudgetReport {
  /** `shared`: one budget for every process with this client id (PostgreSQL, or a running embedded service). */
  mode: 'shared' | 'in-process';
  perSecond: number;
  explanation: string;
  /** Shared mode: what all processes together were granted in each of the last seconds, oldest first. */
  lastSeconds?: number[] | undefined;
  busiestSecond?: number | undefined;
}

export async function inspectRateBudget(
  client: ConnectClient,
  env: NodeJS.ProcessEnv,
): Promise<RateBudgetReport> {
  const perSecond = client.governor.ratePerSecond;
  const limit = `${perSecond} requests/s (WELLSKY_RATE_LIMIT; the ceiling is 100/s per client id)`;
  const inProcess: RateBudgetReport = {
    mode: 'in-process',
    perSecond,
    explanation:
      `${limit}. No service holds the embedded store now: the process that opens it paces itself, and ` +
      'lends its budget with its store to the commands run beside it.',
  };
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore({ env, warn: () => {}, viaRunningService: true });
  } catch {
    return { ...inProcess, explanation: `${inProcess.explanation} (the store could not be opened)` };
  }
  try {
    const kind = store.rateBudget?.kind;
    // Opened here, the embedded store's budget is this command's own: nothing else draws from it.
    if (kind === undefined || kind === 'embedded') return inProcess;
    // A service of an older version answers no usage: the report says what it can without it.
    const usage = await sharedBudgetUsage(client, store, 10).catch(() => undefined);
    const explanation =
      kind === 'postgres'
        ? `${limit}, shared by every Skybridge process using this client id on this PostgreSQL (slots of ` +
          '100 ms claimed in the database). Set the same WELLSKY_RATE_LIMIT in every process.'
        : `${limit}, shared with the running service, which holds the embedded store (slots of 10 ms it ` +
          'hands out to itself and to every command beside it).';
    return {
      mode: 'shared',
      perSecond,
      explanation,
      lastSeconds: usage?.lastSeconds,
      busiestSecond: usage?.busiestSecond,
    };
  } finally {
    await store.close();
  }
}

export function formatRateBudget(report: RateBudgetReport): string {
  const used =
    report.lastSeconds === undefined
      ? ''
      : ` Last 10 s, all processes: ${report.lastSeconds.join(' ')} (busiest ${report.busiestSecond}).`;
  return `Rate budget: ${report.mode} — ${report.explanation}${used}`;
}
