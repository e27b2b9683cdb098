import { dirname, join } from 'node:path';
import { type AppendHandle, type FileOps, nodeFileOps } from './file-ops.ts';
import type { NewDocumentationItemRow } from './types.ts';

/**
 * What must survive a power loss in embedded mode. PGlite never calls fsync
 * (electric-sql/pglite#1107), so its files can lose recent writes when the machine (not just the
 * process) dies. These records are the ones whose loss would lose a note or duplicate one in WellSky:
 * - `submit`: the item exactly as inserted (an acknowledged note must never vanish);
 * - `attempt-begun`: a worker is about to call WellSky (after a loss, the next attempt must look
 *   for the marker in WellSky before sending again);
 * - `delivered`: WellSky has it, with its id (after a loss, do not send it a second time).
 * - `void`: the `submit` records of this id written before it were never acknowledged (the insert they
 *   were written beside failed, or the idempotency key was already taken): a replay must not restore them.
 * Other changes (claims, retries, holds) may roll back after a power loss; that repeats work, which
 * the `attempt-begun` record makes safe.
 */
export type JournalRecord =
  | { v: 1; type: 'submit'; at: string; item: JournalItem }
  | { v: 1; type: 'attempt-begun'; at: string; id: string; attemptNo: number; workerId: string }
  | { v: 1; type: 'void'; at: string; id: string }
  | {
      v: 1;
      type: 'delivered';
      at: string;
      id: string;
      route: string;
      wellskyId: string | null;
      targetId: string | null;
    };

/** An item row in JSON form: dates as ISO strings, payload as an object. */
export type JournalItem = Omit<NewDocumentationItemRow, 'payload'> & { payload: Record<string, unknown> };

export interface ReadResult {
  records: JournalRecord[];
  warnings: string[];
  /** Segments fully read, oldest first. */
  segments: string[];
}

export interface JournalOptions {
  fileOps?: FileOps;
  warn?: (message: string) => void;
}

const SEGMENT = /^segment-(\d{8})\.jsonl$/;
const segmentName = (n: number) => `segment-${String(n).padStart(8, '0')}.jsonl`;

/**
 * An append-only JSON-lines file set in `<dataDir>/journal/`, one record a line, each line flushed
 * to disk before `append` resolves. Segments let compaction drop old records without ever
 * rewriting a file that holds acknowledged records.
 */
