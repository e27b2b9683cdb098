import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database, SyncKind, SyncStatus } from '../store/index.ts';
import type { CollectionCounts, RunCounts } from './counts.ts';
import type { PersonFields, RelatedFields, ShiftFields, VisitFields } from './normalize.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Row = Record<string, unknown>;

/** Writes are batched: a few hundred rows per statement keeps PGlite fast and far from the 65,535-parameter cap. */
const BATCH = 400;

const PERSON_COLUMNS = [
  'id',
  'kind',
  'active',
  'status',
  'given_name',
  'family_name',
  'full_name',
  'name_key',
  'gender',
  'phones',
  'languages',
  'tag_ids',
  'preferences',
  'home_lat',
  'home_lon',
  'source_updated',
  'raw',
  'hash',
] as const;
const RELATED_COLUMNS = [
  'id',
  'client_id',
  'given_name',
  'family_name',
  'full_name',
  'name_key',
  'relationship_code',
  'relationship',
  'phones',
  'emergency_contact',
  'primary_contact',
  'payer',
  'poa',
  'raw',
  'hash',
] as const;
const SHIFT_COLUMNS = [
  'appointment_id',
  'start_at',
  'end_at',
  'client_id',
  'caregiver_id',
  'status',
  'is_open',
  'raw',
  'hash',
] as const;
const VISIT_COLUMNS = [
  'id',
  'appointment_id',
  'client_id',
  'caregiver_id',
  'clock_in_at',
  'clock_out_at',
  'status',
  'raw',
  'hash',
] as const;
const JSON_COLUMNS = new Set(['phones', 'languages', 'tag_ids', 'preferences', 'raw']);

export type PersonTableName = 'caregivers' | 'clients';

/**
 * Every write of the mirror. Upserts compare a hash of the raw resource with what is stored, so a run
 * can say what was added, changed or unchanged; `last_seen_run` marks what this run saw, so whatever a
 * complete read did not return can be soft-deleted (`removed_at`) and shows up again if it comes back.
 */
export class MirrorRepo {
  constructor(readonly db: Kysely<Database>) {}

  // Sync runs and cursors ------------------------------------------------------------------------

