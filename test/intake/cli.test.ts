import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { simulator } from '../helpers/sim.ts';
import { postgresEngine } from '../helpers/stores.ts';

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

// The command only parses, calls the intake and prints: its behaviour is tested on both engines elsewhere.
describe('skybridge intake', async () => {
  const engine = await postgresEngine.create();
  after(() => engine.dispose());
  const sim = await simulator({ clients: 3, caregivers: 2, weeks: 1, seed: 41, profile: 'full' });
  const dir = await mkdtemp(join(tmpdir(), 'skybridge-intake-cli-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const env = {
    DATABASE_URL: engine.databaseUrl!,
    WELLSKY_BASE_URL: sim.url,
    WELLSKY_CLIENT_ID: sim.credentials.clientId,
    WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
    WELLSKY_AGENCY_ID: sim.agencyId,
  };
  const payload = join(dir, 'deal.json');
  await writeFile(
    payload,
    JSON.stringify({
      givenName: 'Ottoline',
      familyName: 'Fairweather',
      phones: [{ use: 'mobile', number: '720 555 0157' }],
      stage: 'assessment scheduled',
    }),
  );

  test('prospect --file: created, then unchanged, with the WellSky id; --json prints the answer', async () => {
    const first = await run(['intake', 'prospect', '--source', 'crm', '--id', 'C-1', '--file', payload], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /prospect crm\/C-1: CREATED — WellSky \d+, stage assessment scheduled \(status 20\)/,
    );
    const again = await run(
      ['intake', 'prospect', '--source', 'crm', '--id', 'C-1', '--file', payload, '--json'],
      env,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).outcome, 'unchanged');
  });

  test('an SSN in the file: exit 2 with the reason, nothing stored', async () => {
    const bad = join(dir, 'ssn.json');
    await writeFile(
      bad,
      JSON.stringify({ givenName: 'A', familyName: 'B', phones: [], stage: 'new', ssn: '123-45-6789' }),
    );
    const refused = await run(['intake', 'applicant', '--source', 'ats', '--id', 'S-1', '--file', bad], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /ssn: Social Security numbers are refused/);
    const listed = await run(['intake', 'list', '--json'], env);
    assert.deepEqual(
      JSON.parse(listed.stdout).links.map((l: { externalId: string }) => l.externalId),
      ['C-1'],
    );
  });
});
