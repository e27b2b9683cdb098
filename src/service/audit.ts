import type { Insertable } from 'kysely';
import type { Store } from '../store/index.ts';
import type { Database } from '../store/types.ts';
import { AuditSpool } from './audit-spool.ts';

export interface AuditEntry {
  id: string;
  at: string;
  keyId: string | null;
  method: string;
  route: string;
  status: number;
  subjectIds: string[];
}

/**
 * The audit log of reads of client and caregiver data: which key, which route (the template, never the
 * query string, which may hold a phone number or a name), whose records (ids only), when.
 */
type AuditRow = Insertable<Database['audit_log']>;

interface Waiting {
  row: AuditRow;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Rows per INSERT: six parameters each, far below PostgreSQL's 65,535 bind parameters. */
const BATCH_LIMIT = 1_000;

/**
 * The audit log of reads of client and caregiver data: which key, which route (the template, never the
 * query string, which may hold a phone number or a name), whose records (ids only), when.
 *
 * Rows are group-committed: the rows of every request answered in one turn of the event loop go in one
 * INSERT, written right after that turn (`setImmediate`, no timer to wait out), and rows arriving while an
 * INSERT is in flight go together in the next one. Each `record` still resolves only once its own row is
 * committed, so an answer never leaves before its audit row is durable. Why the turn and not only "while
 * one is in flight": PGlite runs a statement synchronously inside the call, so nothing is ever in flight
 * for long, and at 1,000 reads a second the service was writing one INSERT per read — most of its time
 * (issue #11, item 6).
 */
export class AuditLog {
  private queue: Waiting[] = [];
  private flushing: Promise<void> | undefined;
  private spool: Promise<AuditSpool> | undefined;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
    /** Told the size of each INSERT once it is committed (tests, the bench's rows-per-INSERT figure). */
    private readonly onBatch?: (rows: number) => void,
    /**
     * The embedded service's spool folder (see audit-spool.ts): rows are appended there before the answer
     * leaves and moved into the table in the background. Without it every row is INSERTed (PostgreSQL,
     * the CLI, a store lent by the running service).
     */
    private readonly spooled?: { dir: string; moveEveryMs?: number },
  ) {}

  record(entry: {
    keyId: string | null;
    method: string;
    route: string;
    status: number;
    subjectIds: string[];
  }): Promise<void> {
    const row: AuditRow = {
      at: this.now(),
      key_id: entry.keyId,
      method: entry.method,
      route: entry.route,
      status: entry.status,
      subject_ids: JSON.stringify([...new Set(entry.subjectIds)].slice(0, 500)),
    };
    if (this.spooled !== undefined) {
      const { dir, ...options } = this.spooled;
      this.spool ??= AuditSpool.open(dir, this.store, options);
      return this.spool.then((spool) => spool.append(row));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.flushing ??= new Promise<void>((started) => setImmediate(started)).then(() => this.drain());
    });
  }

  /** Writes whatever is queued, batch after batch, until the queue is empty. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, BATCH_LIMIT);
        try {
          // Without the store's yield-after-each-statement plugin: this is one statement, not a loop of
          // them, and the turn that plugin would wait out is a turn every audited answer waits too.
          await this.store.db
            .withoutPlugins()
            .insertInto('audit_log')
            .values(batch.map((w) => w.row))
            .execute();
          this.onBatch?.(batch.length);
          for (const waiting of batch) waiting.resolve();
        } catch (error) {
          // The whole batch failed: each of its requests answers with the error, none claims an audit row.
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  async recent(limit = 100): Promise<AuditEntry[]> {
    // Spooled rows are part of the log: move them in before reading it.
    if (this.spool) await (await this.spool).move();
    const rows = await this.store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      keyId: r.key_id,
      method: r.method,
      route: r.route,
      status: r.status,
      subjectIds: r.subject_ids,
    }));
  }

  /** Moves what the spool still holds into the table (the server calls this as it closes). */
  async close(): Promise<void> {
    const spool = this.spool;
    this.spool = undefined;
    if (spool) await (await spool).close();
  }
}
