import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Insertable } from 'kysely';
import type { Store } from '../store/index.ts';
import type { Database } from '../store/types.ts';

export type SpooledRow = Insertable<Database['audit_log']> & { entry_id: string };

/** Rows per INSERT when moving: small enough that one statement never holds the event loop for long. */
const MOVE_CHUNK = 50;
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
 */
export class AuditSpool {
  private fd: number | null = null;
  private file = '';
  private fileNo = 0;
  private line = 0;
  /** Rows written to the spool and not yet committed to the table, with the file each came from. */
  private pending: { row: SpooledRow; file: string }[] = [];
  /** Files whose rows are all pending or moved; deleted once none of theirs is pending. */
  private files: string[] = [];
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
      .map((name) => ({ name, match: FILE.exec(name) }))
      .filter((f) => f.match)
      .sort((a, b) => Number(a.match![1]) - Number(b.match![1]));
    for (const { name } of left) {
      const path = join(dir, name);
      for (const text of readFileSync(path, 'utf8').split('\n')) {
        const row = parseLine(text);
        // A line cut short by the crash was never acknowledged: its write had not returned.
        if (row) spool.pending.push({ row, file: path });
      }
      spool.files.push(path);
    }
    spool.fileNo = Math.max(Date.now(), ...left.map((f) => Number(f.match![1]) + 1));
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
    writeSync(this.fd, `${JSON.stringify(spooled)}\n`);
    this.pending.push({ row: spooled, file: this.file });
  }

  /** Commits every row appended so far to `audit_log` (then deletes the files fully moved). */
  move(): Promise<void> {
    const run = this.chain.then(() => this.moveNow());
    // A failed move leaves its rows pending and its files in place; the next one retries them.
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async moveNow(): Promise<void> {
    if (this.pending.length > 0 && this.fd !== null && this.pending.at(-1)!.file === this.file) {
      // New rows go to a new file from here on, so the current one can be deleted once moved.
      this.startFile();
    }
    while (this.pending.length > 0) {
      const chunk = this.pending.slice(0, MOVE_CHUNK);
      await this.store.db
        .insertInto('audit_log')
        .values(chunk.map((p) => p.row))
        .onConflict((oc) => oc.column('entry_id').doNothing())
        .execute();
      this.pending.splice(0, chunk.length);
    }
    const stillNeeded = new Set(this.pending.map((p) => p.file));
    for (const file of this.files.splice(0)) {
      if (file === this.file || stillNeeded.has(file)) this.files.push(file);
      else removeFile(file);
    }
  }

  private startFile(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fileNo += 1;
    this.line = 0;
    this.file = join(this.dir, `spool-${this.fileNo}-${process.pid}.jsonl`);
    this.fd = openSync(this.file, 'a', 0o600);
    this.files.push(this.file);
  }

  /** Moves what is left and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.move();
    } finally {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      if (this.pending.length === 0) for (const file of this.files.splice(0)) removeFile(file);
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

function parseLine(text: string): SpooledRow | undefined {
  if (text.trim() === '') return undefined;
  try {
    const row = JSON.parse(text) as SpooledRow;
    return typeof row.entry_id === 'string' && typeof row.route === 'string' ? row : undefined;
  } catch {
    return undefined;
  }
}
