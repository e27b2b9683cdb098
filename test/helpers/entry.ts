// How a test starts a child process on this repository's code, so the child runs the way its test does:
// scripts/run-tests.js runs the suite as JavaScript it compiled into a scratch folder (no tsx to load in
// every process), while a single file run with `node --import tsx --test file.ts` runs TypeScript.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the tests run compiled (scripts/run-tests.js), false when through tsx. */
export const compiled = import.meta.url.endsWith('.js');

/** The tree the tests run from: the repository itself, or the compiled copy of its src/ and test/. */
const TREE = fileURLToPath(new URL('../../', import.meta.url));

/** The repository (the compiled copy links its scripts/ folder back to it). */
export const REPO = dirname(realpathSync(join(TREE, 'scripts')));

/** The CLI of the code under test (the compiled copy has its own bin/skybridge.js, on its compiled CLI). */
export const BIN = join(TREE, 'bin', 'skybridge.js');

/**
 * The `node` arguments that run the TypeScript module `entry` (a URL beside the caller's own, e.g.
 * `new URL('./fixtures/child.ts', import.meta.url)`): its compiled twin when running compiled, else the
 * module through tsx.
 */
export function nodeArgs(entry: URL): string[] {
  const path = fileURLToPath(entry);
  return compiled ? ['--enable-source-maps', path.replace(/\.ts$/, '.js')] : ['--import', 'tsx', path];
}
