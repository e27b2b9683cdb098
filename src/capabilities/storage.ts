import { openStore } from '../store/index.ts';
import type { StorageReport } from './doctor.ts';

/**
 * The store's durability as doctor reports it: opened for real (so a PostgreSQL server's fsync settings
 * are read), or, when it cannot be opened (in use by a running service, unreachable), why not.
 */
export async function inspectStorage(env: NodeJS.ProcessEnv): Promise<StorageReport> {
  try {
    // Beside a running service on the embedded store, its store is reached through the service.
    const store = await openStore({ env, warn: () => {}, viaRunningService: true });
    try {
      return { ...store.durability };
    } finally {
      await store.close();
    }
  } catch (error) {
    return {
      engine: 'unavailable',
      survivesProcessKill: null,
      survivesPowerLoss: null,
      explanation: `the store could not be opened: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
