import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DocumentationRepo } from '../../src/store/index.ts';
import { nodeArgs } from '../helpers/entry.ts';
import { pgliteEngine, type TestEngine } from '../helpers/stores.ts';

const child = nodeArgs(new URL('./fixtures/submit-loop.ts', import.meta.url));
/** Children still running; a failed or timed-out test must not leave one behind. */
const running = new Set<ReturnType<typeof spawn>>();

/**
 * Run the submit loop, SIGKILL it once it has acknowledged `killAfter` items (it is inside the next
 * submit by then, however fast the machine), and return the ids it acknowledged.
 */
function runAndKill(dataDir: string, prefix: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...child, dataDir, prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    running.add(proc);
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('ok ')) continue;
        acked.push(line.slice(3));
        if (acked.length === killAfter && !killed) killed = proc.kill('SIGKILL');
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      if (signal === 'SIGKILL' && killed) resolve(acked);
      else
        reject(new Error(`child ended with code ${code} signal ${signal} before it was killed:\n${stderr}`));
    });
  });
}

describe('kill -9 against the embedded store', () => {
  let engine: TestEngine;
  before(async () => {
    engine = await pgliteEngine.create();
  });
  after(async () => {
    for (const proc of running) proc.kill('SIGKILL');
    await engine?.dispose();
  });

  it('keeps every acknowledged item over five SIGKILLs in the middle of submitting', {
    timeout: 600_000,
  }, async () => {
    const acked: string[] = [];
    for (const [run, killAfter] of [3, 8, 15, 25, 40].entries()) {
      const ids = await runAndKill(engine.dataDir!, `run${run}`, killAfter);
      assert.ok(ids.length >= killAfter, `run ${run} acknowledged ${ids.length} items before the kill`);
      acked.push(...ids);
    }
    const store = await engine.open();
    try {
      const repo = new DocumentationRepo(store);
      const missing: string[] = [];
      for (const id of acked) if (!(await repo.get(id))) missing.push(id);
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged items are missing`);
    } finally {
      await store.close();
    }
  });
});
