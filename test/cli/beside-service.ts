import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KeyRepo } from '../../src/service/keys.ts';
import { type EngineFactory, pgliteEngine } from '../helpers/stores.ts';

const BIN = fileURLToPath(new URL('../../bin/skybridge.js', import.meta.url));

function baseEnv(store: { dataDir: string | null; databaseUrl: string | null }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    SKYBRIDGE_DEMO_CLIENTS: '8',
    SKYBRIDGE_DEMO_CAREGIVERS: '5',
    ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : { SKYBRIDGE_DATA_DIR: store.dataDir! }),
  };
}

async function run(env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    cwd: env.SKYBRIDGE_TEST_CWD,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += String(c);
  });
  child.stderr.on('data', (c) => {
    stderr += String(c);
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/** Starts `skybridge start` (demo agency) and resolves once it says it is ready. */
async function startService(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const service = spawn(process.execPath, [BIN, 'start'], {
    env,
    cwd: env.SKYBRIDGE_TEST_CWD,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  service.stdout.on('data', (c) => {
    output += String(c);
  });
  service.stderr.on('data', (c) => {
    output += String(c);
  });
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output.includes('Skybridge is ready')) resolve();
    };
    service.stdout.on('data', check);
    service.once('exit', (code) =>
      reject(new Error(`the service exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return service;
}

export function besideServiceTest(engine: EngineFactory) {
  test(`${engine.name}: keys create, docs list and lookup work beside a running service${engine.name === 'pglite' ? '; a second service is refused' : ''}`, {
    timeout: 300_000,
  }, async () => {
    const fixture = await engine.create();
    after(() => fixture.dispose());
    // Where the service writes its first key file when the store is PostgreSQL: not the checkout.
    const cwd = await mkdtemp(join(tmpdir(), 'skybridge-cwd-'));
    after(() => rm(cwd, { recursive: true, force: true }));
    const env = { ...baseEnv(fixture), SKYBRIDGE_TEST_CWD: cwd };
    const service = await startService(env);
    after(async () => {
      if (service.exitCode === null) {
        service.kill('SIGTERM');
        await once(service, 'exit');
      }
    });

    // The three at once: each borrows the service's store in turn (and it is quicker on a busy machine).
    const [created, listed, found] = await Promise.all([
      run(env, ['keys', 'create', '--name', 'beside-the-service', '--scope', 'read']),
      run(env, ['docs', 'list', '--json']),
      run(env, ['lookup', '--json', 'a']),
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout.trim(), /^sk_\S+$/, 'the new key is printed');
    assert.match(created.stderr, /Created key "beside-the-service" \(read\)/);

    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(Array.isArray((JSON.parse(listed.stdout) as { items: unknown }).items), listed.stdout);

    assert.equal(found.code, 0, found.stderr);
    const answer = JSON.parse(found.stdout) as { kind: string; matches: unknown[] };
    assert.equal(answer.kind, 'name');
    assert.ok(answer.matches.length > 0, 'the mirror the service synced answers');

    if (engine.name === 'pglite') {
      // A second service on the folder would borrow the store and run a second worker and sync on it.
      const second = await run(env, ['start']);
      assert.equal(second.code, 2, `${second.stdout}\n${second.stderr}`);
      assert.match(second.stderr, /held by another process \(pid \d+\).*one service per data folder/s);
      assert.doesNotMatch(second.stdout, /Skybridge is ready/);
    }

    service.kill('SIGTERM');
    const [code] = await once(service, 'exit');
    assert.equal(code, 0, 'the service stopped cleanly with commands having used its store');
    // The key was written into the service's store (the embedded one once the service let go of it).
    const store = await fixture.open();
    try {
      const keys = await new KeyRepo(store).list({ includeRevoked: false });
      assert.ok(keys.some((k) => k.name === 'beside-the-service'));
    } finally {
      await store.close();
    }
  });
}

export function refusedTest() {
  test('pglite: a folder held by a process that lends nothing is refused with what to do', {
    timeout: 280_000,
  }, async () => {
    const fixture = await pgliteEngine.create();
    const store = await fixture.open();
    after(async () => {
      await store.close();
      await fixture.dispose();
    });
    const result = await run(baseEnv(fixture), ['keys', 'list']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`already open in process ${process.pid}`));
    assert.match(result.stderr, /Stop that process/);
  });
}
