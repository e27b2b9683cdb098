import { ConnectClient } from '../connect/client.ts';
import { type ConnectConfigInput, loadConnectConfig } from '../connect/config.ts';
import { openStore, type Store } from '../store/index.ts';
import { shareRateBudget } from './budget.ts';

/**
 * What an interface (a CLI command, the service) needs: the store and, when configured, a WellSky client.
 * Built from the environment (`WELLSKY_*`, `DATABASE_URL`, `SKYBRIDGE_DATA_DIR`) unless given explicitly.
 */
export interface RuntimeContext {
  store: Store;
  /** Undefined when no WellSky credentials are configured (reads from the store still work). */
  wellsky: ConnectClient | undefined;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export interface ContextOptions {
  env?: NodeJS.ProcessEnv;
  /** Fail with a clear message when WellSky is not configured. */
  requireWellSky?: boolean;
  wellsky?: Partial<ConnectConfigInput>;
  store?: Store;
  client?: ConnectClient;
}

export async function openContext(options: ContextOptions = {}): Promise<RuntimeContext> {
  const env = options.env ?? process.env;
  const configured = Boolean(options.wellsky?.clientId ?? env.WELLSKY_CLIENT_ID);
  if (options.requireWellSky && !configured && !options.client) {
    // loadConnectConfig names every missing variable.
    loadConnectConfig(options.wellsky, env);
  }
  const wellsky =
    options.client ?? (configured ? new ConnectClient({ config: options.wellsky, env }) : undefined);
  // Beside a running service on the embedded store, commands use the service's store (its socket).
  const store = options.store ?? (await openStore({ env, viaRunningService: true }));
  const ownsStore = options.store === undefined;
  if (wellsky) shareRateBudget(wellsky, store, env);
  return {
    store,
    wellsky,
    env,
    close: async () => {
      if (ownsStore) await store.close();
    },
  };
}
