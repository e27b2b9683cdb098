import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { simulator } from '../helpers/sim.ts';
import { pgliteEngine, postgresEngine, type TestEngine } from '../helpers/stores.ts';

const BIN = new URL('../../bin/skybridge.js', import.meta.url).pathname;

// doctor opens the embedded store to report on it: a migrated one of this file's own, not the checkout's
// ./.skybridge (created with initdb on a first run, and shared with whatever else runs there).
let home: TestEngine;
before(async () => {
  home = await pgliteEngine.create();
});
after(() => home?.dispose());

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        SKYBRIDGE_DATA_DIR: home.dataDir!,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('skybridge CLI', () => {
  test('doctor --simulator --json prints one JSON report and exits 0', async () => {
    const { code, stdout } = await run(['doctor', '--simulator', '--json']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.authentication.ok, true);
    assert.equal(report.target.simulator, true);
    assert.ok(report.capabilities.length > 20);
  });

  test('doctor --simulator --profile full prints a table with statuses and explanations', async () => {
    const { code, stdout } = await run(['doctor', '--simulator', '--profile', 'full']);
    assert.equal(code, 0);
    assert.match(stdout, /CAPABILITY\s+METHOD ROUTE\s+STATUS\s+WHY/);
    assert.match(stdout, /Change shifts .*PUT \/v1\/appointment\/\{id\}\/\s+available/);
  });

  test('doctor against WellSky with wrong credentials exits non-zero and says why', async () => {
    const sim = await simulator({ caregivers: 2, clients: 2, weeks: 1 });
    const { code, stdout } = await run(['doctor'], {
      WELLSKY_BASE_URL: sim.url,
      WELLSKY_CLIENT_ID: sim.credentials.clientId,
      WELLSKY_CLIENT_SECRET: 'definitely-wrong',
    });
    assert.equal(code, 1);
    assert.match(stdout, /Authentication: FAILED/);
    assert.doesNotMatch(stdout, /definitely-wrong/);
  });

  test("doctor with an agency id that is not the credentials' exits non-zero and says to check it", async () => {
    const sim = await simulator({ caregivers: 2, clients: 2, weeks: 1 });
    const { code, stdout } = await run(['doctor'], {
      WELLSKY_BASE_URL: sim.url,
      WELLSKY_CLIENT_ID: sim.credentials.clientId,
      WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
      WELLSKY_AGENCY_ID: `${Number(sim.agencyId) + 1}`,
    });
    assert.match(stdout, /Agency id: DOES NOT MATCH these credentials/);
    assert.equal(code, 1, 'a script that runs doctor sees the failure');
  });

  test('doctor without credentials names the missing variables', async () => {
    const { code, stderr } = await run(['doctor']);
    assert.notEqual(code, 0);
    assert.match(stderr, /WELLSKY_CLIENT_ID is not set/);
  });

  test('simulator prints its URL and credentials and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      BIN,
      'simulator',
      '--port',
      '0',
      '--caregivers',
      '5',
      '--clients',
      '5',
      '--weeks',
      '2',
    ]);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    while (!stdout.includes('Press Ctrl-C')) await once(child.stdout, 'data');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    assert.ok(url, stdout);
    assert.match(stdout, /client_id=demo-client client_secret=demo-secret/);
    const token = await fetch(`${url}/oauth/accesstoken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'demo-client',
        client_secret: 'demo-secret',
      }),
    });
    assert.equal(token.status, 200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'close');
    assert.equal(code, 0);
    assert.match(stdout, /Stopped \(SIGTERM\)/);
  });

  test('a malformed flag is refused with the reason', async () => {
    const { code, stderr } = await run(['simulator', '--port', 'eighty']);
    assert.notEqual(code, 0);
    assert.match(stderr, /--port must be a whole number/);
  });
});

describe('doctor reports the store and what it survives', () => {
  test('embedded: PGlite with its fsync journal; PostgreSQL: the server’s own guarantee', async () => {
    const folder = await pgliteEngine.create();
    after(() => folder.dispose());
    const embedded = await run(['doctor', '--simulator', '--json'], { SKYBRIDGE_DATA_DIR: folder.dataDir! });
    const report = JSON.parse(embedded.stdout);
    assert.equal(report.storage.engine, 'pglite');
    assert.equal(report.storage.survivesPowerLoss, true);
    assert.match(report.storage.explanation, /journal/);
    const engine = await postgresEngine.create();
    after(() => engine.dispose());
    const server = await run(['doctor', '--simulator'], { DATABASE_URL: engine.databaseUrl! });
    assert.match(server.stdout, /Storage: postgres \(survives a killed process: yes; a power loss: yes\)/);
  });
});
