#!/usr/bin/env node
// What the tests need from the machine, set up the way .ci/run does when this process may (root), and
// otherwise one message with the one command that fixes it — before any test runs, never a wall of
// failures. `SKYBRIDGE_TEST_SETUP=check` only checks (never installs or starts anything).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Where the dashboard's browser test looks for Debian's chromium (test/service/dashboard.test.ts). */
const CHROMIUM = '/usr/bin/chromium';

const say = (message) => console.error(`test setup: ${message}`);

class SetupError extends Error {
  constructor(problem, fix) {
    super(`${problem}\n  fix: ${fix}`);
  }
}

/** Every test file under test/, sorted. */
export function testFiles(dir = join(ROOT, 'test')) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
    })
    .sort();
}

const TESTS = join(ROOT, 'test');

/** The files under test/ these files load (imports and spawned fixtures), themselves included. */
function reachable(files) {
  const seen = new Set();
  const pending = files.map((f) => resolve(ROOT, f));
  const local = /(?:from\s+|import\(\s*|new URL\(\s*)'(\.{1,2}\/[^']+)'/g;
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(local)) {
      const target = resolve(dirname(file), spec);
      if (target.startsWith(TESTS)) pending.push(target);
    }
  }
  return [...seen];
}

/** What the selected files need: a PostgreSQL server (store tests run on both engines), a browser. */
export function needs(files) {
  const loaded = reachable(files);
  return {
    postgres: loaded.some((f) => f.endsWith(join('test', 'helpers', 'stores.ts'))),
    chromium: loaded.some((f) => readFileSync(f, 'utf8').includes("from 'playwright-core'")),
  };
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const mayInstall = () => isRoot() && process.env.SKYBRIDGE_TEST_SETUP !== 'check';

function runScript(script) {
  say(`running scripts/${script}`);
  return (
    spawnSync('bash', [join(ROOT, 'scripts', script)], { stdio: ['ignore', 'inherit', 'inherit'] }).status ===
    0
  );
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 11))
    throw new SetupError(
      `Node.js ${process.versions.node} is too old; the tests need ≥ 20.11`,
      'install Node.js 20 LTS',
    );
  if (!existsSync(join(ROOT, 'node_modules', 'tsx')))
    throw new SetupError('the npm packages are not installed', 'npm install');
}

async function reachPostgres(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensurePostgres() {
  const custom = process.env.TEST_DATABASE_URL;
  const url = custom || DEFAULT_DATABASE_URL;
  const problem = await reachPostgres(url);
  if (problem === undefined) return;
  const where = `PostgreSQL is not reachable at ${new URL(url).host} (${problem})`;
  if (custom)
    throw new SetupError(
      `${where}; it comes from TEST_DATABASE_URL`,
      'start that server, or unset TEST_DATABASE_URL',
    );
  const fix = 'sudo bash scripts/ensure-postgres.sh   (installs, starts and prepares a local server)';
  if (!mayInstall()) throw new SetupError(where, fix);
  say(`${where}: setting it up`);
  if (!runScript('ensure-postgres.sh'))
    throw new SetupError('scripts/ensure-postgres.sh failed (see above)', fix);
  const after = await reachPostgres(url);
  if (after !== undefined) throw new SetupError(`PostgreSQL is still not reachable (${after})`, fix);
}

function ensureChromium() {
  const usable = () => {
    try {
      accessSync(CHROMIUM, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (usable()) return;
  const problem = `Debian's chromium is missing at ${CHROMIUM} (the dashboard's browser test drives it)`;
  const fix = 'sudo bash scripts/ensure-chromium.sh';
  if (!mayInstall()) throw new SetupError(problem, fix);
  say(`${problem}: installing it`);
  if (!runScript('ensure-chromium.sh') || !usable())
    throw new SetupError('scripts/ensure-chromium.sh failed (see above)', fix);
}

/** Checks (and where allowed, sets up) what `files` need; prints the fix and exits 1 when it cannot. */
export async function prepare(files) {
  try {
    checkNode();
    const need = needs(files);
    if (need.postgres) await ensurePostgres();
    if (need.chromium) ensureChromium();
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    say(`cannot run the tests: ${error.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await prepare(testFiles());
