import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';

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

for (const factory of engines) {
  describe(`sync, lookup and shifts commands on ${factory.name}`, () => {
    let sim: RunningSimulator;
    let engine: TestEngine;
    let dataDir: string;
    let env: Record<string, string>;

    before(async () => {
      // The CLI runs on the real clock, so the simulator does too.
      sim = await startSimulator({ clients: 12, caregivers: 8, seed: 11, profile: 'full' });
      engine = await factory.create();
      // PGlite: the engine's folder, a migrated empty store (test/helpers/templates.ts) rather than one the
      // first command would create. PostgreSQL: a folder for what the CLI keeps beside the database.
      dataDir = engine.dataDir ?? (await mkdtemp(join(tmpdir(), 'skybridge-cli-')));
      env = {
        WELLSKY_BASE_URL: sim.url,
        WELLSKY_CLIENT_ID: sim.credentials.clientId,
        WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
        WELLSKY_TIMEZONE: 'America/Denver',
        SKYBRIDGE_DATA_DIR: dataDir,
        ...(engine.databaseUrl ? { DATABASE_URL: engine.databaseUrl } : {}),
      };
    });
    after(async () => {
      await sim?.close();
      await engine?.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('lookup before any sync says to sync first', async () => {
      const { code, stderr } = await run(['lookup', '3035550100'], env);
      assert.equal(code, 2);
      assert.match(stderr, /run `skybridge sync` first/);
    });

    it('sync prints a summary with plain progress lines and no names or phones', async () => {
      const { code, stdout, stderr } = await run(['sync', '--json'], env);
      assert.equal(code, 0, stderr);
      const summary = JSON.parse(stdout);
      assert.equal(summary.kind, 'full');
      assert.equal(summary.status, 'ok');
      assert.equal(summary.rateLimited, 0);
      assert.match(stderr, /sync: shifts \d+\/\d+/);
      const someone = sim.control.data.practitioners()[0]!;
      assert.ok(!stderr.includes(someone.name![0]!.family!), 'progress shows counts only');
      const again = await run(['sync'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Sync run \d+ \(incremental\): OK/);
    });

    it('lookup --json identifies a phone in any format, and finds names', async () => {
      const cg = sim.control.data.practitioners()[1]!;
      const d = cg.telecom!.find((t) => t.use === 'mobile')!.value!;
      const { code, stdout } = await run(
        ['lookup', `+1 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`, '--json'],
        env,
      );
      assert.equal(code, 0);
      const doc = JSON.parse(stdout);
      assert.equal(doc.kind, 'phone');
      assert.equal(doc.digits, d);
      assert.ok(
        doc.matches.some((m: { id: string; syncedAt: string }) => m.id === String(cg.id) && m.syncedAt),
      );
      const byName = JSON.parse(
        (await run(['lookup', cg.name![0]!.family!.toUpperCase(), '--json'], env)).stdout,
      );
      assert.ok(byName.matches.some((m: { id: string }) => m.id === String(cg.id)));
      const none = await run(['lookup', '(999) 555-0100'], env);
      assert.equal(none.code, 3);
    });

    it('shifts --json lists a day in the agency zone with names and ids', async () => {
      const client = sim.control.data
        .patients()
        .find((p) => p.active && p.meta?.tag?.some((t) => t.code === 'isClient' && t.display === 'true'))!;
      const today = DateTime.now().setZone('America/Denver');
      const from = today.minus({ days: 3 }).toISODate()!;
      const to = today.plus({ days: 3 }).toISODate()!;
      const { code, stdout, stderr } = await run(
        ['shifts', '--client', String(client.id), '--from', from, '--to', to, '--json'],
        env,
      );
      assert.equal(code, 0, stderr);
      const doc = JSON.parse(stdout);
      assert.equal(doc.timezone, 'America/Denver');
      assert.equal(doc.clientId, String(client.id));
      const expected = sim.control.data.appointmentsFor({ clientId: client.id as string, from, to });
      assert.equal(doc.shifts.length, expected.length);
      for (const s of doc.shifts) {
        assert.match(s.start, /-0[67]:00$/);
        assert.equal(s.client.id, String(client.id));
        assert.ok(s.isOpen || s.caregiver.name);
      }
    });

    it('bad input is a clear error and a non-zero exit', async () => {
      const both = await run(['shifts', '--client', '1', '--caregiver', '2'], env);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /exactly one of --caregiver or --client/);
      const badDate = await run(['shifts', '--client', '1', '--date', '2026-02-30'], env);
      assert.equal(badDate.code, 2);
      assert.match(badDate.stderr, /date must be a date like/);
      const noSecret = await run(
        ['subscriptions', 'ensure', '--public-url', 'https://example.org/hook'],
        env,
      );
      assert.equal(noSecret.code, 2);
      assert.match(noSecret.stderr, /SKYBRIDGE_WEBHOOK_SECRET is not set/);
    });
  });
}
