import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type OpenStoreOptions, openStore, type Store } from '../../src/store/index.ts';
import { pgliteTemplateDir, postgresTemplateName } from './templates.ts';

export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

/** One engine's fixture for one test file: a fresh PGlite folder, or a fresh PostgreSQL database. */
export interface TestEngine {
  readonly name: 'pglite' | 'postgres';
  /** Open a store on this fixture's data (again, after a close, to test reopening). */
  open(extra?: Omit<OpenStoreOptions, 'databaseUrl' | 'dataDir' | 'env'>): Promise<Store>;
  readonly dataDir: string | null;
  readonly databaseUrl: string | null;
  dispose(): Promise<void>;
}

export interface CreateOptions {
  /**
   * Start from nothing (no PGlite folder, an empty database), so the first open runs initdb and every
   * migration. By default a fixture starts as a copy of a migrated empty store (test/helpers/templates.ts):
   * the same schema, without paying for building it in every test.
   */
  empty?: boolean;
}

export interface EngineFactory {
  name: 'pglite' | 'postgres';
  create(options?: CreateOptions): Promise<TestEngine>;
}

const quiet = () => undefined;

export const pgliteEngine: EngineFactory = {
  name: 'pglite',
  async create({ empty = false } = {}) {
    const template = empty ? undefined : await pgliteTemplateDir();
    const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-store-'));
    // cp(1), not fs.cp: Node 20's fs.cp takes seconds over the template's thousand-odd files on a busy machine.
    if (template) await promisify(execFile)('cp', ['-R', template, join(dataDir, 'pglite')]);
    return {
      name: 'pglite',
      dataDir,
      databaseUrl: null,
      open: (extra = {}) => openStore({ dataDir, env: {}, warn: quiet, ...extra }),
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
};

export const postgresEngine: EngineFactory = {
  name: 'postgres',
  async create({ empty = false } = {}) {
    const admin = new URL(TEST_DATABASE_URL);
    const name = `skybridge_t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
    } catch (error) {
      // Fail, never skip: CI guarantees a server, and a silently skipped engine hides regressions.
      throw new Error(
        `PostgreSQL is not reachable at ${admin.host} (TEST_DATABASE_URL=${TEST_DATABASE_URL}): ` +
          `${(error as Error).message}. Start it with scripts/ensure-postgres.sh.`,
      );
    }
    try {
      const template = empty ? undefined : await postgresTemplateName(admin.toString());
      await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    } finally {
      await client.end();
    }
    const url = new URL(admin.toString());
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    return {
      name: 'postgres',
      dataDir: null,
      databaseUrl,
      open: (extra = {}) => openStore({ databaseUrl, env: {}, warn: quiet, ...extra }),
      async dispose() {
        const dropper = new pg.Client({ connectionString: admin.toString() });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      },
    };
  },
};

export const engines: EngineFactory[] = [pgliteEngine, postgresEngine];

/** Empty the item tables between tests that share one store. */
export async function clearItems(store: Store): Promise<void> {
  await store.db.deleteFrom('documentation_items').execute();
}
