// Compiles src/ and test/ once per test run into a scratch folder, so the test files and the processes they
// start run plain JavaScript: loading tsx and transforming every module in each of the suite's hundreds
// of processes cost more CPU than many of the tests themselves. Type errors are not this build's job
// (`npm test` runs `tsc --noEmit` first): like tsconfig.build.json it skips the type check.
//
// Each run gets its own folder (other runs may be going on in the same checkout) under the temporary
// directory, out of reach of biome, tsc and git. It mirrors the repository where tests look for things:
// src/ and test/ compiled beside their other files, scripts/, node_modules/ and package.json linked back
// (the last for "type": "module"), and a bin/skybridge.js on the compiled CLI (test/helpers/entry.ts).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PREFIX = 'skybridge-tests-';

/** Whether process `pid` is still running (EPERM: it is, as another user's). */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Removes the folders of runs that ended without removing theirs (killed, or the machine stopped) from
 * `dir`: the temporary folder, and also the disk's when run-tests.js has moved the run's into memory.
 */
export function removeAbandoned(dir = tmpdir()) {
  for (const name of readdirSync(dir)) {
    const pid = Number(name.slice(PREFIX.length));
    if (name.startsWith(PREFIX) && Number.isInteger(pid) && pid > 0 && !alive(pid))
      rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/** Every file under `from` that tsc does not compile, copied to the same place under `to`. */
function copyAssets(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      copyAssets(source, join(to, entry.name));
    } else if (!entry.name.endsWith('.ts')) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, join(to, entry.name));
    }
  }
}

/** Builds this run's copy; returns its folder. Throws with tsc's exit status when tsc fails. */
export function buildTests() {
  removeAbandoned();
  const out = join(tmpdir(), `${PREFIX}${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const config = join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { rootDir: ROOT, outDir: out },
      include: [join(ROOT, 'src'), join(ROOT, 'test')],
    }),
  );
  const tsc = join(
    dirname(createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json')),
    'bin',
    'tsc',
  );
  const compiled = spawnSync(process.execPath, [tsc, '-p', config], { cwd: ROOT, stdio: 'inherit' });
  if (compiled.status !== 0)
    throw new Error(`tsc could not compile src/ and test/ (exit ${compiled.status ?? compiled.signal})`);
  for (const folder of ['src', 'test']) copyAssets(join(ROOT, folder), join(out, folder));
  for (const name of ['scripts', 'node_modules', 'package.json'])
    symlinkSync(join(ROOT, name), join(out, name));
  mkdirSync(join(out, 'bin'));
  writeFileSync(
    join(out, 'bin', 'skybridge.js'),
    "// The compiled CLI, for the tests (scripts/test-build.js).\nprocess.setSourceMapsEnabled(true);\nawait import('../src/cli/main.js');\n",
  );
  return out;
}

/** Removes this run's copy. */
export function removeTestBuild(out) {
  rmSync(out, { recursive: true, force: true });
}
