import type { Kysely } from 'kysely';
import { cancelledSubmits, type JournalItem, type JournalRecord } from './journal.ts';
import type { Database } from './types.ts';

export interface ApplyCounts {
  /** Items the store did not have and got back from the journal. */
  restored: number;
  /** Deliveries the store had forgotten (the item went back to pending or was missing). */
  deliveriesRestored: number;
  /** Items flagged again to look in WellSky first because an attempt was in flight. */
  verificationsRestored: number;
}

const ACTOR = 'journal-replay';

/**
 * Bring the store up to date with journal records. Every step is idempotent and only ever moves an
 * item forward, so replaying a record the store already reflects changes nothing.
 */
export async function applyJournalRecords(
  db: Kysely<Database>,
  records: JournalRecord[],
): Promise<ApplyCounts> {
  const counts: ApplyCounts = { restored: 0, deliveriesRestored: 0, verificationsRestored: 0 };
  const cancelled = cancelledSubmits(records);
  for (const [index, record] of records.entries()) {
    if (record.type === 'submit') {
      if (cancelled.has(index)) continue;
      const inserted = await db
        .insertInto('documentation_items')
        .values(itemRowFromJournal(record.item))
        // No conflict target: a clash on the id, the idempotency key or the marker all mean "already here".
        .onConflict((oc) => oc.doNothing())
        .returning(['id', 'state'])
        .executeTakeFirst();
      if (inserted) {
        counts.restored += 1;
        await db
          .insertInto('state_changes')
          .values({
            item_id: inserted.id,
            at: record.at,
            from_state: null,
            to_state: inserted.state,
            actor: ACTOR,
            reason: 'restored from the journal: the store had lost this acknowledged item',
          })
          .execute();
      }
    } else if (record.type === 'attempt-begun') {
      // Only if the store has nothing newer for this item than the moment the attempt began.
      const updated = await db
        .updateTable('documentation_items')
        .set((eb) => ({
          needs_verification: true,
          attempt_count: eb.fn('greatest', [eb.ref('attempt_count'), eb.val(record.attemptNo)]),
        }))
        .where('id', '=', record.id)
        .where('state', '=', 'pending')
        .where('updated_at', '<', new Date(record.at))
        .where('needs_verification', '=', false)
        .returning('id')
        .executeTakeFirst();
      if (updated) counts.verificationsRestored += 1;
    } else if (record.type === 'delivered') {
      const before = await db
        .selectFrom('documentation_items')
        .select('state')
        .where('id', '=', record.id)
        .executeTakeFirst();
      if (!before || before.state === 'delivered') continue;
      await db
        .updateTable('documentation_items')
        .set({
          state: 'delivered',
          state_reason: null,
          delivered_route: record.route,
          wellsky_id: record.wellskyId,
          wellsky_target_id: record.targetId,
          delivered_at: record.at,
          needs_verification: false,
          next_attempt_at: null,
          claimed_by: null,
          claim_expires_at: null,
          updated_at: record.at,
        })
        .where('id', '=', record.id)
        .execute();
      await db
        .insertInto('state_changes')
        .values({
          item_id: record.id,
          at: record.at,
          from_state: before.state,
          to_state: 'delivered',
          actor: ACTOR,
          reason: `restored from the journal: delivered (${record.route}${record.wellskyId ? `, WellSky ${record.wellskyId}` : ''})`,
        })
        .execute();
      counts.deliveriesRestored += 1;
    }
  }
  return counts;
}

export function itemRowFromJournal(item: JournalItem) {
  return { ...item, payload: JSON.stringify(item.payload ?? {}) };
}
