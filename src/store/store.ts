import { join, resolve } from 'node:path';
import { type Kysely, Migrator, type Transaction } from 'kysely';
import { openRunningServiceStore } from './bridge-client.ts';
import { LocalSlotBudget } from './budget-local.ts';
import { postgresRateBudget, type StoreRateBudget } from './budget-repo.ts';
import { openPglite } from './engine-pglite.ts';
import { openPostgres } from './engine-postgres.ts';
import { StoreConfigError } from './errors.ts';
import type { FileOps } from './file-ops.ts';
import { Journal } from './journal.ts';
import { type ApplyCounts, applyJournalRecords } from './journal-apply.ts';
import { type CompactionReport, compactJournal } from './journal-compaction.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './types.ts';

export type StoreEngine = 'pglite' | 'postgres';

export interface Durability {
  engine: StoreEngine;
  survivesProcessKill: boolean;
  survivesPowerLoss: boolean;
  explanation: string;
}

export interface ReplayReport extends ApplyCounts {
  records: number;
  warnings: string[];
  compaction: CompactionReport | null;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly engine: StoreEngine;
  readonly durability: Durability;
  /** The fsync'd journal (embedded mode only); the repository appends to it. */
  readonly journal: Journal | null;
  /** What the journal replay at open did (embedded mode only). */
  readonly replay: ReplayReport | null;
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Drop journal records the store no longer needs (embedded mode; a no-op on PostgreSQL). */
  compactJournal(): Promise<CompactionReport>;
  /**
   * The WellSky rate budget every process using this store draws from (one per credential): in
   * PostgreSQL, or in the memory of the process holding the embedded store. Absent: pace in-process.
   */
  readonly rateBudget?: StoreRateBudget | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  databaseUrl?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Injected into the journal, for tests. */
  journalFileOps?: FileOps;
  /** Compact the journal at open after replaying it (default true). */
  compactJournalAtOpen?: boolean;
  warn?: (message: string) => void;
  /**
   * Embedded mode: when a running Skybridge service holds the data folder, use its store through the
   * socket it lends (CLI commands beside `npm start`) instead of failing on the folder's lock.
   */
  viaRunningService?: boolean;
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const env = options.env ?? process.env;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const databaseUrl = options.databaseUrl ?? nonEmpty(env['DATABASE_URL']);
  if (databaseUrl !== undefined) {
    const variable = options.databaseUrl !== undefined ? 'the databaseUrl option' : 'DATABASE_URL';
    return openPostgresStore(databaseUrl, variable);
  }
  const variable = options.dataDir !== undefined ? 'the dataDir option' : 'SKYBRIDGE_DATA_DIR';
  const dataDir = embeddedDataDir(env, options.dataDir);
  if (options.viaRunningService) {
    const lent = await openRunningServiceStore(dataDir);
    if (lent) return lent;
  }
  return openPgliteStore(dataDir, variable, options, warn);
}

/** The embedded store's folder: the option, else `SKYBRIDGE_DATA_DIR`, else `./.skybridge`. */
export function embeddedDataDir(env: NodeJS.ProcessEnv = process.env, dataDir?: string): string {
  return resolve(dataDir ?? nonEmpty(env['SKYBRIDGE_DATA_DIR']) ?? './.skybridge');
}

async function openPostgresStore(url: string, variable: string): Promise<Store> {
  const engine = await openPostgres(url, variable);
  try {
    await migrate(engine.db);
  } catch (error) {
    await engine.close();
    throw error;
  }
  const { fsync, synchronousCommit } = engine.flushesOnCommit;
  const flushes = fsync === 'on' && synchronousCommit !== 'off';
  return {
    db: engine.db,
    engine: 'postgres',
    rateBudget: postgresRateBudget(engine.db),
    journal: null,
    replay: null,
    durability: {
      engine: 'postgres',
      survivesProcessKill: true,
      survivesPowerLoss: flushes,
      explanation: flushes
        ? 'PostgreSQL flushes its write-ahead log to disk at every commit (fsync=on, ' +
          `synchronous_commit=${synchronousCommit}), so an acknowledged item survives a killed process, ` +
          'a crash and a power loss. No separate journal is kept.'
        : `The PostgreSQL server runs with fsync=${fsync}, synchronous_commit=${synchronousCommit}: ` +
          'committed items survive a killed Skybridge process but a power loss or OS crash can lose the ' +
          'latest ones. Turn both settings on for a production store.',
    },
    transaction: (fn) => engine.db.transaction().execute(fn),
    compactJournal: async () => ({ removedSegments: [], carried: 0, dropped: 0 }),
    close: () => engine.close(),
  };
}

async function openPgliteStore(
  dataDir: string,
  variable: string,
  options: OpenStoreOptions,
  warn: (message: string) => void,
): Promise<Store> {
  const engine = await openPglite(dataDir, variable);
  let journal: Journal | null = null;
  try {
    await migrate(engine.db);
    journal = await Journal.open(join(dataDir, 'journal'), { fileOps: options.journalFileOps, warn });
    const { records, warnings } = await journal.readAll();
    const counts = await engine.db.transaction().execute((trx) => applyJournalRecords(trx, records));
    if (counts.restored + counts.deliveriesRestored + counts.verificationsRestored > 0) {
      warn(
        `journal: the embedded store had lost changes and got them back from ${join(dataDir, 'journal')}: ` +
          `${counts.restored} item(s), ${counts.deliveriesRestored} delivery record(s), ` +
          `${counts.verificationsRestored} in-flight attempt(s).`,
      );
    }
    const compaction =
      options.compactJournalAtOpen !== false && journal.sealedSegmentCount > 0
        ? await compactJournal(engine.db, journal, engine.pgliteDir)
        : null;
    const openJournal = journal;
    // No yield between statements is needed: PGlite answers from its own thread (store/pglite-thread.ts),
    // so every statement is a turn of the event loop.
    const db = engine.db;
    return {
      db,
      engine: 'pglite',
      rateBudget: new LocalSlotBudget(),
      journal: openJournal,
      replay: { records: records.length, warnings, compaction, ...counts },
      durability: {
        engine: 'pglite',
        survivesProcessKill: true,
        survivesPowerLoss: true,
        explanation:
          'Embedded PostgreSQL (PGlite) writes its files but never flushes them to disk ' +
          '(electric-sql/pglite#1107): alone it survives a killed process, not a power loss. So every ' +
          `accepted item and every delivery is also appended to an fsync'd journal in ${join(dataDir, 'journal')} ` +
          'before it is acknowledged, and replayed into the store at start-up. After a power loss, claims, ' +
          'retries and holds may roll back, which repeats work safely (an attempt that was in flight makes ' +
          'the next one look in WellSky first). Use DATABASE_URL (PostgreSQL) for several processes.',
      },
      transaction: (fn) => db.transaction().execute(fn),
      compactJournal: () => compactJournal(engine.db, openJournal, engine.pgliteDir),
      async close() {
        try {
          await openJournal.close();
        } finally {
          await engine.close();
        }
      },
    };
  } catch (error) {
    await journal?.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    throw error;
  }
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreConfigError(
      `Could not bring the database schema up to date (migration ${failed}): ${(error as Error).message ?? error}`,
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