  async startRun(kind: SyncKind, startedAt: Date): Promise<number> {
    const row = await this.db
      .insertInto('sync_runs')
      .values({ kind, status: 'running', started_at: startedAt, counts: '{}', errors: '[]', warnings: '[]' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async finishRun(
    id: number,
    result: {
      status: SyncStatus;
      finishedAt: Date;
      requests: number | null;
      rateLimited: number | null;
      counts: RunCounts;
      errors: string[];
      warnings: string[];
    },
  ): Promise<void> {
    await this.db
      .updateTable('sync_runs')
      .set({
        status: result.status,
        finished_at: result.finishedAt,
        requests: result.requests,
        rate_limited: result.rateLimited,
        counts: JSON.stringify(result.counts),
        errors: JSON.stringify(result.errors),
        warnings: JSON.stringify(result.warnings),
      })
      .where('id', '=', id)
      .execute();
  }

  async lastRun(kinds: SyncKind[] = ['full', 'incremental']) {
    return this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('kind', 'in', kinds)
      .where('status', 'in', ['ok', 'partial'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async getState(collection: string) {
    return this.db
      .selectFrom('sync_state')
      .selectAll()
      .where('collection', '=', collection)
      .executeTakeFirst();
  }

  async setState(collection: string, cursor: Date | null, details: Record<string, unknown>, now: Date) {
    await this.db
      .insertInto('sync_state')
      .values({ collection, cursor, details: JSON.stringify(details), updated_at: now })
      .onConflict((oc) =>
        oc.column('collection').doUpdateSet({ cursor, details: JSON.stringify(details), updated_at: now }),
      )
      .execute();
  }

  // Reads the sync needs -------------------------------------------------------------------------

  async personIds(
    table: PersonTableName,
    where: { kind?: string; active?: boolean } = {},
  ): Promise<string[]> {
    let q = this.db.selectFrom(table).select('id').where('removed_at', 'is', null);
    if (where.kind !== undefined) q = q.where('kind', '=', where.kind);
    if (where.active !== undefined) q = q.where('active', '=', where.active);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  async tagIdsInUse(): Promise<{ used: string[]; known: string[] }> {
    const rows = await sql<{ id: string }>`
      SELECT DISTINCT jsonb_array_elements_text(tag_ids) AS id FROM caregivers
      UNION SELECT DISTINCT jsonb_array_elements_text(tag_ids) AS id FROM clients
    `.execute(this.db);
    const known = await this.db.selectFrom('profile_tags').select('id').execute();
    return { used: rows.rows.map((r) => r.id), known: known.map((r) => r.id) };
  }

  async visitOwner(visitId: string) {
    return this.db
      .selectFrom('visits')
      .select(['client_id', 'caregiver_id', 'clock_in_at'])
      .where('id', '=', visitId)
      .executeTakeFirst();
  }

  // Writes ------------------------------------------------------------------------------------------

  /** Upserts people; `markUnseen` soft-deletes the rest of the table (only after a complete listing). */
  async savePeople(
    table: PersonTableName,
    rows: PersonFields[],
    runId: number,
    now: Date,
  ): Promise<Pick<CollectionCounts, 'added' | 'changed'>> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await hashesOf(
        trx,
        table,
        'id',
        rows.map((r) => r.id),
      );
      return upsert(trx, table, ['id'], PERSON_COLUMNS, rows, existing, (r) => r.id, runId, now);
    });
  }

  async markUnseenRemoved(
    table: PersonTableName | 'related_persons',
    runId: number,
    now: Date,
    clientIds?: string[],
  ): Promise<number> {
    let q = this.db
      .updateTable(table)
      .set({ removed_at: now })
      .where('removed_at', 'is', null)
      .where('last_seen_run', '<>', runId);
    if (clientIds && table === 'related_persons')
      q = q.where('client_id', 'in', clientIds.length ? clientIds : ['']);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async markRemoved(table: PersonTableName, id: string, now: Date): Promise<number> {
    const result = await this.db
      .updateTable(table)
      .set({ removed_at: now })
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async saveRelated(
    rows: RelatedFields[],
    runId: number,
    now: Date,
    /** When given, the contacts of these clients that were not in `rows` are soft-deleted. */
    completeFor?: string[],
  ): Promise<Pick<CollectionCounts, 'added' | 'changed' | 'removed'>> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await hashesOf(
        trx,
        'related_persons',
        'id',
        rows.map((r) => r.id),
      );
      const counts = await upsert(
        trx,
        'related_persons',
        ['id'],
        RELATED_COLUMNS,
        rows,
        existing,
        (r) => r.id,
        runId,
        now,
      );
      let removed = 0;
      if (completeFor && completeFor.length > 0) {
        const seen = rows.map((r) => r.id);
        let q = trx
          .updateTable('related_persons')
          .set({ removed_at: now })
          .where('removed_at', 'is', null)
          .where('client_id', 'in', completeFor);
        if (seen.length > 0) q = q.where('id', 'not in', seen);
        removed = Number((await q.executeTakeFirst()).numUpdatedRows);
      }
      return { ...counts, removed };
    });
  }

  async saveProfileTags(tags: { id: string; name: string; type: string | null; raw: Row }[], now: Date) {
    for (const tag of tags) {
      const values = {
        id: tag.id,
        name: tag.name,
        type: tag.type,
        raw: JSON.stringify(tag.raw),
        synced_at: now,
      };
      await this.db
        .insertInto('profile_tags')
        .values(values)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ name: tag.name, type: tag.type, raw: values.raw, synced_at: now }),
        )
        .execute();
    }
  }

  /**
   * The shifts of one client whose start falls in [from, to): upsert what WellSky returned and
   * soft-delete what it no longer returns there (a removed occurrence, a moved start time).
   */
  async saveShiftWindow(
    owner: { clientId: string } | { caregiverId: string },
    from: Date,
    to: Date,
    rows: ShiftFields[],
    runId: number,
    now: Date,
  ): Promise<Pick<CollectionCounts, 'added' | 'changed' | 'removed'>> {
    return this.db.transaction().execute(async (trx) => {
      const ownerColumn = 'clientId' in owner ? 'client_id' : 'caregiver_id';
      const ownerId = 'clientId' in owner ? owner.clientId : owner.caregiverId;
      const current = await trx
        .selectFrom('shifts')
        .select(['appointment_id', 'start_at', 'hash', 'removed_at'])
        .where(ownerColumn, '=', ownerId)
        .where('start_at', '>=', from)
        .where('start_at', '<', to)
        .execute();
      const existing = new Map(
        current.map((r) => [
          `${r.appointment_id}@${r.start_at.toISOString()}`,
          { hash: r.hash, removed: r.removed_at !== null },
        ]),
      );
      const key = (r: ShiftFields) => `${r.appointment_id}@${r.start_at}`;
      const counts = await upsert(
        trx,
        'shifts',
        ['appointment_id', 'start_at'],
        SHIFT_COLUMNS,
        rows,
        existing,
        key,
        runId,
        now,
      );
      const result = await trx
        .updateTable('shifts')
        .set({ removed_at: now })
        .where(ownerColumn, '=', ownerId)
        .where('start_at', '>=', from)
        .where('start_at', '<', to)
        .where('removed_at', 'is', null)
        .where('last_seen_run', '<>', runId)
        .executeTakeFirst();
      return { ...counts, removed: Number(result.numUpdatedRows) };
    });
  }

