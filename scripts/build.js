#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ (plain JavaScript that `node` runs without tsx) and copies what
// src/ reads at run time beside its modules (the dashboard's browser scripts), so every `import.meta.url`
// path resolves the same from dist/ as from src/. `npm install` (prepare) and `npm start` (prestart) run it
// with --if-stale: it builds only when dist/ is missing or was built from other sources than today's.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Written last into a finished build: the fingerprint of the inputs it was built from. */
const STAMP = '.build-stamp';
/** What a build is made from: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.js'];

export class BuildError extends Error {}

/**
 * Every input's path, size and mtime, hashed; folders count too, so a deleted or added file does. Compared
 * for equality, not by date: a build's start time (to the millisecond) against the sources' mtimes (to the
 * nanosecond, from the kernel's coarser clock) called a build stale when a source was written in the
 * millisecond it started, or forever when a source was dated ahead of this machine's clock.
 */
function inputsFingerprint(root) {
  const hash = createHash('sha256');
  const visit = (path) => {
    const info = statSync(path, { throwIfNoEntry: false, bigint: true });
    if (!info) return;
    hash.update(`${relative(root, path)}\0${info.size}\0${info.mtimeNs}\n`);
    if (info.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name));
  };
  for (const input of INPUTS) visit(join(root, input));
  return hash.digest('hex');
}

/** True when `out` holds a finished build of the sources as they are now. */
export function distIsFresh(root = ROOT, out = join(root, 'dist')) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(out, STAMP), 'utf8'));
  } catch {
    return false; // no finished build, or one from before the fingerprint
  }
  return typeof stamp?.inputs === 'string' && stamp.inputs === inputsFingerprint(root);
}

/** Every file under src/ that tsc does not compile, copied to the same place under `out`. */
function copyAssets(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      copyAssets(source, target);
    } else if (!entry.name.endsWith('.ts')) {
      if (existsSync(target))
        throw new BuildError(
          `${relative(ROOT, source)} has the name of a compiled module: rename one of them`,
        );
      mkdirSync(to, { recursive: true });
      copyFileSync(source, target);
    }
  }
}

function typescriptCompiler(root) {
  try {
    const manifest = createRequire(join(root, 'package.json')).resolve('typescript/package.json');
    return join(dirname(manifest), 'bin', 'tsc');
  } catch {
    throw new BuildError(
      'TypeScript (a dev dependency) is not installed, so src/ cannot be compiled to dist/: run `npm install` ' +
        'with dev dependencies (not --omit=dev), or copy a dist/ built elsewhere',
    );
  }
}

/**
 * Builds into a fresh folder beside `out` and swaps it in whole, so a process starting meanwhile sees the
 * old build or the new one, never half of one. Type errors are `npm run typecheck`'s job: with isolatedModules
 * each file's JavaScript depends on that file alone, so tsconfig.build.json skips the type check and the
 * reading of imported packages' declarations (noCheck, noResolve), which is most of tsc's time.
 */
export function build({ root = ROOT, out = join(root, 'dist') } = {}) {
  const started = new Date();
  // Taken before tsc reads the sources: one changed during the build leaves it stale, to be built again.
  const inputs = inputsFingerprint(root);
  const staging = `${out}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const tsc = spawnSync(
      process.execPath,
      [typescriptCompiler(root), '-p', join(root, 'tsconfig.build.json'), '--outDir', staging],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (tsc.status !== 0)
      throw new BuildError(
        `tsc could not compile src/ (exit ${tsc.status ?? tsc.signal}); see its messages above`,
      );
    copyAssets(join(root, 'src'), staging);
    const stamp = join(staging, STAMP);
    writeFileSync(stamp, `${JSON.stringify({ builtAt: started.toISOString(), inputs })}\n`);
    const previous = `${out}.previous-${process.pid}`;
    if (existsSync(out)) renameSync(out, previous);
    try {
      renameSync(staging, out);
    } catch (error) {
      // Another build finished first and its result is as new as ours: keep it.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    }
    rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 && args[outAt + 1] ? resolve(args[outAt + 1]) : join(ROOT, 'dist');
  if (args.includes('--if-stale') && distIsFresh(ROOT, out)) process.exit(0);
  const started = performance.now();
  try {
    build({ out });
    console.error(
      `build: src/ compiled to ${relative(process.cwd(), out) || '.'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    console.error(`build: ${error instanceof BuildError ? error.message : (error.stack ?? error)}`);
    process.exit(1);
  }
}
