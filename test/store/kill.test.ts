import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DocumentationRepo } from '../../src/store/index.ts';
import { pgliteEngine, type TestEngine } from '../helpers/stores.ts';

const child = fileURLToPath(new URL('./fixtures/submit-loop.ts', import.meta.url));

/** Run the submit loop, SIGKILL it after `delayMs` of submitting, and return the ids it acknowledged. */
function runAndKill(dataDir: string, prefix: string, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const watchdog = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
        else if (line.startsWith('ok ')) acked.push(line.slice(3));
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      clearTimeout(timer);
      if (signal === 'SIGKILL' && timer !== undefined) resolve(acked);
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
  after(() => engine?.dispose());

  it('keeps every acknowledged item over five SIGKILLs at random moments', async () => {
    const acked: string[] = [];
    for (let run = 0; run < 5; run += 1) {
      const ids = await runAndKill(engine.dataDir!, `run${run}`, 100 + Math.floor(Math.random() * 500));
      acked.push(...ids);
    }
    assert.ok(acked.length > 20, `expected the children to acknowledge some items, got ${acked.length}`);
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
