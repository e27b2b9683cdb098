import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type FileOps, nodeFileOps } from '../../src/store/file-ops.ts';
import { DocumentationRepo, type JournalRecord, type Store } from '../../src/store/index.ts';
import { cancelledSubmits, Journal } from '../../src/store/journal.ts';
import { pgliteEngine, type TestEngine } from '../helpers/stores.ts';

/** Real file operations that also log each call, to see what happens before an append resolves. */
function spyingOps(log: string[], failSync: boolean | (() => boolean) = false): FileOps {
  const failing = typeof failSync === 'function' ? failSync : () => failSync;
  return {
    ...nodeFileOps,
    async openAppend(path) {
      const handle = await nodeFileOps.openAppend(path);
      log.push(`open ${path.split('/').pop()}`);
      return {
        async write(data) {
          await handle.write(data);
          log.push('write');
        },
        async sync() {
          if (failing()) throw new Error('EIO: simulated disk failure');
          await handle.sync();
          log.push('sync');
        },
        close: () => handle.close(),
      };
    },
    async syncDir(path) {
      await nodeFileOps.syncDir(path);
      log.push(`syncDir ${path.split('/').pop()}`);
    },
  };
}

const record = (id: string): JournalRecord => ({
  v: 1,
  type: 'attempt-begun',
  at: new Date(0).toISOString(),
  id,
  attemptNo: 1,
  workerId: 'w',
});

describe('journal file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skybridge-journal-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('resolves an append only after the line is written and flushed, and flushes new directories and files', async () => {
    const log: string[] = [];
    const journalDir = join(dir, 'a', 'journal');
    await mkdir(join(dir, 'a'));
    const journal = await Journal.open(journalDir, { fileOps: spyingOps(log) });
    assert.deepEqual(log, ['syncDir a', 'syncDir ' + dir.split('/').pop()]);
    log.length = 0;
    await journal.append(record('one'));
    log.push('resolved');
    await journal.append(record('two'));
    log.push('resolved');
    assert.deepEqual(log, [
      'open segment-00000001.jsonl',
      'syncDir journal',
      'write',
      'sync',
      'resolved',
      'write',
      'sync',
      'resolved',
    ]);
    const text = await readFile(join(journalDir, 'segment-00000001.jsonl'), 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 2);
    await journal.close();
  });

  it('rejects the append when the flush fails, and moves to a fresh segment', async () => {
    const journalDir = join(dir, 'b');
    const broken = await Journal.open(journalDir, { fileOps: spyingOps([], true) });
    await assert.rejects(broken.append(record('x')), /EIO/);
    await broken.close();
    const journal = await Journal.open(journalDir, { warn: () => undefined });
    await journal.append(record('y'));
    assert.deepEqual((await readdir(journalDir)).sort(), [
      'segment-00000001.jsonl',
      'segment-00000002.jsonl',
    ]);
    await journal.close();
  });

  it('gathers appends made while a flush is under way into the next single write and flush', async () => {
    const log: string[] = [];
    const journal = await Journal.open(join(dir, 'd'), { fileOps: spyingOps(log) });
    log.length = 0;
    const first = journal.append(record('one')).then(() => log.push('one'));
    const rest = [journal.append(record('two')), journal.appendMany([record('three'), record('four')])];
    await first;
    const later = journal.append(record('five')).then(() => log.push('five'));
    await Promise.all([...rest, later]);
    assert.deepEqual(log, [
      'open segment-00000001.jsonl',
      'syncDir d',
      'write',
      'sync',
      'one',
      'write',
      'sync',
      'five',
    ]);
    const { records } = await journal.readAll();
    assert.deepEqual(
      records.map((r) => (r.type === 'submit' ? r.item.id : r.id)),
      ['one', 'two', 'three', 'four', 'five'],
    );
    await journal.close();
  });

  it('skips a torn last line with a warning and never appends after it', async () => {
    const journalDir = join(dir, 'c');
    await mkdir(journalDir);
    const good = JSON.stringify(record('good'));
    await writeFile(join(journalDir, 'segment-00000001.jsonl'), `${good}\n${good.slice(0, 25)}`);
    const warnings: string[] = [];
    const journal = await Journal.open(journalDir, { warn: (m) => warnings.push(m) });
    const { records } = await journal.readAll();
    assert.deepEqual(
      records.map((r) => (r.type === 'submit' ? r.item.id : r.id)),
      ['good'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /torn last line in segment-00000001.jsonl line 2/);
    await journal.append(record('after'));
    const reread = await journal.readAll();
    assert.deepEqual(
      reread.records.map((r) => (r.type === 'submit' ? r.item.id : r.id)),
      ['good', 'after'],
    );
    await journal.close();
  });
});

