import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { StoreConfigError } from './errors.ts';
import type { Database } from './types.ts';

export interface PgliteEngine {
  db: Kysely<Database>;
  pgliteDir: string;
  close(): Promise<void>;
}

/**
 * PGlite's WebAssembly memory only grows, never shrinks, so PostgreSQL's server defaults (128 MB of shared
 * buffers) become resident for good. One in-process connection serving one agency needs far less: these
 * cut the service's resident memory after the first sync (issue #11, item 6; see README, Memory).
 */
const PGLITE_MEMORY = ['-c', 'shared_buffers=16MB', '-c', 'work_mem=2MB', '-c', 'maintenance_work_mem=16MB'];

/**
 * Kysely over PGlite through PGlite's own node-postgres adapter (`@electric-sql/pglite/node-postgres`):
 * a `pg.Pool` whose single connection speaks the wire protocol to PGlite in-process, driven by
 * kysely's stock `PostgresDialect`. It is maintained with PGlite itself, so no third-party dialect
 * (kysely-pglite, kysely-pglite-dialect) is needed, and both engines run the exact same dialect and
 * SQL. Checked with kysely 0.28.19 + PGlite 0.5.16: transactions, jsonb, FOR UPDATE SKIP LOCKED,
 * advisory locks (kysely's Migrator) and CHECKPOINT work.
 *
 * PGlite is one connection, so the pool has `max: 1`: kysely's transactions and queries queue for
 * it, which serialises all access. Consequence: inside `transaction(fn)` use the transaction
 * handle, never `store.db`, or the call waits for a connection the transaction itself holds.
 */
export async function openPglite(dataDir: string, variable: string): Promise<PgliteEngine> {
  const pgliteDir = join(dataDir, 'pglite');
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new StoreConfigError(
      `Cannot create the data folder ${dataDir} (${variable}): ${(error as Error).message}. ` +
        `Point ${variable} at a writable folder, or set DATABASE_URL to use PostgreSQL.`,
    );
  }
  const unlock = await lockDataDir(dataDir, variable);
  let lite: PGlite;
  try {
    lite = await PGlite.create(pgliteDir, { startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY] });
  } catch (error) {
    await unlock();
    throw new StoreConfigError(
      `Cannot open the embedded PostgreSQL (PGlite) database in ${pgliteDir} (${variable}): ` +
        `${(error as Error).message}. If the folder is damaged, move it aside and restart: the journal ` +
        `in ${join(dataDir, 'journal')} restores every acknowledged item it still holds.`,
    );
  }
  // idleTimeoutMillis 0: the adapter shares one connection object; there is nothing to gain from
  // the pool closing and reopening it.
  const pool = new pg.Pool({ ...createPgConfig(lite), max: 1, idleTimeoutMillis: 0 } as pg.PoolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pgliteDir,
    async close() {
      try {
        await db.destroy();
        await lite.close();
      } finally {
        await unlock();
      }
    },
  };
}
