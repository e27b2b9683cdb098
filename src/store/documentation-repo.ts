import { type ExpressionBuilder, type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import { CompiledByShape } from './compiled-by-shape.ts';
import { TransitionRefusedError } from './errors.ts';
import { buildItemRow, type SubmitInput } from './item-input.ts';
import type { JournalItem, JournalRecord } from './journal.ts';
import { itemRowFromJournal } from './journal-apply.ts';
import type { Store } from './store.ts';
import type {
  Attempt,
  AttemptOutcome,
  Database,
  DocumentationItem,
  DocumentationItemsTable,
  ItemKind,
  ItemState,
  StateChange,
} from './types.ts';

export interface SubmitResult {
  item: DocumentationItem;
  /** False when the idempotency key was already known: `item` is the existing one, unchanged. */
  created: boolean;
}

export interface ListOptions {
  state?: ItemState;
  kind?: ItemKind;
  limit?: number;
  /** The id of the last item of the previous page. */
  before?: string;
}

export interface ErrorInfo {
  message: string;
  kind?: string;
  httpStatus?: number;
  route?: string;
}

export interface ManualResolution {
  comment: string;
  /** `entered-in-wellsky`: a person put it in WellSky by hand (delivered, route "manual"); `dismissed`: not needed (failed). */
  outcome: 'entered-in-wellsky' | 'dismissed';
  by: string;
  wellskyId?: string | null;
  now?: Date;
}

export interface RepoOptions {
  clock?: () => Date;
}

type Db = Kysely<Database> | Transaction<Database>;

interface PendingSubmit {
  row: JournalItem;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
}

/** What one submit of a batch came to. */
type Settled = { ok: true; result: SubmitResult } | { ok: false; error: unknown };

/** Items per INSERT: about thirty parameters each, far below PostgreSQL's 65,535 bind parameters. */
const SUBMIT_BATCH_LIMIT = 500;

interface TransitionSpec {
  /** The claimant, or null for "only if nobody holds a live claim". */
  workerId: string | null;
  from: ItemState[];
  set: Updateable<DocumentationItemsTable>;
  attempt?: {
    outcome: AttemptOutcome;
    route?: string | null;
    httpStatus?: number | null;
    errorKind?: string | null;
    message?: string | null;
  };
  actor: string;
  reason: string | null;
  journal?: (item: DocumentationItem, now: Date) => JournalRecord;
  now: Date;
}

/**
 * The columns that close an attempt with its outcome; `keptRoute` is the attempt's own route column (as the
 * statement names it), kept when the outcome names none.
 */
function attemptOutcome<R>(attempt: NonNullable<TransitionSpec['attempt']>, now: Date, keptRoute: R) {
  return {
    finished_at: now,
    outcome: attempt.outcome,
    route: attempt.route ?? keptRoute,
    http_status: attempt.httpStatus ?? null,
    error_kind: attempt.errorKind ?? null,
    message: attempt.message ?? null,
  };
}

/** How an attempt a worker began and never finished is closed. */
const ABANDONED = (now: Date) => ({
  finished_at: now,
  outcome: 'unknown' as const,
  error_kind: 'abandoned',
  message: 'the worker stopped before recording an outcome',
});

/** Held and failed need a person: they come first when no state is asked for. */
const STATE_RANK = sql<number>`CASE state WHEN 'held' THEN 0 WHEN 'failed' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END`;

/**
 * The documentation items (notes, call-outs, office tasks) on their way to WellSky. Every change of
 * state happens in one transaction with its attempt and history rows; in embedded mode the changes
 * that must survive a power loss are journaled (and flushed) before the call resolves: a submit while
 * its one statement runs (a failed flush undoes the rows, see `insertBatch`); an attempt or a delivery
 * right after its commit. Neither flush holds the store's one connection (see `beginAttempt`).
 */
export class DocumentationRepo {
  private readonly db: Kysely<Database>;
  private readonly clock: () => Date;
  private submits: PendingSubmit[] = [];
  private submitting: Promise<void> | undefined;
  /** The rows, and for each row really inserted its first history row; a key already stored is skipped. */
  private readonly insertQuery = new CompiledByShape((rows: ReturnType<typeof itemRowFromJournal>[]) =>
    this.db
      .with('item', (db) =>
        db
          .insertInto('documentation_items')
          .values(rows)
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .returningAll(),
      )
      .with('history', (db) =>
        db
          .insertInto('state_changes')
          .columns(['item_id', 'at', 'from_state', 'to_state', 'actor', 'reason'])
          .expression((eb) =>
            eb
              .selectFrom('item')
              .select((item) => [
                'item.id',
                'item.created_at',
                sql<null>`null::text`.as('from_state'),
                'item.state',
                item.fn.coalesce('item.source', sql<string>`'submit'`).as('actor'),
                'item.state_reason',
              ]),
          ),
      )
      .selectFrom('item')
      .selectAll(),
  );

  constructor(
    private readonly store: Store,
    options: RepoOptions = {},
  ) {
    this.db = store.db;
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Stores a new item (or finds the one with the same idempotency key). Group-committed: the submits made
   * in one turn of the event loop, and those made while a batch is being written, go in one statement
   * with one journal flush (one statement and one flush per batch, not one each per item).
   * Each call still resolves only once its own row is committed and, embedded, its journal line flushed.
   */
  submit(input: SubmitInput): Promise<SubmitResult> {
    let row: JournalItem;
    const now = this.clock();
    try {
      row = buildItemRow(input, now);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<SubmitResult>((resolve, reject) => {
      this.submits.push({ row, now, resolve, reject });
      this.submitting ??= new Promise<void>((started) => setImmediate(started)).then(() =>
        this.drainSubmits(),
      );
    });
  }

  private async drainSubmits(): Promise<void> {
    const settle = (waiting: PendingSubmit, settled: Settled) =>
      settled.ok ? waiting.resolve(settled.result) : waiting.reject(settled.error);
    try {
      while (this.submits.length > 0) {
        const batch = this.submits.splice(0, SUBMIT_BATCH_LIMIT);
        try {
          const settled = await this.insertBatch(batch);
          for (const [index, waiting] of batch.entries()) settle(waiting, settled[index]!);
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          // One bad row must not fail the others' requests: each goes again on its own.
          for (const waiting of batch) {
            try {
              settle(waiting, (await this.insertBatch([waiting]))[0]!);
            } catch (single) {
              waiting.reject(single);
            }
          }
        }
      }
    } finally {
      this.submitting = undefined;
    }
  }

  /**
   * One statement, committed by itself: the new rows with their first history rows. Their journal lines
   * go to the disk meanwhile (one flush for the batch), and no call resolves before both are done. The
   * statement does not wait for the flush inside a transaction: that held the store's one connection
   * (every request's and the worker's statements) for the length of a disk flush, and cost a COMMIT round
   * trip of its own. So a flush that fails after the rows were committed is handled here: the rows nobody
   * has touched yet are deleted and their callers get the error (nothing stored, nothing acknowledged); a row
   * a worker already claimed in that instant stays, and is acknowledged only once its line is written again.
   * Throws only when the INSERT itself failed (nothing committed), so the caller may retry rows one by one;
   * any later failure is settled per row, and a stored row's line is never cancelled.
   */
  private async insertBatch(batch: PendingSubmit[]): Promise<Settled[]> {
    // Two submits of one key in a batch: the first is inserted (or found), the others get the same item.
    const first = new Map<string, PendingSubmit>();
    for (const waiting of batch) {
      if (!first.has(waiting.row.idempotency_key)) first.set(waiting.row.idempotency_key, waiting);
    }
    const leaders = [...first.values()];
    const journal = this.store.journal;
    const submitLines = (waiting: PendingSubmit[]) =>
      waiting.map((w) => ({ v: 1, type: 'submit', at: w.now.toISOString(), item: w.row }) as const);
    const flushed = journal?.appendMany(submitLines(leaders));
    // Awaited below; this only keeps a failure that comes first from going unhandled.
    flushed?.catch(() => undefined);
    // Lines written for rows that were then not stored are cancelled, so that no replay brings them back.
    const cancel = (ids: string[]): Promise<void> =>
      journal && ids.length > 0
        ? journal
            .appendMany(ids.map((id) => ({ v: 1, type: 'void', at: this.clock().toISOString(), id })))
            .catch(() => undefined)
        : Promise.resolve();
    let inserted: DocumentationItem[];
    try {
      inserted = await this.insertRows(leaders.map((w) => w.row));
    } catch (error) {
      await flushed?.catch(() => undefined);
      await cancel(leaders.map((w) => w.row.id));
      throw error;
    }
    const created = new Map(inserted.map((item) => [item.idempotency_key, item]));
    const settleAll = (stored: Map<string, DocumentationItem>, failure: (key: string) => unknown) =>
      batch.map((waiting): Settled => {
        const key = waiting.row.idempotency_key;
        const item = stored.get(key);
        if (!item) return { ok: false, error: failure(key) };
        // The row this batch wrote (now, or in an earlier try of the same row) is the caller's own.
        return {
          ok: true,
          result: { item, created: item.id === first.get(key)!.row.id && first.get(key) === waiting },
        };
      });
    try {
      await flushed;
    } catch (error) {
      let gone = new Set<string>();
      try {
        const undone =
          inserted.length === 0
            ? []
            : await this.db
                .deleteFrom('documentation_items')
                .where(
                  'id',
                  'in',
                  inserted.map((item) => item.id),
                )
                .where('attempt_count', '=', 0)
                .where('claimed_by', 'is', null)
                .returning('id')
                .execute();
        gone = new Set(undone.map((row) => row.id));
      } catch {
        // Nothing was deleted: every inserted row is still stored, and is treated as kept below.
      }
      const kept = inserted.filter((item) => !gone.has(item.id));
      // Only the ids that are stored nowhere are cancelled; a kept row's line is written again.
      const keptIds = new Set(kept.map((item) => item.id));
      await cancel(leaders.map((w) => w.row.id).filter((id) => !keptIds.has(id)));
      const rewritten =
        journal != null &&
        kept.length > 0 &&
        (await journal.appendMany(submitLines(leaders.filter((w) => keptIds.has(w.row.id)))).then(
          () => true,
          () => false,
        ));
      const acknowledged = new Map(rewritten ? kept.map((item) => [item.idempotency_key, item]) : []);
      // A kept row whose line could not be written again stays stored (a retry with its key finds it)
      // but is not acknowledged: the disk refused its power-loss copy twice.
      return settleAll(acknowledged, () => error);
    }
    const conflicted = leaders.filter((w) => !created.has(w.row.idempotency_key));
    // A key already stored, or a concurrent submit of it won; on PostgreSQL this read sees its commit.
    const winners = new Map<string, DocumentationItem>();
    let lookupFailed: unknown;
    if (conflicted.length > 0) {
      try {
        const rows = await this.db
          .selectFrom('documentation_items')
          .selectAll()
          .where(
            'idempotency_key',
            'in',
            conflicted.map((w) => w.row.idempotency_key),
          )
          .execute();
        for (const row of rows) winners.set(row.idempotency_key, row);
      } catch (error) {
        lookupFailed = error;
      }
    }
    // Their key was taken: their lines carry ids that were never stored (never the stored row's own id,
    // which a runtime compaction may have put there from the journal before this INSERT ran).
    if (lookupFailed === undefined) {
      void cancel(
        conflicted.filter((w) => winners.get(w.row.idempotency_key)?.id !== w.row.id).map((w) => w.row.id),
      );
    }
    return settleAll(
      new Map([...winners, ...created]),
      (key) => lookupFailed ?? new Error(`submit: key ${key} conflicted but no row was found`),
    );
  }

  private async insertRows(rows: JournalItem[]): Promise<DocumentationItem[]> {
    const query = this.insertQuery.compile(rows.map((row) => itemRowFromJournal(row)));
    return (await this.db.executeQuery<DocumentationItem>(query)).rows;
  }

  get(id: string): Promise<DocumentationItem | undefined> {
    return this.db.selectFrom('documentation_items').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getByKey(key: string): Promise<DocumentationItem | undefined> {
    return this.byKey(this.db, key);
  }

  async list(options: ListOptions = {}): Promise<DocumentationItem[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
    let query = this.db.selectFrom('documentation_items').selectAll();
    if (options.state) query = query.where('state', '=', options.state);
    if (options.kind) query = query.where('kind', '=', options.kind);
    if (options.before) {
      const cursor = await this.db
        .selectFrom('documentation_items')
        .select(['created_at', 'id', STATE_RANK.as('rank')])
        .where('id', '=', options.before)
        .executeTakeFirst();
      if (!cursor) return [];
      query = query.where(
        sql<boolean>`(${STATE_RANK} > ${cursor.rank} OR (${STATE_RANK} = ${cursor.rank} AND (created_at, id) < (${cursor.created_at}, ${cursor.id})))`,
      );
    }
    return query
      .orderBy(STATE_RANK)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  attempts(id: string): Promise<Attempt[]> {
    return this.db
      .selectFrom('attempts')
      .selectAll()
      .where('item_id', '=', id)
      .orderBy('attempt_no')
      .execute();
  }

  history(id: string): Promise<StateChange[]> {
    return this.db.selectFrom('state_changes').selectAll().where('item_id', '=', id).orderBy('id').execute();
  }

  /**
   * Claim up to `limit` due items for `workerId`. One statement: the inner SELECT locks candidate
   * rows and skips rows another worker is claiming right now, and PostgreSQL re-checks the WHERE on
   * rows that changed while it waited, so no item is ever handed to two live claims.
   */
  claimDue(
    workerId: string,
    options: { limit: number; leaseMs: number; now?: Date; ids?: string[] },
  ): Promise<DocumentationItem[]> {
    const now = options.now ?? this.clock();
    const expires = new Date(now.getTime() + options.leaseMs);
    if (options.ids && options.ids.length === 0) return Promise.resolve([]);
    let due = this.db
      .selectFrom('documentation_items')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', now)]))
      .orderBy('next_attempt_at')
      .orderBy('created_at')
      .limit(options.limit)
      .forUpdate()
      .skipLocked();
    // A caller that wants one particular item (deliver what was just submitted) names it.
    if (options.ids) due = due.where('id', 'in', options.ids);
    return this.db
      .updateTable('documentation_items')
      .set({ claimed_by: workerId, claim_expires_at: expires })
      .where('id', 'in', due)
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at)));
  }

  /** Extend a claim the worker still holds; false if it lost it. */
  async renewClaim(id: string, workerId: string, options: { leaseMs: number; now?: Date }): Promise<boolean> {
    const now = options.now ?? this.clock();
    const result = await this.db
      .updateTable('documentation_items')
      .set({ claim_expires_at: new Date(now.getTime() + options.leaseMs) })
      .where('id', '=', id)
      .where('claimed_by', '=', workerId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Give an item back untouched (e.g. on shutdown), so another worker can take it at once. */
  async releaseClaim(id: string, workerId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('documentation_items')
      .set({ claimed_by: null, claim_expires_at: null })
      .where('id', '=', id)
      .where('claimed_by', '=', workerId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Record that the worker is about to call WellSky, before it does. If the process dies before an
   * outcome is recorded, the item keeps `needs_verification` and the next attempt looks for the
   * marker in WellSky before sending again. Returns the attempt number.
   */
  async beginAttempt(
    id: string,
    workerId: string,
    options: { route?: string; now?: Date } = {},
  ): Promise<number> {
    const now = options.now ?? this.clock();
    // One statement, so atomic without a transaction: the item is updated only if this worker holds it
    // and it is pending; attempts an earlier worker began and never finished are closed as unknown; the
    // new attempt is recorded. Data-modifying CTEs share one snapshot, so `closed` never sees `begun`.
    const begun = await this.db
      .with('item', (db) =>
        db
          .updateTable('documentation_items')
          .set((eb) => ({
            attempt_count: eb('attempt_count', '+', 1),
            needs_verification: true,
            updated_at: now,
          }))
          .where('id', '=', id)
          .where('state', '=', 'pending')
          .where('claimed_by', '=', workerId)
          .returning(['id', 'attempt_count']),
      )
      .with('closed', (db) =>
        db
          .updateTable('attempts')
          .set(ABANDONED(now))
          .where('item_id', 'in', db.selectFrom('item').select('id'))
          .where('finished_at', 'is', null),
      )
      .insertInto('attempts')
      .columns(['item_id', 'attempt_no', 'worker_id', 'started_at', 'route'])
      .expression((db) =>
        db.selectFrom('item').select((eb) => [
          'id',
          'attempt_count',
          eb.val(workerId).as('worker_id'),
          // Typed: an untyped parameter in an INSERT's SELECT list would be taken for text.
          sql<Date>`${now}::timestamptz`.as('started_at'),
          eb.val(options.route ?? null).as('route'),
        ]),
      )
      .returning('attempt_no')
      .executeTakeFirst();
    if (!begun) {
      await this.store.transaction((trx) => this.lockForTransition(trx, id, workerId, ['pending'], now));
      throw new TransitionRefusedError(id, 'not-claimant', `item ${id} could not be claimed for an attempt`);
    }
    const attemptNo = begun.attempt_no;
    // After the commit, before the caller may call WellSky: the flush shares a write with whatever else is
    // being journaled and holds no database connection meanwhile. A crash between the commit and the flush
    // is harmless, since WellSky has not been called yet; a failed flush throws, so it is never called.
    await this.store.journal?.append({
      v: 1,
      type: 'attempt-begun',
      at: now.toISOString(),
      id,
      attemptNo,
      workerId,
    });
    return attemptNo;
  }

  async markDelivered(
    id: string,
    workerId: string,
    outcome: { route: string; wellskyId: string; targetId?: string | null; httpStatus?: number; now?: Date },
  ): Promise<DocumentationItem> {
    const now = outcome.now ?? this.clock();
    return this.transition(id, {
      workerId,
      from: ['pending'],
      set: {
        state: 'delivered',
        state_reason: null,
        delivered_route: outcome.route,
        wellsky_id: outcome.wellskyId,
        wellsky_target_id: outcome.targetId ?? null,
        delivered_at: now,
        needs_verification: false,
        next_attempt_at: null,
        last_error: null,
      },
      attempt: { outcome: 'delivered', route: outcome.route, httpStatus: outcome.httpStatus ?? null },
      actor: workerId,
      reason: `delivered via ${outcome.route} as WellSky ${outcome.wellskyId}`,
      journal: (item) => ({
        v: 1,
        type: 'delivered',
        at: now.toISOString(),
        id: item.id,
        route: outcome.route,
        wellskyId: outcome.wellskyId,
        targetId: outcome.targetId ?? null,
      }),
      now,
    });
  }

  /** Not delivered, and certainly not created in WellSky: try again at `nextAttemptAt`. */
  markRetry(
    id: string,
    workerId: string,
    outcome: { nextAttemptAt: Date; error: ErrorInfo; now?: Date },
  ): Promise<DocumentationItem> {
    return this.stayPending(id, workerId, outcome, false);
  }

  /**
   * The call may or may not have reached WellSky (a timeout, a dropped connection): still pending,
   * and the next attempt must look for the marker in WellSky before sending again.
   */
  markOutcomeUnknown(
    id: string,
    workerId: string,
    outcome: { nextAttemptAt: Date; error: ErrorInfo; now?: Date },
  ): Promise<DocumentationItem> {
    return this.stayPending(id, workerId, outcome, true);
  }

  /** Both "try again" outcomes: they differ only in whether WellSky may already have the item. */
  private stayPending(
    id: string,
    workerId: string,
    outcome: { nextAttemptAt: Date; error: ErrorInfo; now?: Date },
    mayExist: boolean,
  ): Promise<DocumentationItem> {
    return this.transition(id, {
      workerId,
      from: ['pending'],
      set: {
        next_attempt_at: outcome.nextAttemptAt,
        last_error: outcome.error.message,
        needs_verification: mayExist,
      },
      attempt: attemptError(mayExist ? 'unknown' : 'retry', outcome.error),
      actor: workerId,
      reason: null,
      now: outcome.now ?? this.clock(),
    });
  }

  /**
   * Needs a person: no route accepts it. `workerId` null is for intake or policy decisions, and is
   * only allowed while no worker holds a live claim on the item.
   */
  async markHeld(
    id: string,
    workerId: string | null,
    reason: string,
    details: { code?: string; route?: string; httpStatus?: number; errorKind?: string; now?: Date } = {},
  ): Promise<DocumentationItem> {
    requireWords(reason, 'markHeld needs a reason a person can act on');
    const now = details.now ?? this.clock();
    return this.transition(id, {
      workerId,
      from: ['pending'],
      set: { state: 'held', state_reason: reason, hold_code: details.code ?? null },
      attempt: {
        outcome: 'held',
        route: details.route ?? null,
        httpStatus: details.httpStatus ?? null,
        errorKind: details.errorKind ?? null,
        message: reason,
      },
      actor: workerId ?? 'system',
      reason,
      now,
    });
  }

  /** Permanent: WellSky refused it in a way no retry will change. */
  async markFailed(
    id: string,
    workerId: string,
    error: ErrorInfo & { now?: Date },
  ): Promise<DocumentationItem> {
    requireWords(error.message, 'markFailed needs a message');
    const now = error.now ?? this.clock();
    return this.transition(id, {
      workerId,
      from: ['pending'],
      set: { state: 'failed', state_reason: error.message, last_error: error.message },
      attempt: attemptError('failed', error),
      actor: workerId,
      reason: error.message,
      now,
    });
  }

  /** Held → pending, due now (e.g. after write access was granted). Returns the requeued items. */
  async requeueHeld(
    options: {
      filter?: { ids?: string[]; kind?: ItemKind; reasonContains?: string; codes?: string[] };
      actor?: string;
      /** A person checked WellSky and found nothing: the next attempt may send without looking first. */
      clearVerification?: boolean;
      now?: Date;
    } = {},
  ): Promise<DocumentationItem[]> {
    const now = options.now ?? this.clock();
    const filter = options.filter ?? {};
    if (filter.ids && filter.ids.length === 0) return [];
    if (filter.codes && filter.codes.length === 0) return [];
    return this.store.transaction(async (trx) => {
      let query = trx
        .updateTable('documentation_items')
        .set({
          state: 'pending',
          state_reason: null,
          hold_code: null,
          next_attempt_at: now,
          updated_at: now,
          ...(options.clearVerification ? { needs_verification: false } : {}),
        })
        .where('state', '=', 'held');
      if (filter.codes) query = query.where('hold_code', 'in', filter.codes);
      if (filter.ids) query = query.where('id', 'in', filter.ids);
      if (filter.kind) query = query.where('kind', '=', filter.kind);
      if (filter.reasonContains) {
        query = query.where('state_reason', 'ilike', `%${escapeLike(filter.reasonContains)}%`);
      }
      const rows = await query.returningAll().execute();
      if (rows.length > 0) {
        await trx
          .insertInto('state_changes')
          .values(
            rows.map((row) => ({
              item_id: row.id,
              at: now,
              from_state: 'held' as const,
              to_state: 'pending' as const,
              actor: options.actor ?? 'requeue',
              reason: 'requeued for another attempt',
            })),
          )
          .execute();
      }
      return rows;
    });
  }

  /**
   * A person closes the item: entered by hand in WellSky (delivered via "manual") or dismissed
   * (failed, with their comment). Allowed from held, failed, or pending while no worker holds it.
   */
  async resolveManually(id: string, resolution: ManualResolution): Promise<DocumentationItem> {
    requireWords(resolution.comment, 'resolveManually needs a comment');
    requireWords(resolution.by, 'resolveManually needs the name of the person resolving');
    const now = resolution.now ?? this.clock();
    const entered = resolution.outcome === 'entered-in-wellsky';
    const set: Updateable<DocumentationItemsTable> = entered
      ? {
          state: 'delivered',
          state_reason: `entered in WellSky by ${resolution.by}: ${resolution.comment}`,
          delivered_route: 'manual',
          wellsky_id: resolution.wellskyId ?? null,
          delivered_at: now,
          needs_verification: false,
          next_attempt_at: null,
          resolved_by: resolution.by,
          hold_code: null,
        }
      : {
          state: 'failed',
          state_reason: `dismissed by ${resolution.by}: ${resolution.comment}`,
          next_attempt_at: null,
          resolved_by: resolution.by,
          hold_code: null,
        };
    return this.transition(id, {
      workerId: null,
      from: ['pending', 'held', 'failed'],
      set,
      actor: `staff:${resolution.by}`,
      reason: set.state_reason as string,
      journal: entered
        ? (item) => ({
            v: 1,
            type: 'delivered',
            at: now.toISOString(),
            id: item.id,
            route: 'manual',
            wellskyId: resolution.wellskyId ?? null,
            targetId: null,
          })
        : undefined,
      now,
    });
  }

  private byKey(db: Db, key: string): Promise<DocumentationItem | undefined> {
    return db
      .selectFrom('documentation_items')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  private async transition(id: string, spec: TransitionSpec): Promise<DocumentationItem> {
    const after =
      (spec.from.length === 1 && spec.attempt
        ? await this.finishBegunAttempt(id, spec.from[0]!, spec, spec.attempt)
        : undefined) ??
      (await this.store.transaction((trx) =>
        spec.from.length === 1
          ? this.transitionFrom(trx, id, spec.from[0]!, spec)
          : this.lockAndTransition(trx, id, spec),
      ));
    // After the commit (see beginAttempt): a delivery is journaled before the caller hears of it. Should a
    // power loss take both the commit and this line, the journaled `attempt-begun` still makes the next
    // attempt look in WellSky before sending, so nothing is sent twice.
    if (spec.journal) await this.store.journal?.append(spec.journal(after, spec.now));
    return after;
  }

  /**
   * The worker's usual outcome in one statement, hence atomic without a transaction: the item is updated
   * only if it is in `from`, the caller may change it and the caller's attempt is open; that attempt is
   * finished and the history row written in the same statement. Undefined when any of this does not hold:
   * the caller then takes the transaction below, which refuses with the reason or records the attempt.
   */
  private async finishBegunAttempt(
    id: string,
    from: ItemState,
    spec: TransitionSpec,
    attempt: NonNullable<TransitionSpec['attempt']>,
  ): Promise<DocumentationItem | undefined> {
    const workerOp = spec.workerId === null ? 'is' : '=';
    return this.db
      .with('item', (db) =>
        db
          .updateTable('documentation_items')
          .set({ ...spec.set, claimed_by: null, claim_expires_at: null, updated_at: spec.now })
          .where('id', '=', id)
          .where('state', '=', from)
          .where((eb) => claimCheck(eb, spec.workerId, spec.now))
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('attempts')
                .select('attempts.id')
                .whereRef('attempts.item_id', '=', 'documentation_items.id')
                .whereRef('attempts.attempt_no', '=', 'documentation_items.attempt_count')
                .where('attempts.finished_at', 'is', null)
                .where('attempts.worker_id', workerOp, spec.workerId),
            ),
          )
          .returningAll(),
      )
      .with('finished', (db) =>
        db
          .updateTable('attempts')
          .from('item')
          .set((eb) => attemptOutcome(attempt, spec.now, eb.ref('attempts.route')))
          .whereRef('attempts.item_id', '=', 'item.id')
          .whereRef('attempts.attempt_no', '=', 'item.attempt_count')
          .where('attempts.finished_at', 'is', null)
          .where('attempts.worker_id', workerOp, spec.workerId),
      )
      .with('history', (db) =>
        db
          .insertInto('state_changes')
          .columns(['item_id', 'at', 'from_state', 'to_state', 'actor', 'reason'])
          .expression(
            db
              .selectFrom('item')
              .select((eb) => [
                'item.id',
                sql<Date>`${spec.now}::timestamptz`.as('at'),
                eb.val(from).as('from_state'),
                'item.state',
                eb.val(spec.actor).as('actor'),
                eb.val(spec.reason).as('reason'),
              ])
              .where('item.state', '<>', from),
          ),
      )
      .selectFrom('item')
      .selectAll()
      .executeTakeFirst();
  }

  /**
   * A transition from one known state (every outcome the worker records): the item's UPDATE checks state
   * and claim in its WHERE and locks the row, which saves the SELECT … FOR UPDATE of the general path, and
   * the attempt this worker began is finished by one UPDATE. Only an item without such an open attempt (a
   * hold decided before any call) takes the longer way of `finishAttempt`.
   */
  private async transitionFrom(
    trx: Transaction<Database>,
    id: string,
    from: ItemState,
    spec: TransitionSpec,
  ): Promise<DocumentationItem> {
    const query = trx
      .updateTable('documentation_items')
      .set({ ...spec.set, claimed_by: null, claim_expires_at: null, updated_at: spec.now })
      .where('id', '=', id)
      .where('state', '=', from);
    let after = await query
      .where((eb) => claimCheck(eb, spec.workerId, spec.now))
      .returningAll()
      .executeTakeFirst();
    if (!after) {
      // Refused: the general check says why (and throws).
      await this.lockForTransition(trx, id, spec.workerId, spec.from, spec.now);
      throw new TransitionRefusedError(id, 'wrong-state', `item ${id} changed while it was being updated`);
    }
    if (spec.attempt) {
      const attempt = spec.attempt;
      const finished = await trx
        .updateTable('attempts')
        .set((eb) => attemptOutcome(attempt, spec.now, eb.ref('route')))
        .where('item_id', '=', id)
        .where('attempt_no', '=', after.attempt_count)
        .where('finished_at', 'is', null)
        .where('worker_id', spec.workerId === null ? 'is' : '=', spec.workerId)
        .returning('attempt_no')
        .executeTakeFirst();
      if (!finished) {
        const attemptCount = await this.finishAttempt(trx, after, spec.workerId, attempt, spec.now);
        after = await trx
          .updateTable('documentation_items')
          .set({ attempt_count: attemptCount })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
      }
    }
    if (after.state !== from) {
      await trx
        .insertInto('state_changes')
        .values({
          item_id: id,
          at: spec.now,
          from_state: from,
          to_state: after.state,
          actor: spec.actor,
          reason: spec.reason,
        })
        .execute();
    }
    return after;
  }

  /** Any other transition (a person resolving a held, failed or pending item): lock, check, update. */
  private async lockAndTransition(
    trx: Transaction<Database>,
    id: string,
    spec: TransitionSpec,
  ): Promise<DocumentationItem> {
    const before = await this.lockForTransition(trx, id, spec.workerId, spec.from, spec.now);
    let attemptCount = before.attempt_count;
    if (spec.attempt) {
      attemptCount = await this.finishAttempt(trx, before, spec.workerId, spec.attempt, spec.now);
    }
    const after = await trx
      .updateTable('documentation_items')
      .set({
        ...spec.set,
        attempt_count: attemptCount,
        claimed_by: null,
        claim_expires_at: null,
        updated_at: spec.now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (after.state !== before.state) {
      await trx
        .insertInto('state_changes')
        .values({
          item_id: id,
          at: spec.now,
          from_state: before.state,
          to_state: after.state,
          actor: spec.actor,
          reason: spec.reason,
        })
        .execute();
    }
    return after;
  }

  /** Lock the item row and check the caller may change it; throws TransitionRefusedError if not. */
  private async lockForTransition(
    trx: Transaction<Database>,
    id: string,
    workerId: string | null,
    from: ItemState[],
    now: Date,
  ): Promise<DocumentationItem> {
    const item = await trx
      .selectFrom('documentation_items')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!item) throw new TransitionRefusedError(id, 'not-found', `no documentation item ${id}`);
    if (!from.includes(item.state)) {
      throw new TransitionRefusedError(
        id,
        'wrong-state',
        `item ${id} is ${item.state}; expected ${from.join(' or ')}`,
      );
    }
    if (workerId !== null && item.claimed_by !== workerId) {
      throw new TransitionRefusedError(
        id,
        'not-claimant',
        `item ${id} is ${item.claimed_by ? `claimed by ${item.claimed_by}` : 'not claimed'}, not by ${workerId}`,
      );
    }
    const liveClaim =
      item.claimed_by !== null && item.claim_expires_at !== null && item.claim_expires_at > now;
    if (workerId === null && liveClaim) {
      throw new TransitionRefusedError(
        id,
        'not-claimant',
        `item ${id} is being worked on by ${item.claimed_by}`,
      );
    }
    return item;
  }

  /** Finish the attempt begun for this try, or record a complete one; returns the attempt count. */
  private async finishAttempt(
    trx: Transaction<Database>,
    item: DocumentationItem,
    workerId: string | null,
    attempt: NonNullable<TransitionSpec['attempt']>,
    now: Date,
  ): Promise<number> {
    const values = attemptOutcome(attempt, now, null);
    const open = await trx
      .selectFrom('attempts')
      .select(['attempt_no', 'route'])
      .where('item_id', '=', item.id)
      .where('attempt_no', '=', item.attempt_count)
      .where('finished_at', 'is', null)
      .where('worker_id', workerId === null ? 'is' : '=', workerId)
      .executeTakeFirst();
    if (open) {
      await trx
        .updateTable('attempts')
        .set({ ...values, route: values.route ?? open.route })
        .where('item_id', '=', item.id)
        .where('attempt_no', '=', open.attempt_no)
        .execute();
      return item.attempt_count;
    }
    await this.closeDanglingAttempts(trx, item.id, now);
    const attemptNo = item.attempt_count + 1;
    await trx
      .insertInto('attempts')
      .values({ item_id: item.id, attempt_no: attemptNo, worker_id: workerId, started_at: now, ...values })
      .execute();
    return attemptNo;
  }

  /** Attempts begun by a worker that never reported back: their outcome is unknown, and says so. */
  private async closeDanglingAttempts(trx: Transaction<Database>, id: string, now: Date): Promise<void> {
    await trx
      .updateTable('attempts')
      .set(ABANDONED(now))
      .where('item_id', '=', id)
      .where('finished_at', 'is', null)
      .execute();
  }
}

/** The caller may change the item: it holds the claim, or (no worker) nobody holds a live one. */
function claimCheck(
  eb: ExpressionBuilder<Database, 'documentation_items'>,
  workerId: string | null,
  now: Date,
) {
  return workerId === null
    ? eb.or([
        eb('documentation_items.claimed_by', 'is', null),
        eb('documentation_items.claim_expires_at', 'is', null),
        eb('documentation_items.claim_expires_at', '<=', now),
      ])
    : eb('documentation_items.claimed_by', '=', workerId);
}

function attemptError(outcome: AttemptOutcome, error: ErrorInfo): NonNullable<TransitionSpec['attempt']> {
  return {
    outcome,
    route: error.route ?? null,
    httpStatus: error.httpStatus ?? null,
    errorKind: error.kind ?? null,
    message: error.message,
  };
}

function requireWords(value: string | undefined, message: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(message);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