export class Journal {
  private handle: AppendHandle | null = null;
  private activeSegment: number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private waiting: { lines: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushQueued = false;

  private constructor(
    readonly dir: string,
    private readonly ops: FileOps,
    private readonly warn: (message: string) => void,
    private segments: number[],
  ) {
    // Never append to a segment found at open: its last line may be torn (a crash mid-write), and
    // a record written after a torn line would be glued to it and lost on the next read.
    this.activeSegment = (segments.at(-1) ?? 0) + 1;
  }

  static async open(dir: string, options: JournalOptions = {}): Promise<Journal> {
    const ops = options.fileOps ?? nodeFileOps;
    const warn = options.warn ?? ((message) => console.warn(message));
    if (await ops.mkdir(dir)) {
      // The new directory's entry lives in its parent; without this a power loss could drop the
      // whole folder along with every record later fsynced into it.
      await ops.syncDir(dirname(dir));
      await ops.syncDir(dirname(dirname(dir)));
    }
    const segments = (await ops.readdir(dir))
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    return new Journal(dir, ops, warn, segments);
  }

  /** Resolves only once the record's line is written and flushed to the disk. */
  append(record: JournalRecord): Promise<void> {
    return this.appendMany([record]);
  }

  /**
   * Several records: resolves once all of them are on the disk. Appends made while a flush is under way
   * are gathered and go out together in the next write and flush (group commit): a flush costs the same
   * for one line as for fifty, and callers that append outside a database transaction (the worker's
   * attempt and delivery records) would otherwise each wait for a flush of their own.
   */
  appendMany(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const lines = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ lines, resolve, reject });
      if (this.flushQueued) return;
      this.flushQueued = true;
      void this.serialised(() => this.flushWaiting());
    });
  }

  /** Writes and flushes every append waiting now; appends arriving meanwhile wait for the next flush. */
  private async flushWaiting(): Promise<void> {
    this.flushQueued = false;
    const batch = this.waiting.splice(0);
    if (batch.length === 0) return;
    try {
      const handle = await this.activeHandle();
      try {
        await handle.write(batch.map((w) => w.lines).join(''));
        await handle.sync();
      } catch (error) {
        // The lines may be half written; later records go to a fresh segment so none is glued to them.
        this.handle = null;
        this.activeSegment += 1;
        await handle.close().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    for (const waiting of batch) waiting.resolve();
  }

  /** Every record in every segment, oldest first. A torn or unreadable line is skipped with a warning. */
  readAll(): Promise<ReadResult> {
    return this.readSegments(this.segments.map(segmentName));
  }

  /** The records of the named segments, in that order. */
  readSegments(names: string[]): Promise<ReadResult> {
    return this.serialised(async () => {
      const records: JournalRecord[] = [];
      const warnings: string[] = [];
      for (const name of names) {
        const text = await this.ops.readFile(join(this.dir, name));
        const lines = text.split('\n');
        const last = lines.length - 1;
        lines.forEach((line, index) => {
          if (line === '') return;
          try {
            records.push(JSON.parse(line) as JournalRecord);
          } catch {
            const where = `${name} line ${index + 1}`;
            warnings.push(
              index === last
                ? `journal: skipped a torn last line in ${where} (a crash during a write that was never acknowledged)`
                : `journal: skipped an unreadable line in ${where}; the file may be damaged`,
            );
          }
        });
      }
      for (const warning of warnings) this.warn(warning);
      return { records, warnings, segments: names };
    });
  }

  /**
   * Seal the segment being written and start a new one; returns the sealed segments. New appends
   * go to the new segment, so the sealed ones can be removed once the store holds their records.
   */
  rotate(): Promise<string[]> {
    return this.serialised(async () => {
      if (this.handle) {
        await this.handle.close();
        this.handle = null;
        this.activeSegment += 1;
      }
      return this.segments.filter((n) => n < this.activeSegment).map(segmentName);
    });
  }

  /** Delete sealed segments (never the active one), then flush the directory so they stay gone. */
  removeSegments(names: string[]): Promise<void> {
    return this.serialised(async () => {
      const active = segmentName(this.activeSegment);
      // Oldest first (names sort by number): see compactJournal for why the order matters.
      const doomed = names.filter((name) => name !== active && SEGMENT.test(name)).sort();
      for (const name of doomed) await this.ops.unlink(join(this.dir, name));
      this.segments = this.segments.filter((n) => !doomed.includes(segmentName(n)));
      if (doomed.length > 0) await this.ops.syncDir(this.dir);
    });
  }

  /** Segments on disk other than the one being written: what compaction could remove. */
  get sealedSegmentCount(): number {
    return this.segments.filter((n) => n !== this.activeSegment).length;
  }

  async close(): Promise<void> {
    await this.serialised(async () => {
      this.closed = true;
      await this.handle?.close();
      this.handle = null;
    });
  }

  private async activeHandle(): Promise<AppendHandle> {
    if (this.closed) throw new Error('journal: append after close');
    if (this.handle) return this.handle;
    this.handle = await this.ops.openAppend(join(this.dir, segmentName(this.activeSegment)));
    if (!this.segments.includes(this.activeSegment)) {
      this.segments.push(this.activeSegment);
      // A new file's name is in the directory, not the file: flush it once, on create.
      await this.ops.syncDir(this.dir);
    }
    return this.handle;
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * The positions of `submit` records that a later `void` record of the same id cancels: a replay skips
 * them and compaction drops them (with the `void` records that did the cancelling).
 */
export function cancelledSubmits(records: readonly JournalRecord[]): Set<number> {
  const lastVoid = new Map<string, number>();
  records.forEach((record, index) => {
    if (record.type === 'void') lastVoid.set(record.id, index);
  });
  const cancelled = new Set<number>();
  records.forEach((record, index) => {
    if (record.type === 'submit' && (lastVoid.get(record.item.id) ?? -1) > index) cancelled.add(index);
  });
  return cancelled;
}
