import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { build, distIsFresh } from '../../scripts/build.js';
import { REPO } from '../helpers/entry.ts';

/** The repository, also when the tests run from a compiled copy of it. */
const ROOT = REPO;

/** A folder with the repository's node_modules linked in, so compiled code there resolves its packages. */
async function workspace(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** A workspace with the build's configuration, and a build script of its own (an input like the real one). */
async function buildRoot(prefix: string): Promise<string> {
  const root = await workspace(prefix);
  for (const name of ['tsconfig.json', 'tsconfig.build.json', 'package.json'])
    await writeFile(join(root, name), await readFile(join(ROOT, name)));
  await mkdir(join(root, 'scripts'));
  await writeFile(join(root, 'scripts', 'build.js'), '');
  return root;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('the build rewrites .ts imports, copies run-time assets, and is stale once a source changes', async () => {
  const root = await buildRoot('skybridge-build-');
  await mkdir(join(root, 'src', 'page'), { recursive: true });
  await writeFile(
    join(root, 'src', 'main.ts'),
    "import { answer } from './page/answer.ts';\nconsole.log(answer);\n",
  );
  await writeFile(join(root, 'src', 'page', 'answer.ts'), 'export const answer: number = 42;\n');
  await writeFile(join(root, 'src', 'page', 'browser.js'), 'document.title = "x";\n');
  const out = join(root, 'dist');

  assert.equal(distIsFresh(root, out), false, 'no build yet');
  build({ root, out });
  assert.match(await readFile(join(out, 'main.js'), 'utf8'), /from '\.\/page\/answer\.js'/);
  assert.equal(await readFile(join(out, 'page', 'browser.js'), 'utf8'), 'document.title = "x";\n');
  assert.equal(distIsFresh(root, out), true);

  await writeFile(join(root, 'src', 'page', 'answer.ts'), 'export const answer: number = 43;\n');
  assert.equal(distIsFresh(root, out), false, 'a source edited after the build makes it stale');
  build({ root, out });
  assert.equal(distIsFresh(root, out), true, 'rebuilt');
  assert.match(await readFile(join(out, 'page', 'answer.js'), 'utf8'), /43/);
  assert.deepEqual(
    (await readdir(root)).filter((n) => n.startsWith('dist')),
    ['dist'],
    'no staging folder left',
  );
});

test('a build is fresh whatever the clock says: a source dated ahead of it, or in the same millisecond', async () => {
  // The stamp was the build's start time, cut to the millisecond, compared with the sources' mtimes: a
  // source written in the millisecond the build started, or copied with a date ahead of this machine's
  // clock, made a finished build look stale, so every `npm start` built again.
  const root = await buildRoot('skybridge-build-clock-');
  await mkdir(join(root, 'src'));
  const source = join(root, 'src', 'main.ts');
  await writeFile(source, 'export const answer: number = 42;\n');
  const ahead = new Date(Date.now() + 3_600_000.25);
  await utimes(source, ahead, ahead);
  const out = join(root, 'dist');
  build({ root, out });
  assert.equal(distIsFresh(root, out), true, 'fresh right after the build');
  await writeFile(source, 'export const answer: number = 43;\n');
  assert.equal(distIsFresh(root, out), false, 'an edit makes it stale, though its date is older');
});

test('the compiled service starts with plain node on the demo agency and serves the API and dashboard', async () => {
  const dir = await workspace('skybridge-compiled-');
  const out = join(dir, 'dist');
  build({ out });
  for (const file of await filesUnder(out)) {
    if (!file.endsWith('.js')) continue;
    assert.doesNotMatch(
      await readFile(file, 'utf8'),
      /from '\.{1,2}\/[^']*\.ts'/,
      `${file} imports a .ts file`,
    );
  }

  const dataDir = join(dir, 'data');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    SKYBRIDGE_DATA_DIR: dataDir,
    SKYBRIDGE_DEMO_CAREGIVERS: '6',
    SKYBRIDGE_DEMO_CLIENTS: '10',
  };
  // No NODE_OPTIONS and no loader: Node 20 refuses any .ts file, so this runs compiled code only.
  const child = spawn(process.execPath, [join(out, 'cli', 'main.js'), 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  while (!stdout.includes('Skybridge is ready')) {
    if (child.exitCode !== null)
      assert.fail(`the compiled service exited before it was ready:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /API\s+(http:\/\/[\d.]+:\d+)\/api\/v1\//.exec(stdout)?.[1];
  assert.ok(url, stdout);
  const key = (await readFile(join(dataDir, 'first-api-key.txt'), 'utf8')).trim();

  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  const people = await fetch(`${url}/api/v1/people?name=a&limit=1`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(people.status, 200);
  assert.equal(((await people.json()) as { people: unknown[] }).people.length, 1);
  // The dashboard's browser scripts are read from beside the compiled modules and served as they are.
  assert.equal((await fetch(`${url}/dashboard`)).status, 200);
  for (const [path, file] of [
    ['/dashboard/app.js', 'client.js'],
    ['/dashboard/board.js', 'board.js'],
    ['/dashboard/fills.js', 'fills.js'],
  ] as const) {
    const served = await fetch(`${url}${path}`);
    assert.equal(served.status, 200, path);
    assert.equal(
      await served.text(),
      await readFile(join(ROOT, 'src', 'service', 'dashboard', 'browser', file), 'utf8'),
      path,
    );
  }
  assert.equal((await fetch(`${url}/openapi.json`)).status, 200);

  child.kill('SIGTERM');
  assert.equal(await exited, 0, `exit code after SIGTERM\n${stderr}`);
});