  /** Future shifts of clients that are no longer active clients (discharged, removed): they will not happen. */
  async removeShiftsOfInactiveClients(after: Date, now: Date): Promise<number> {
    const result = await sql`
      UPDATE shifts SET removed_at = ${now}
      WHERE removed_at IS NULL AND start_at >= ${after}
        AND client_id NOT IN (SELECT id FROM clients WHERE kind = 'client' AND active AND removed_at IS NULL)
    `.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  /** Like shifts: the visits of one owner clocked in during [from, to). */
  async saveVisitWindow(
    owner: { clientId: string } | { caregiverId: string },
    from: Date,
    to: Date,
    rows: VisitFields[],
    runId: number,
    now: Date,
  ): Promise<Pick<CollectionCounts, 'added' | 'changed' | 'removed'>> {
    return this.db.transaction().execute(async (trx) => {
      const ownerColumn = 'clientId' in owner ? 'client_id' : 'caregiver_id';
      const ownerId = 'clientId' in owner ? owner.clientId : owner.caregiverId;
      const existing = await hashesOf(
        trx,
        'visits',
        'id',
        rows.map((r) => r.id),
      );
      const counts = await upsert(
        trx,
        'visits',
        ['id'],
        VISIT_COLUMNS,
        rows,
        existing,
        (r) => r.id,
        runId,
        now,
      );
      const result = await trx
        .updateTable('visits')
        .set({ removed_at: now })
        .where(ownerColumn, '=', ownerId)
        .where('clock_in_at', '>=', from)
        .where('clock_in_at', '<', to)
        .where('removed_at', 'is', null)
        .where('last_seen_run', '<>', runId)
        .executeTakeFirst();
      return { ...counts, removed: Number(result.numUpdatedRows) };
    });
  }

  /** One visit (a webhook refresh): no window, nothing to remove. */
  async saveVisit(row: VisitFields, runId: number, now: Date) {
    return this.db.transaction().execute(async (trx) => {
      const existing = await hashesOf(trx, 'visits', 'id', [row.id]);
      return upsert(trx, 'visits', ['id'], VISIT_COLUMNS, [row], existing, (r) => r.id, runId, now);
    });
  }
}

async function hashesOf(
  db: Db,
  table: 'caregivers' | 'clients' | 'related_persons' | 'visits',
  column: 'id',
  ids: string[],
): Promise<Map<string, { hash: string; removed: boolean }>> {
  const out = new Map<string, { hash: string; removed: boolean }>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const rows = await db
      .selectFrom(table)
      .select([column, 'hash', 'removed_at'])
      .where(column, 'in', chunk)
      .execute();
    for (const r of rows) out.set(r.id, { hash: r.hash, removed: r.removed_at !== null });
  }
  return out;
}

/** INSERT … ON CONFLICT DO UPDATE in batches, counting new and changed rows against `existing`. */
async function upsert<R extends object>(
  db: Db,
  table: string,
  key: readonly string[],
  columns: readonly string[],
  rows: R[],
  existing: Map<string, { hash: string; removed: boolean }>,
  keyOf: (row: R) => string,
  runId: number,
  now: Date,
): Promise<{ added: number; changed: number }> {
  let added = 0;
  let changed = 0;
  // De-duplicate: the same record can come back twice when pages shift under a listing.
  const unique = new Map<string, R>();
  for (const row of rows) unique.set(keyOf(row), row);
  for (const [k, row] of unique) {
    const before = existing.get(k);
    if (!before) added++;
    else if (before.removed || before.hash !== (row as { hash?: string }).hash) changed++;
  }
  const all = [...unique.values()];
  const allColumns = [...columns, 'synced_at', 'last_seen_run', 'removed_at'];
  const updates = allColumns.filter((c) => !key.includes(c));
  for (let i = 0; i < all.length; i += BATCH) {
    const chunk = all.slice(i, i + BATCH);
    const values = chunk.map((row) => {
      const cells: RawBuilder<unknown>[] = columns.map((c) => {
        const v = (row as Row)[c];
        return JSON_COLUMNS.has(c) ? sql`${JSON.stringify(v)}::jsonb` : sql`${v ?? null}`;
      });
      cells.push(sql`${now}`, sql`${runId}`, sql`NULL`);
      return sql`(${sql.join(cells)})`;
    });
    await sql`
      INSERT INTO ${sql.id(table)} (${sql.join(allColumns.map((c) => sql.id(c)))})
      VALUES ${sql.join(values)}
      ON CONFLICT (${sql.join(key.map((c) => sql.id(c)))}) DO UPDATE SET
        ${sql.join(updates.map((c) => sql`${sql.id(c)} = EXCLUDED.${sql.id(c)}`))}
    `.execute(db);
  }
  return { added, changed };
}
