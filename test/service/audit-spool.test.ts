import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AuditLog } from '../../src/service/audit.ts';
import { AuditSpool } from '../../src/service/audit-spool.ts';
import type { Store } from '../../src/store/index.ts';
import { pgliteEngine } from '../helpers/stores.ts';

const AT = new Date('2026-02-12T17:00:00Z');
const read = (i: number) => ({
  keyId: 'key-1',
  method: 'GET',
  route: '/api/v1/identify',
  status: 200,
  subjectIds: [`client-${i}`],
});

async function setUp() {
  const fixture = await pgliteEngine.create();
  after(() => fixture.dispose());
  const store = await fixture.open();
  after(() => store.close());
  const dir = await mkdtemp(join(tmpdir(), 'skybridge-audit-spool-'));
  after(() => rm(dir, { recursive: true, force: true }));
  return { store, dir };
}

const tableRows = (store: Store) =>
  store.db.selectFrom('audit_log').select(['subject_ids', 'entry_id']).orderBy('id').execute();
const spoolLines = async (dir: string) => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.join('').split('\n').filter(Boolean);
};

test('a spooled read is on disk when its record resolves, and the log shows it when read', async () => {
  const { store, dir } = await setUp();
  // No timed move during the test: it checks where the row is before the log is read.
  const log = new AuditLog(store, () => AT, undefined, { dir, moveEveryMs: 3_600_000 });

  await log.record(read(1));
  // Not yet moved (the timer moves once a second), yet already written where a restart finds it.
  const lines = await spoolLines(dir);
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]!).subject_ids, JSON.stringify(['client-1']));
  assert.deepEqual(await tableRows(store), []);

  await Promise.all([2, 3, 4].map((i) => log.record(read(i))));
  const recent = await log.recent(10);
  assert.deepEqual(
    recent.map((r) => r.subjectIds),
    [['client-4'], ['client-3'], ['client-2'], ['client-1']],
  );
  assert.ok(recent.every((r) => r.at === AT.toISOString() && r.keyId === 'key-1'));
  // Moved files are deleted; what stays is the (empty) file new rows go to.
  assert.deepEqual(await spoolLines(dir), []);
  await log.close();
  assert.deepEqual(await readdir(dir), []);
});

test('rows a dead process left in the spool are moved at the next start, each exactly once', async () => {
  const { store, dir } = await setUp();
  const first = await AuditSpool.open(dir, store, { moveEveryMs: 60_000 });
  for (const i of [1, 2, 3]) first.append({ ...rowOf(i) });
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
  const written = await readFile(join(dir, file!), 'utf8');
  // The process moved these three, then died before deleting the file: put it back as it was.
  await first.move();
  await writeFile(join(dir, file!), written);
  // And it had spooled two more, the last cut short by the kill (never acknowledged).
  const later = [4, 5].map((i, n) => JSON.stringify({ ...rowOf(i), at: AT, entry_id: `999:${n}` }));
  await writeFile(join(dir, 'spool-999-1.jsonl'), `${later[0]}\n${later[1]!.slice(0, 40)}`);

  const second = await AuditSpool.open(dir, store, { moveEveryMs: 60_000 });
  after(() => second.close());
  assert.deepEqual(
    (await tableRows(store)).map((r) => r.subject_ids),
    [['client-1'], ['client-2'], ['client-3'], ['client-4']],
  );
  assert.deepEqual(await spoolLines(dir), []);
});

test('a spool that cannot be written fails the read instead of answering it unaudited', async () => {
  const { store, dir } = await setUp();
  const notAFolder = join(dir, 'file');
  await writeFile(notAFolder, 'x');
  const log = new AuditLog(store, () => AT, undefined, { dir: notAFolder });
  await assert.rejects(log.record(read(1)));
  assert.deepEqual(await tableRows(store), []);
});

function rowOf(i: number) {
  return {
    at: AT,
    key_id: null,
    method: 'GET',
    route: '/api/v1/identify',
    status: 200,
    subject_ids: JSON.stringify([`client-${i}`]),
  };
}
