import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { postgresEngine, type TestEngine } from '../helpers/stores.ts';

const BIN = new URL('../../bin/skybridge.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The CLI against a real (simulated) WellSky with no messaging channel configured: texts are recorded and
// acted on, and a reply is stored as not-sent with the reason instead of pretending to go out. PostgreSQL:
// each command opens the store, and PostgreSQL opens in a fraction of the time the embedded engine takes.
describe('messages commands', () => {
  let sim: RunningSimulator;
  let engine: TestEngine;
  let env: Record<string, string>;

  before(async () => {
    sim = await startSimulator({ clients: 4, caregivers: 4, seed: 3 });
    engine = await postgresEngine.create();
    env = {
      WELLSKY_BASE_URL: sim.url,
      WELLSKY_CLIENT_ID: sim.credentials.clientId,
      WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
      WELLSKY_AGENCY_ID: sim.agencyId,
      WELLSKY_TIMEZONE: 'America/Denver',
      DATABASE_URL: engine.databaseUrl ?? '',
    };
  });
  after(async () => {
    await sim?.close();
    await engine?.dispose();
  });

  it('receive records a text once per id and says what happened; list shows both directions', async () => {
    const first = await run(
      ['messages', 'receive', '--from', '(303) 555-0142', '--text', 'who is this?', '--id', 'r1', '--json'],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    const answer = JSON.parse(first.stdout);
    assert.equal(answer.duplicate, false);
    assert.equal(answer.message.state, 'unmatched');
    assert.equal(answer.reply.state, 'not-sent');
    assert.match(answer.reply.reason, /no messaging channel is configured/);

    const again = await run(
      ['messages', 'receive', '--from', '3035550142', '--text', 'who is this?', '--id', 'r1'],
      env,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already recorded as in_.*nothing done again/);

    const list = await run(['messages', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as { channel: string; messages: { direction: string }[] };
    assert.equal(listed.channel, 'none');
    assert.deepEqual(listed.messages.map((m) => m.direction).sort(), ['inbound', 'outbound']);
  });

  it('a wrong phone is refused with exit code 2 and a message naming it', async () => {
    const bad = await run(['messages', 'receive', '--from', '12', '--text', 'yes'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /from: not a US phone number/);
    const badList = await run(['messages', 'list', '--since', 'yesterday'], env);
    assert.equal(badList.code, 2);
    assert.match(badList.stderr, /--since must be an ISO date-time/);
  });
});
