#!/usr/bin/env node
// Runs test/**/*.test.ts (or those whose path contains one of the arguments) with Node's test runner,
// which in Node 20 neither expands globs nor finds .ts files in a folder. Before that, test-setup.js
// makes sure PostgreSQL and Chromium are there when the chosen files need them.
import { spawn } from 'node:child_process';
import { prepare, testFiles } from './test-setup.js';

const filter = process.argv.slice(2);
const files = testFiles().filter((f) => filter.length === 0 || filter.some((pattern) => f.includes(pattern)));
if (files.length === 0) {
  console.error(`no test files matched ${filter.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
await prepare(files);

// Most files wait on child processes, sockets and timers, so three at a time keeps two cores busy.
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
// Node 20 applies --test-timeout to each file as a whole: a file that hangs (a child that never exits, a
// handle left open) fails the run after this long instead of hanging it. Generous, because a busy machine
// may run a healthy file ten times slower than an idle one.
const timeoutMs = process.env.TEST_TIMEOUT_MS ?? '600000';
const runner = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec',
    ...files,
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

function leftovers() {
  try {
    process.kill(-runner.pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killLeftovers('SIGKILL');
    process.exit(130);
  });
}
runner.on('exit', (code, signal) => {
  if (leftovers()) console.error('run-tests: processes started by the tests were still running; killed them');
  killLeftovers('SIGKILL');
  process.exit(code ?? (signal ? 1 : 0));
});
