import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { StoreConfigError } from './errors.ts';
import type { Database } from './types.ts';

export interface PostgresEngine {
  db: Kysely<Database>;
  /** Whether the server flushes its WAL at commit, as its settings say. */
  flushesOnCommit: { fsync: string; synchronousCommit: string };
  close(): Promise<void>;
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export function parseDatabaseUrl(url: string, variable: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreConfigError(
      `${variable} is not a valid URL. Expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, ` +
        `for example postgres://skybridge@127.0.0.1:5432/skybridge; unset it to use the embedded store.`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreConfigError(
      `${variable} must start with postgres:// or postgresql:// (it starts with ${parsed.protocol}//). ` +
        'Unset it to use the embedded store.',
    );
  }
  if (!parsed.hostname || parsed.pathname.length <= 1) {
    throw new StoreConfigError(
      `${variable} (${redactUrl(url)}) must name a host and a database, ` +
        'as in postgres://USER@HOST:5432/DATABASE.',
    );
  }
  return parsed;
}

export async function openPostgres(url: string, variable: string): Promise<PostgresEngine> {
  parseDatabaseUrl(url, variable);
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 15_000 });
  // An idle client's socket error is reported on the pool; without a listener it would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await sql<{ fsync: string; synchronous_commit: string }>`
      SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit
    `.execute(db);
    const row = rows[0] ?? { fsync: 'unknown', synchronous_commit: 'unknown' };
    return {
      db,
      flushesOnCommit: { fsync: row.fsync, synchronousCommit: row.synchronous_commit },
      close: () => db.destroy(),
    };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const reason = (error as Error).message || (error as NodeJS.ErrnoException).code || String(error);
    throw new StoreConfigError(
      `Cannot connect to the PostgreSQL server in ${variable} (${redactUrl(url)}): ${reason}. ` +
        `Check that the server is running and reachable and that the user, password and database in ${variable} ` +
        'are right; or unset it to use the embedded store.',
    );
  }
}
