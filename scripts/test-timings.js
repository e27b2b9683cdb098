// A node:test reporter for the end of a run: the slowest test files with their wall time, so a file that
// makes the suite slow is named in every run's output (the spec reporter only times single tests).
// Node 20 runs each file in its own process and reports it as a `test:complete` event named by its path.
import { relative } from 'node:path';

const SHOWN = 15;

/** The file's path in the repository, also for its compiled copy in a run's folder (test-build.js). */
function sourceName(file) {
  const copy = /[/\\]skybridge-tests-\d+[/\\](.*)\.js$/.exec(file);
  return copy ? `${copy[1]}.ts` : relative(process.cwd(), file);
}

export default async function* timings(source) {
  const files = [];
  for await (const event of source) {
    if (event.type !== 'test:complete') continue;
    const { nesting, name, file, details } = event.data;
    if (nesting !== 0 || name !== file) continue;
    files.push({
      name: sourceName(file),
      ms: details?.duration_ms ?? 0,
      failed: details?.passed === false,
    });
  }
  if (files.length < 2) return;
  files.sort((a, b) => b.ms - a.ms);
  const shown = files.slice(0, SHOWN);
  const width = Math.max(...shown.map((f) => f.name.length));
  yield `\nslowest test files (wall time of each file's process; ${files.length} files):\n`;
  for (const f of shown)
    yield `  ${f.name.padEnd(width)} ${(f.ms / 1000).toFixed(1).padStart(7)} s${f.failed ? '  FAILED' : ''}\n`;
}
