// Migrated empty stores to copy from, one per engine, so a test's fresh store costs a folder copy (PGlite)
// or a CREATE DATABASE … TEMPLATE (PostgreSQL) instead of initdb and every migration: that cost, paid by
// nearly every test file and several times by some, dominated the suite's run time.
//
// A template is named by a hash of what decides its contents (the migrations, the store's open path, the
// PGlite version), so a changed migration makes a new one and a stale template is never used. Templates
// are built once and kept between runs (in the temporary folder and on the test server). Building is
// race-free without a lock: each process builds under its own name and renames it into place; the loser
// of a race throws its copy away.
//
// scripts/run-tests.js builds both before the run (test/helpers/build-templates.ts).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { access, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import { REPO } from './entry.ts';

/** The sources, also when the tests run compiled: a template is the same whichever way they run. */
const ROOT = `${REPO}/`;

/** What a migrated empty store is made from. */
function sources(): string[] {
  const store = join(ROOT, 'src', 'store');
  const migrations = join(store, 'migrations');
  return [
    join(store, 'store.ts'),
    join(store, 'engine-pglite.ts'),
    join(store, 'engine-postgres.ts'),
    ...readdirSync(migrations)
      .sort()
      .map((name) => join(migrations, name)),
    join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'),
    join(ROOT, 'node_modules', 'kysely', 'package.json'),
  ];
}

let key: string | undefined;
function templateKey(): string {
  if (key === undefined) {
    const hash = createHash('sha256');
    // A file moved or removed since this list was written changes the key too, rather than failing.
    for (const file of sources())
      hash
        .update(file.slice(ROOT.length))
        .update('\0')
        .update(existsSync(file) ? readFileSync(file) : '');
    key = hash.digest('hex').slice(0, 16);
  }
  return key;
}

const quiet = () => undefined;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Where PGlite templates are kept: scripts/run-tests.js moves the tests' temporary folder into memory for
 * one run and names the lasting one here, so a template still serves many runs.
 */
const templatesDir = () => process.env['SKYBRIDGE_TEST_TEMPLATES'] || tmpdir();

let pgliteTemplate: Promise<string> | undefined;

/**
 * The PGlite folder (`<dataDir>/pglite`) of a store opened once and closed: initdb done, every migration
 * applied. Only that folder: a copy's journal starts empty, as a new store's does.
 */
export function pgliteTemplateDir(): Promise<string> {
  pgliteTemplate ??= (async () => {
    const home = join(templatesDir(), `skybridge-test-template-${templateKey()}`);
    const ready = join(home, 'pglite');
    if (await exists(ready)) return ready;
    const build = await mkdtemp(join(templatesDir(), 'skybridge-test-template-build-'));
    try {
      const store = await openStore({ dataDir: build, env: {}, warn: quiet });
      await store.close();
      await rm(join(build, 'journal'), { recursive: true, force: true });
      await rename(build, home).catch(async (error: NodeJS.ErrnoException) => {
        // Another process finished first; its template is the same.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(build, { recursive: true, force: true });
    }
    return ready;
  })();
  return pgliteTemplate;
}

let postgresTemplate: Promise<string> | undefined;

/** The name of a database on the test server with every migration applied and nothing else. */
export function postgresTemplateName(adminUrl: string): Promise<string> {
  postgresTemplate ??= (async () => {
    const name = `skybridge_template_${templateKey()}`;
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return name;
      const build = `skybridge_template_build_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${build}`);
      try {
        const url = new URL(adminUrl);
        url.pathname = `/${build}`;
        const store = await openStore({ databaseUrl: url.toString(), env: {}, warn: quiet });
        await store.close();
        await admin.query(`ALTER DATABASE ${build} RENAME TO ${name}`).catch((error: { code?: string }) => {
          // 42P04 duplicate_database: another process finished first; its template is the same.
          if (error.code !== '42P04') throw error;
        });
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${build} WITH (FORCE)`);
      }
      return name;
    } finally {
      await admin.end();
    }
  })();
  return postgresTemplate;
}
