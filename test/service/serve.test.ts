import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SettingsError, serviceSettings } from '../../src/service/settings.ts';
import { BIN } from '../helpers/entry.ts';

function cleanEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SKYBRIDGE_DATA_DIR: dataDir };
  env.SKYBRIDGE_DEMO_CAREGIVERS = '6';
  env.SKYBRIDGE_DEMO_CLIENTS = '10';
  for (const name of [
    'WELLSKY_CLIENT_ID',
    'WELLSKY_CLIENT_SECRET',
    'DATABASE_URL',
    'SKYBRIDGE_WEBHOOK_SECRET',
  ])
    delete env[name];
  return env;
}

test('`skybridge serve` like `npm start`: demo agency, first key file, 401 without a key, SIGTERM → exit 0', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'skybridge-serve-'));
  after(() => rm(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: cleanEnv(dataDir),
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
  // Only a bound for a server that never gets ready; a busy machine may take minutes to start one.
  const deadline = Date.now() + 240_000;
  while (!stdout.includes('Skybridge is ready')) {
    if (child.exitCode !== null || Date.now() > deadline)
      assert.fail(`serve did not get ready:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.match(stdout, /SIMULATED WELLSKY/);
  assert.match(stdout, /demo agency may assign shifts \(shifts\.write\)/, 'a fill can end assigned');
  const url = /API\s+(http:\/\/[\d.]+:\d+)\/api\/v1\//.exec(stdout)?.[1];
  assert.ok(url, stdout);
  for (const path of ['/dashboard', '/mcp', '/openapi.json'])
    assert.ok(stdout.includes(`${url}${path}`), `prints ${path}`);
  const keyFile = join(dataDir, 'first-api-key.txt');
  assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
  const key = (await readFile(keyFile, 'utf8')).trim();
  assert.match(key, /^sk_/);
  assert.ok(!stdout.includes(key) && !stderr.includes(key), 'the key is not printed');
  assert.ok(stdout.includes(`Bearer $(cat '${keyFile}')`), 'the "Try:" line can be pasted as it is');

  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get('x-skybridge-wellsky'), 'simulated');
  const people = await fetch(`${url}/api/v1/people?name=a&limit=1`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(people.status, 200);
  const someone = ((await people.json()) as { people: { phones: { digits: string }[] }[] }).people[0]!;
  const identify = await fetch(`${url}/api/v1/identify?phone=${someone.phones[0]!.digits}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(identify.status, 200);
  assert.ok(((await identify.json()) as { matches: unknown[] }).matches.length >= 1);
  assert.equal((await fetch(`${url}/api/v1/identify?phone=${someone.phones[0]!.digits}`)).status, 401);

  child.kill('SIGTERM');
  assert.equal(await exited, 0, `exit code after SIGTERM\n${stderr}`);
  assert.match(stdout, /stopped\./);
  // Piped, the log is JSON lines a collector can read, nothing else: the sync's progress goes with the
  // start lines a person reads.
  const notJson = stderr.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
  assert.deepEqual(notJson, [], 'stderr holds only JSON log lines');
  assert.match(stdout, /sync: \S+ \d+\/\d+/, 'the first sync reports its progress');

  // The keys commands on the same data folder, now that the service released it.
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'keys', ...args], {
      env: cleanEnv(dataDir),
      encoding: 'utf8',
    });
  const created = run('create', '--name', 'assistant', '--scope', 'write');
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout.trim(), /^sk_[A-Za-z0-9_-]{43}$/);
  const revoked = run('revoke', 'first-admin');
  assert.equal(revoked.status, 0, revoked.stderr);
  const listed = run('list');
  assert.match(listed.stdout, /assistant\s+write/);
  assert.ok(!listed.stdout.includes('first-admin') && !listed.stdout.includes(created.stdout.trim()));
});

test('SKYBRIDGE_DEMO_SHIFT_WRITES: the demo agency may assign shifts unless it is off; anything else is refused by name', () => {
  assert.equal(serviceSettings({}).demo.permissions.appointmentsWrite, true);
  assert.equal(
    serviceSettings({ SKYBRIDGE_DEMO_SHIFT_WRITES: 'OFF' }).demo.permissions.appointmentsWrite,
    false,
  );
  assert.throws(
    () => serviceSettings({ SKYBRIDGE_DEMO_SHIFT_WRITES: 'maybe' }),
    (e: unknown) =>
      e instanceof SettingsError && /SKYBRIDGE_DEMO_SHIFT_WRITES must be on .* or off/.test(e.message),
  );
});
