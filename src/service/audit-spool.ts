import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Insertable, sql } from 'kysely';
import type { Store } from '../store/index.ts';
import type { Database } from '../store/types.ts';

export type SpooledRow = Insertable<Database['audit_log']> & { entry_id: string };

/** Rows per INSERT when moving: small enough that one statement never holds the event loop for long. */
const MOVE_CHUNK = 25;
const FILE = /^spool-(\d+)-(\d+)\.jsonl$/;

/**
 * The embedded store's audit rows, written to an append-only file in the data folder before each answer
 * leaves, and moved into `audit_log` in the background (every `moveEveryMs`, and before the log is read).
 *
 * Why a file: PGlite serialises every statement on one connection and each commit costs about half a
 * millisecond of its WebAssembly; at 1,000 audited reads a second, arriving evenly, that was one INSERT
 * of 1–2 rows per read and half the service's CPU (issue #11, item 6). A line appended with write(2)
 * costs microseconds and holds exactly what a PGlite commit holds: PGlite writes its files and never
 * flushes them (electric-sql/pglite#1107), so both survive a killed process and neither a power loss.
 *
 * Exactly once: each row carries a unique `entry_id` (file number and line), moves use ON CONFLICT DO
 * NOTHING, and a file is deleted only after all its rows are committed — so a crash between the move
 * and the delete, or during the move, replays the file at the next start without doubling a row.
 *
 * A move starts a new file for the rows that keep coming and reads the finished one back, rather than
 * keeping the rows in memory until then: rows held for a second survive the young-generation collections
 * and are copied by each of them, which cost more than the page-cache read (measured: CPU per request
 * 319 → 440 µs with rows held, identify at 1,000 req/s).
 */
export class AuditSpool {
  private fd: number | null = null;
  private file = '';
  private fileNo = 0;
  private line = 0;
  /** Finished files, oldest first: their rows are still to be committed to the table. */
  private toMove: string[] = [];
  /** Moves run one after another: a timer's and a reader's never interleave. */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly store: Store,
  ) {}

  /**
   * Opens the spool in `dir`: rows a previous process left there (it died before moving them) are moved
   * into the table first, then a new file is started.
   */
  static async open(dir: string, store: Store, options: { moveEveryMs?: number } = {}): Promise<AuditSpool> {
    const spool = new AuditSpool(dir, store);
    mkdirSync(dir, { recursive: true });
    const left = readdirSync(dir)
      .map((name) => ({ name, no: Number(FILE.exec(name)?.[1] ?? Number.NaN) }))
      .filter((f) => !Number.isNaN(f.no))
      .sort((a, b) => a.no - b.no);
    spool.toMove = left.map((f) => join(dir, f.name));
    spool.fileNo = Math.max(Date.now(), ...left.map((f) => f.no + 1));
    await spool.move();
    spool.startFile();
    const every = options.moveEveryMs ?? 1_000;
    spool.timer = setInterval(() => void spool.move().catch(() => undefined), every);
    spool.timer.unref();
    return spool;
  }

  /** Writes the row to the spool file; it is as durable as a committed row when this returns. */
  append(row: Insertable<Database['audit_log']>): void {
    if (this.fd === null) throw new Error('the audit spool is closed');
    const spooled: SpooledRow = { ...row, entry_id: `${this.fileNo}:${this.line++}` };
    try {
      writeSync(this.fd, `${JSON.stringify(spooled)}\n`);
    } catch (error) {
      // The write may have left part of a line: never append after it (a later row would be glued to it).
      this.startFile();
      throw error;
    }
  }

  /** Commits every row appended so far to `audit_log` (then deletes the files it came from). */
  move(): Promise<void> {
    const run = this.chain.then(() => this.moveNow());
    // A failed move leaves its files in place; the next one (or the next start) retries them.
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async moveNow(): Promise<void> {
    // New rows go to a new file from here on, so the current one is finished and can be moved.
    if (this.fd !== null && this.line > 0) this.startFile();
    while (this.toMove.length > 0) {
      const file = this.toMove[0]!;
      const lines = readFileSync(file, 'utf8').split('\n').filter(isRow);
      for (let at = 0; at < lines.length; at += MOVE_CHUNK) {
        // The lines are the rows' JSON already: one parameter, the same statement text for every chunk,
        // no per-value binding in JavaScript (measured: 66 → 47 µs of CPU per row at 50 rows).
        await sql`
          INSERT INTO audit_log (at, key_id, method, route, status, subject_ids, entry_id)
          SELECT at, key_id, method, route, status, subject_ids::jsonb, entry_id
          FROM jsonb_to_recordset(${`[${lines.slice(at, at + MOVE_CHUNK).join(',')}]`}::jsonb)
            AS x(at timestamptz, key_id text, method text, route text, status integer, subject_ids text, entry_id text)
          ON CONFLICT (entry_id) DO NOTHING
        `.execute(this.store.db);
      }
      removeFile(file);
      this.toMove.shift();
    }
  }

  private startFile(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.toMove.push(this.file);
    }
    this.fileNo += 1;
    this.line = 0;
    this.file = join(this.dir, `spool-${this.fileNo}-${process.pid}.jsonl`);
    this.fd = openSync(this.file, 'a', 0o600);
  }

  /** Moves what is left and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.move();
    } finally {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      if (this.toMove.length === 0) removeFile(this.file);
    }
  }
}

/** Deletes a spool file; one already gone (someone cleaned the folder) is no error. */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * A whole row. A line cut short by a crash (or a failed write) was never acknowledged — its write had
 * not returned — and is skipped.
 */
function isRow(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    const row = JSON.parse(text) as Partial<SpooledRow>;
    return typeof row.entry_id === 'string' && typeof row.route === 'string';
  } catch {
    return false;
  }
}