const note = (key: string) => ({
  idempotencyKey: key,
  kind: 'client-note' as const,
  occurredAt: '2025-03-01T12:00:00Z',
  clientId: 'p-1',
  text: `note ${key}`,
});

describe('journal replay into the embedded store', () => {
  let engine: TestEngine;
  let store: Store;
  before(async () => {
    engine = await pgliteEngine.create();
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    await engine?.dispose();
  });

  it('restores acknowledged items, deliveries and in-flight attempts the store lost', async () => {
    store = await engine.open();
    let repo = new DocumentationRepo(store);
    const lost = (await repo.submit(note('lost'))).item;
    const kept = (await repo.submit(note('kept'))).item;
    const inflight = (await repo.submit(note('inflight'))).item;
    const sent = (await repo.submit(note('sent'))).item;
    await repo.claimDue('w', { limit: 10, leaseMs: 60_000 });
    await repo.beginAttempt(inflight.id, 'w');
    await repo.markDelivered(sent.id, 'w', { route: 'tasklog', wellskyId: 'TL-5', targetId: 'E-5' });
    // What a power loss could do to PGlite's unflushed files: rows and changes gone.
    await store.db.deleteFrom('documentation_items').where('id', '=', lost.id).execute();
    await store.db
      .updateTable('documentation_items')
      .set({
        needs_verification: false,
        attempt_count: 0,
        updated_at: new Date(0),
        claimed_by: null,
        claim_expires_at: null,
      })
      .where('id', '=', inflight.id)
      .execute();
    await store.db
      .updateTable('documentation_items')
      .set({
        state: 'pending',
        wellsky_id: null,
        delivered_at: null,
        delivered_route: null,
        next_attempt_at: new Date(),
        updated_at: new Date(0),
      })
      .where('id', '=', sent.id)
      .execute();
    await store.close();

    store = await engine.open({ compactJournalAtOpen: false });
    repo = new DocumentationRepo(store);
    assert.equal(store.replay?.restored, 1);
    assert.equal(store.replay?.deliveriesRestored, 1);
    assert.equal(store.replay?.verificationsRestored, 1);
    assert.deepEqual(await repo.get(lost.id), lost);
    assert.equal((await repo.get(kept.id))?.state, 'pending');
    assert.equal((await repo.get(inflight.id))?.needs_verification, true);
    const delivered = await repo.get(sent.id);
    assert.equal(delivered?.state, 'delivered');
    assert.equal(delivered?.wellsky_id, 'TL-5');
    assert.match((await repo.history(lost.id))[0]?.reason ?? '', /restored from the journal/);
    await store.close();
  });

  it('inserts a journaled submit the store never got (crash between flush and commit)', async () => {
    const dir = join(engine.dataDir!, 'journal');
    const row = {
      id: 'journal-only-1',
      idempotency_key: 'journal-only',
      kind: 'call-out' as const,
      occurred_at: '2025-03-01T06:00:00.000Z',
      text: 'caregiver is sick',
      payload: { reason: 'sick' },
      marker: 'SB-JOURNAL001',
      next_attempt_at: '2025-03-01T06:00:00.000Z',
      created_at: '2025-03-01T06:00:00.000Z',
      updated_at: '2025-03-01T06:00:00.000Z',
      state: 'pending' as const,
      needs_verification: false,
      attempt_count: 0,
    };
    const journal = await Journal.open(dir);
    await journal.append({ v: 1, type: 'submit', at: row.created_at, item: row });
    await journal.close();
    store = await engine.open({ compactJournalAtOpen: false });
    const item = await new DocumentationRepo(store).getByKey('journal-only');
    assert.equal(item?.id, 'journal-only-1');
    assert.deepEqual(item?.payload, { reason: 'sick' });
    assert.equal(store.replay?.restored, 1);
    await store.close();
  });

  it('compacts: drops delivered items, carries the rest, and still restores them later', async () => {
    store = await engine.open();
    const compaction = store.replay?.compaction;
    assert.ok(compaction);
    assert.ok(compaction.removedSegments.length >= 2);
    const journalDir = join(engine.dataDir!, 'journal');
    const files = await readdir(journalDir);
    assert.equal(files.length, 1, `one segment left, got ${files}`);
    const text = await readFile(join(journalDir, files[0]!), 'utf8');
    assert.doesNotMatch(text, /note sent/, 'the delivered item left the journal');
    assert.match(text, /note lost/);
    assert.match(text, /journal-only/);

    // The carried copy is enough on its own.
    const repo = new DocumentationRepo(store);
    const lost = await repo.getByKey('lost');
    await store.db
      .deleteFrom('documentation_items')
      .where('idempotency_key', 'in', ['lost', 'journal-only'])
      .execute();
    await store.close();
    store = await engine.open();
    assert.equal(store.replay?.restored, 2);
    assert.deepEqual(await new DocumentationRepo(store).getByKey('lost'), lost);
    await store.close();
  });

  it('does not bring back a submit whose insert failed after its line was written', async () => {
    store = await engine.open({ compactJournalAtOpen: false });
    // The line goes to the disk beside the insert, so a refused insert leaves a line behind.
    await sql`CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.idempotency_key = 'refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`.execute(
      store.db,
    );
    await sql`CREATE TRIGGER refuse_note BEFORE INSERT ON documentation_items
      FOR EACH ROW EXECUTE FUNCTION refuse_note()`.execute(store.db);
    await assert.rejects(new DocumentationRepo(store).submit(note('refused')), /refused by the test/);
    const { records } = await store.journal!.readAll();
    const line = records.find((r) => r.type === 'submit' && r.item.idempotency_key === 'refused');
    assert.ok(line?.type === 'submit', 'the submit line was written');
    assert.ok(
      records.some((r) => r.type === 'void' && r.id === line.item.id),
      'and cancelled by a void line',
    );
    await sql`DROP TRIGGER refuse_note ON documentation_items`.execute(store.db);
    await store.close();

    store = await engine.open({ compactJournalAtOpen: false });
    assert.equal(await new DocumentationRepo(store).getByKey('refused'), undefined, 'replay skips it');
    await store.close();
    store = await engine.open();
    assert.equal(await new DocumentationRepo(store).getByKey('refused'), undefined);
    const after = (await store.journal!.readAll()).records;
    assert.ok(
      !after.some((r) => (r.type === 'submit' ? r.item.id : r.id) === line.item.id),
      'compaction drops the cancelled line and its void line',
    );
    await store.close();
  });

  it('does not acknowledge or keep a submit whose journal flush failed', async () => {
    store = await engine.open({ journalFileOps: spyingOps([], true), compactJournalAtOpen: false });
    const repo = new DocumentationRepo(store);
    await assert.rejects(repo.submit(note('unflushed')), /EIO/);
    assert.equal(await repo.getByKey('unflushed'), undefined);
    await store.close();
  });
});

