import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { serviceDocument } from '../../src/service/server.ts';

const REDOCLY = resolve('node_modules/@redocly/cli/bin/cli.js');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

test('/openapi.json passes redocly lint with its recommended rules: no error, no warning', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skybridge-openapi-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'openapi.json');
  // The document the service serves, with every extension the real service mounts (MCP, dashboard).
  await writeFile(file, JSON.stringify(serviceDocument()));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [REDOCLY, 'lint', '--extends', 'recommended', '--format', 'json', file],
    {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 50_000,
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as LintReport;
  const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
  assert.deepEqual(problems, [], `redocly found:\n${problems.join('\n')}`);
  assert.equal(report.totals.errors, 0);
  assert.equal(report.totals.warnings, 0);
});

test('every operation has an operationId (unique) and a 4xx answer, so generated clients name them all', () => {
  const doc = serviceDocument();
  const ids = new Set<string>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations as Record<string, Record<string, unknown>>)) {
      const id = op.operationId as string;
      assert.ok(id, `${method} ${path} has no operationId`);
      assert.ok(!ids.has(id), `operationId ${id} is used twice`);
      ids.add(id);
      const statuses = Object.keys(op.responses as object);
      assert.ok(
        statuses.some((s) => s.startsWith('4')),
        `${method} ${path} documents no 4xx`,
      );
    }
  }
  assert.ok(doc.servers.length > 0 && doc.info.license.name);
});
