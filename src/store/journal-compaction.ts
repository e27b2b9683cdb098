import { type Kysely, sql } from 'kysely';
import { fsyncTree } from './fsync-tree.ts';
import { cancelledSubmits, type Journal, type JournalRecord } from './journal.ts';
import { applyJournalRecords } from './journal-apply.ts';
import type { Database } from './types.ts';

export interface CompactionReport {
  removedSegments: string[];
  /** Records copied into the new segment because WellSky does not have their item yet. */
  carried: number;
  /** Records dropped: their item is delivered, and WellSky holds it. */
  dropped: number;
}

/**
 * Drop journal records the store no longer needs a second copy of. Why it is safe, step by step:
 *
 * 1. Seal the current segments; new appends go to a new one.
 * 2. Take PGlite's one connection and keep it to the end of step 5, so no transaction can append
 *    or write in between.
 * 3. Re-apply every sealed record (idempotent), so the store has them whatever happened before
 *    (for instance a record appended by a transaction that then failed to commit).
 * 4. CHECKPOINT, then fsync every file under the PGlite folder: the store's state as of now is on
 *    the disk, not just in the page cache.
 * 5. Copy into the new segment, and fsync, every record whose item is not delivered (pending, held
 *    or failed, or in flight). PGlite's later writes are never flushed, and a power loss can tear a
 *    page that also holds these older rows; so the journal alone keeps every acknowledged item that
 *    WellSky does not have yet, and does not depend on the health of PGlite's files. Only items
 *    WellSky has (delivered, with its id) leave the journal.
 * 6. Unlink the sealed segments oldest first, then fsync the directory. A crash part way leaves
 *    duplicates of idempotent records, never a gap; oldest first means a `delivered` record is never
 *    outlived by the `submit` it completes.
 */
export async function compactJournal(
  db: Kysely<Database>,
  journal: Journal,
  pgliteDir: string,
): Promise<CompactionReport> {
  const sealed = await journal.rotate();
  if (sealed.length === 0) return { removedSegments: [], carried: 0, dropped: 0 };

  const { carried, dropped } = await db.connection().execute(async (conn) => {
    const { records } = await journal.readSegments(sealed);
    await applyJournalRecords(conn, records);

    const ids = [...new Set(records.map((r) => (r.type === 'submit' ? r.item.id : r.id)))];
    const delivered = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await conn
        .selectFrom('documentation_items')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 1000))
        .where('state', '=', 'delivered')
        .execute();
      for (const row of rows) delivered.add(row.id);
    }
    // A cancelled submit was never acknowledged; the void records that cancelled them go with them.
    const cancelled = cancelledSubmits(records);
    const cancelledIds = new Set<string>();
    for (const index of cancelled) {
      const record = records[index];
      if (record?.type === 'submit') cancelledIds.add(record.item.id);
    }
    const keep: JournalRecord[] = records.filter((r, index) => {
      if (cancelled.has(index) || (r.type === 'void' && cancelledIds.has(r.id))) return false;
      return !delivered.has(r.type === 'submit' ? r.item.id : r.id);
    });

    await sql`CHECKPOINT`.execute(conn);
    await fsyncTree(pgliteDir);
    await journal.appendMany(keep);
    return { carried: keep.length, dropped: records.length - keep.length };
  });

  await journal.removeSegments(sealed);
  return { removedSegments: sealed, carried, dropped };
}