describe('journal flushes of the documentation pipeline', () => {
  let engine: TestEngine;
  let store: Store | undefined;
  before(async () => {
    engine = await pgliteEngine.create();
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    await engine?.dispose();
  });

  it('journals submits made together with one write and one flush, before any of them resolves', async () => {
    const log: string[] = [];
    store = await engine.open({ journalFileOps: spyingOps(log), compactJournalAtOpen: false });
    const repo = new DocumentationRepo(store);
    log.length = 0;
    const keys = ['g1', 'g2', 'g3', 'g4', 'g5'];
    await Promise.all(keys.map((key) => repo.submit(note(key)).then(() => log.push(`resolved ${key}`))));
    assert.deepEqual(log.slice(-7), ['write', 'sync', ...keys.map((key) => `resolved ${key}`)]);
    assert.equal(log.filter((entry) => entry === 'sync').length, 1);
    const { records } = await store.journal!.readAll();
    assert.deepEqual(
      records.flatMap((r) => (r.type === 'submit' ? [r.item.idempotency_key] : [])),
      keys,
    );
    await store.close();
    store = undefined;
  });

  /** File operations whose next flush fails once `arm` is called, after `beforeFailing` has run. */
  /**
   * File operations whose next flush fails once `arm` is called, after `beforeFailing` has run: by
   * default the line is written and its flush fails; with `lost`, the write itself fails and the line
   * never reaches the file.
   */
  function failingOnce(beforeFailing: () => Promise<void>, { lost = false } = {}) {
    let armed = false;
    const fail = async () => {
      armed = false;
      await beforeFailing();
      throw new Error('EIO: simulated disk failure');
    };
    const ops: FileOps = {
      ...nodeFileOps,
      async openAppend(path) {
        const handle = await nodeFileOps.openAppend(path);
        return {
          write: (data) => (armed && lost ? fail() : handle.write(data)),
          sync: () => (armed ? fail() : handle.sync()),
          close: () => handle.close(),
        };
      },
    };
    return { ops, arm: () => (armed = true) };
  }

  /** Resolves once the item with this key is committed (its statement runs beside the flush). */
  async function committed(repo: DocumentationRepo, key: string) {
    for (;;) {
      const item = await repo.getByKey(key);
      if (item) return item;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('undoes a submit whose flush failed after its row was committed, and no replay brings it back', async () => {
    let repo: DocumentationRepo | undefined;
    const disk = failingOnce(async () => {
      await committed(repo!, 'undone');
    });
    store = await engine.open({ journalFileOps: disk.ops, compactJournalAtOpen: false });
    repo = new DocumentationRepo(store);
    disk.arm();
    await assert.rejects(repo.submit(note('undone')), /EIO/);
    assert.equal(await repo.getByKey('undone'), undefined, 'the committed row is gone');
    const { records } = await store.journal!.readAll();
    const line = records.find((r) => r.type === 'submit' && r.item.idempotency_key === 'undone');
    assert.ok(line?.type === 'submit', 'the line was written before its flush failed');
    const history = await store.db
      .selectFrom('state_changes')
      .select('item_id')
      .where('item_id', '=', line.item.id)
      .execute();
    assert.equal(history.length, 0, 'and its history row with it');
    assert.ok(
      records.some((r) => r.type === 'void' && r.id === line.item.id),
      'and is cancelled',
    );
    await store.close();
    store = await engine.open({ compactJournalAtOpen: false });
    assert.equal(await new DocumentationRepo(store).getByKey('undone'), undefined, 'replay skips it');
    await store.close();
    store = undefined;
  });

  it('acknowledges a submit whose flush failed when a worker had already claimed its row, once its line is written again', async () => {
    let repo: DocumentationRepo | undefined;
    const disk = failingOnce(
      async () => {
        const item = await committed(repo!, 'taken');
        await repo!.claimDue('w', { limit: 1, leaseMs: 60_000, ids: [item.id] });
      },
      { lost: true },
    );
    store = await engine.open({ journalFileOps: disk.ops, compactJournalAtOpen: false });
    repo = new DocumentationRepo(store);
    disk.arm();
    const { item, created } = await repo.submit(note('taken'));
    assert.equal(created, true);
    const stored = await repo.getByKey('taken');
    assert.equal(stored?.id, item.id, 'stored, and on its way');
    assert.equal(stored?.claimed_by, 'w');
    // Acknowledged only with its power-loss copy: the line was written again, and nothing cancels it.
    const { records } = await store.journal!.readAll();
    const cancelled = cancelledSubmits(records);
    assert.ok(
      records.some((r, i) => r.type === 'submit' && r.item.id === item.id && !cancelled.has(i)),
      'a submit line for the kept row that replay would apply',
    );
    await store.close();
    store = undefined;
  });

  it('never cancels a stored row, nor calls it not created, when a read after its insert fails', async () => {
    store = await engine.open({ compactJournalAtOpen: false });
    await new DocumentationRepo(store).submit(note('already'));
    let failNextRead = true;
    const repo = new DocumentationRepo({
      ...store,
      db: store.db.withPlugin({
        transformQuery: (args) => {
          // The read of the conflicting key's winner, after the INSERT (a SELECT over its CTE) committed.
          if (failNextRead && args.node.kind === 'SelectQueryNode' && !args.node.with) {
            failNextRead = false;
            throw new Error('simulated failure of the read');
          }
          return args.node;
        },
        transformResult: async (args) => args.result,
      }),
    });
    const [again, fresh] = await Promise.allSettled([
      repo.submit(note('already')),
      repo.submit(note('fresh')),
    ]);
    assert.equal(again.status, 'rejected', 'the conflicting submit gets the read failure');
    assert.ok(fresh.status === 'fulfilled', 'the new row is acknowledged');
    assert.equal(fresh.value.created, true);
    const { records } = await store.journal!.readAll();
    const cancelled = cancelledSubmits(records);
    assert.ok(
      records.some((r, i) => r.type === 'submit' && r.item.id === fresh.value.item.id && !cancelled.has(i)),
      'its journal line is not cancelled',
    );
    await store.close();
    store = await engine.open({ compactJournalAtOpen: false });
    await store.db.deleteFrom('documentation_items').where('idempotency_key', '=', 'fresh').execute();
    await store.close();
    store = await engine.open({ compactJournalAtOpen: false });
    assert.equal(
      (await new DocumentationRepo(store).getByKey('fresh'))?.id,
      fresh.value.item.id,
      'replay restores it',
    );
    await store.close();
    store = undefined;
  });

  it('does not report an attempt begun, nor a delivery, until its record is flushed', async () => {
    let failing = false;
    store = await engine.open({ journalFileOps: spyingOps([], () => failing), compactJournalAtOpen: false });
    const repo = new DocumentationRepo(store);
    const { item } = await repo.submit(note('flushed-first'));
    await repo.claimDue('w', { limit: 1, leaseMs: 60_000, ids: [item.id] });
    failing = true;
    // The worker calls WellSky only once beginAttempt resolves: a record that is not on the disk stops it.
    await assert.rejects(repo.beginAttempt(item.id, 'w'), /EIO/);
    failing = false;
    await repo.beginAttempt(item.id, 'w');
    failing = true;
    await assert.rejects(
      repo.markDelivered(item.id, 'w', { route: 'task-log', wellskyId: 'TL-1', targetId: 'E-1' }),
      /EIO/,
    );
    failing = false;
    await store.close();
    store = undefined;
  });
});
