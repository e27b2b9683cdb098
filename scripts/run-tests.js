#!/usr/bin/env node
// Runs test/**/*.test.ts (or those whose path contains one of the arguments) with Node's test runner,
// which in Node 20 neither expands globs nor finds .ts files in a folder. Before that, test-setup.js
// makes sure PostgreSQL and Chromium are there when the chosen files need them, and test-build.js compiles
// src/ and test/ so the files run as plain JavaScript (SKYBRIDGE_TEST_TSX=1: through tsx, as before).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, buildTests, removeAbandoned, removeTestBuild } from './test-build.js';
import { needs, prepare, testFiles } from './test-setup.js';

const filter = process.argv.slice(2);
const files = testFiles().filter((f) => filter.length === 0 || filter.some((pattern) => f.includes(pattern)));
if (files.length === 0) {
  console.error(`no test files matched ${filter.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
await prepare(files);

const RUN_PREFIX = 'skybridge-run-';
const SHM = '/dev/shm';

/**
 * The tests' temporary folder. On this machine's disk (ext4) creating a file costs about 0.4 ms of kernel
 * time, and each fresh embedded store is a copy of a 1,189-file template (test/helpers/stores.ts): copying
 * and removing one took 0.7 s CPU, more than opening the store, against 0.08 s on tmpfs. So a run keeps its
 * temporary files in memory (/dev/shm) when there is room, in a folder of its own removed at the end, and
 * also removes those of runs that were killed. A TMPDIR set by the caller is left alone. The templates stay
 * where they were (SKYBRIDGE_TEST_TEMPLATES): built once for many runs, and reading them is cheap.
 */
function memoryTmpdir() {
  if (process.env.TMPDIR) return undefined;
  try {
    const { bavail, bsize } = statfsSync(SHM);
    if (bavail * bsize < 2 ** 31) return undefined;
    for (const name of readdirSync(SHM)) {
      const pid = Number(name.slice(RUN_PREFIX.length));
      if (name.startsWith(RUN_PREFIX) && Number.isInteger(pid) && pid > 0 && !alive(pid))
        rmSync(join(SHM, name), { recursive: true, force: true });
    }
    const dir = join(SHM, `${RUN_PREFIX}${process.pid}`);
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  } catch {
    return undefined; // no /dev/shm (not Linux), or not writable: the usual temporary folder
  }
}
const runTmp = memoryTmpdir();
if (runTmp) {
  removeAbandoned(); // on disk, where buildTests no longer looks
  process.env.SKYBRIDGE_TEST_TEMPLATES ??= tmpdir();
  process.env.TMPDIR = runTmp;
}

const viaTsx = process.env.SKYBRIDGE_TEST_TSX === '1';
let build;
if (!viaTsx) {
  try {
    build = buildTests();
  } catch (error) {
    console.error(`run-tests: ${error.message}`);
    process.exit(1);
  }
}
/** How node runs the repository's modules: compiled, with stacks mapped back to the .ts; or through tsx. */
const nodeFlags = build ? ['--enable-source-maps'] : ['--import', 'tsx'];
/** The module `node` runs for the TypeScript file `file` (a path from the repository's root). */
const modulePath = (file) => (build ? join(build, file.replace(/\.ts$/, '.js')) : file);
const finish = (code) => {
  if (build) removeTestBuild(build);
  if (runTmp) rmSync(runTmp, { recursive: true, force: true });
  process.exit(code);
};

// The migrated empty stores the tests copy (test/helpers/templates.ts), built once here rather than by the
// first files that start at the same time, each paying initdb and the migrations for the same result.
if (needs(files).postgres) {
  const built = spawnSync(process.execPath, [...nodeFlags, modulePath('test/helpers/build-templates.ts')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) {
    console.error(
      'run-tests: could not build the store templates (test/helpers/build-templates.ts, see above)',
    );
    finish(1);
  }
}

// Most files wait on child processes, sockets and timers, so three at a time keeps two cores busy.
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
// Node 20 applies --test-timeout to each file as a whole: a file that hangs (a child that never exits, a
// handle left open) fails the run after this long instead of hanging it. Generous, because a busy machine
// may run a healthy file ten times slower than an idle one.
const timeoutMs = process.env.TEST_TIMEOUT_MS ?? '600000';
const runner = spawn(
  process.execPath,
  [
    ...nodeFlags,
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${new URL('./test-timings.js', import.meta.url).href}`,
    '--test-reporter-destination=stdout',
    ...files.map(modulePath),
  ],
  // Its own process group, so every process a test started can be killed with it (below).
  { stdio: 'inherit', detached: true },
);

/** Kill whatever the run left behind: children of a test that failed, timed out or never reaped them. */
function killLeftovers(signal) {
  try {
    process.kill(-runner.pid, signal);
  } catch {
    // ESRCH: the group is empty, nothing was left behind.
  }
}

/**
 * The processes still running in the runner's group, as `pid (parent, state) command` lines, so the test
 * that leaked one can be found. Zombies are left out: they have ended and only wait to be reaped.
 * Without /proc (not Linux) a live group is reported as one unnamed line.
 */
function leftovers() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    try {
      process.kill(-runner.pid, 0);
      return ['  (processes not named: no /proc)'];
    } catch {
      return [];
    }
  }
  return pids.flatMap((pid) => {
    try {
      // After the name in parentheses (which may hold spaces): state, parent pid, process group.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== runner.pid || state === 'Z') return [];
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      return [`  ${pid} (parent ${ppid}, state ${state}) ${(command || `[${name}]`).slice(0, 300)}`];
    } catch {
      return []; // it ended meanwhile
    }
  });
}

/**
 * Waits a moment for the group to empty: tsx's esbuild service (one per node process that ran
 * TypeScript) exits on its own once its parent has, a few milliseconds later. Only what is still
 * running after that was left behind by a test.
 */
async function settledLeftovers() {
  const deadline = Date.now() + 3_000;
  let left = leftovers();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = leftovers();
  }
  return left;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killLeftovers('SIGKILL');
    finish(130);
  });
}
runner.on('exit', async (code, signal) => {
  const left = await settledLeftovers();
  if (left.length > 0)
    console.error(
      `run-tests: processes started by the tests were still running; killed them:\n${left.join('\n')}`,
    );
  killLeftovers('SIGKILL');
  finish(code ?? (signal ? 1 : 0));
});
