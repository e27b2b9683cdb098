import { spawn } from 'node:child_process';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { StoreConfigError } from './errors.ts';
import { PgliteThread } from './pglite-thread.ts';
import { RequestFirstPool } from './request-lane.ts';
import { NamingPool } from './statement-names.ts';
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
 * Creating the database (initdb) is the embedded store's memory peak: PGlite runs it in a second
 * WebAssembly instance beside the first, and a process keeps much of what it grew to. So a new folder is
 * created by a short-lived child process, whose memory goes back to the system when it exits, and this
 * process only ever opens a finished one. The child works in a staging folder renamed into place at the
 * end: a crash during creation leaves no half-created database behind. A non-empty folder without the
 * marker is not ours to replace; PGlite opens it in-process as before and says what is wrong with it.
 */
async function createApart(pgliteDir: string, startParams: string[]): Promise<void> {
  const existing = await readdir(pgliteDir).catch(() => undefined);
  if (existing && existing.length > 0) return;
  const staging = `${pgliteDir}.creating-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script =
    'const [entry, dir, params] = process.argv.slice(1);' +
    'require(entry).PGlite.create(dir, { startParams: JSON.parse(params) })' +
    '.then((db) => db.close()).catch((error) => { console.error(error.message); process.exit(1); });';
  const child = spawn(process.execPath, ['-e', script, pglite, staging, JSON.stringify(startParams)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`creating the database failed (exit ${code}): ${stderr.trim().slice(-500)}`);
  }
  if (existing) await rmdir(pgliteDir);
  await rename(staging, pgliteDir);
}

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
  let thread: PgliteThread;
  const startParams = [...PGlite.defaultStartParams, ...PGLITE_MEMORY];
  // V8 re-compiles PostgreSQL's hot WebAssembly functions with its optimising compiler, and the process
  // keeps about 60 MB from doing so; the baseline compiler's code runs our small queries as fast (measured:
  // inserts, primary-key reads, an aggregate). V8 reads the flag when it compiles a module, so setting it
  // here, before PGlite compiles, is enough; it covers only WebAssembly (PGlite; undici's HTTP parser).
  setFlagsFromString('--liftoff-only');
  try {
    await createApart(pgliteDir, startParams);
    thread = await PgliteThread.open(pgliteDir, startParams);
  } catch (error) {
    await unlock();
    throw new StoreConfigError(
      `Cannot open the embedded PostgreSQL (PGlite) database in ${pgliteDir} (${variable}): ` +
        `${(error as Error).message}. If the folder is damaged, move it aside and restart: the journal ` +
        `in ${join(dataDir, 'journal')} restores every acknowledged item it still holds.`,
    );
  }
  // idleTimeoutMillis 0: there is one connection object; nothing is gained by closing and reopening it.
  const pool = new pg.Pool({
    connection: thread.connection,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    idleTimeoutMillis: 0,
  } as pg.PoolConfig);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new RequestFirstPool(new NamingPool(pool)) }),
  });
  return {
    db,
    pgliteDir,
    async close() {
      try {
        await db.destroy();
        await thread.close();
      } finally {
        await unlock();
      }
    },
  };
}
