import type { Kysely } from 'kysely';
import type { CallOutRow, Database, ShiftVisitRow } from '../store/index.ts';

// Operations' own tables (migration 0005_operations): call-outs and the visits Skybridge made by
// clocking in. Nobody else writes them; operations read nothing else from the store.

type Position = { latitude: number; longitude: number } | undefined;

export interface NewCallOut {
  id: string;
  key: string;
  caregiverId: string;
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
  reason: string | null;
  reportedAt: Date;
  urgency: string;
  /** Who completes it (this process) and until when the row is theirs alone. */
  leaseOwner: string;
  leaseUntil: Date;
}

export class OperationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the call-out; false when one with this key exists (unique per caregiver + occurrence). */
  async insertCallOut(c: NewCallOut): Promise<boolean> {
    const inserted = await this.db
      .insertInto('call_outs')
      .values({
        id: c.id,
        idempotency_key: c.key,
        caregiver_id: c.caregiverId,
        appointment_id: c.appointmentId,
        occurrence_start: c.start,
        occurrence_end: c.end,
        client_id: c.clientId,
        reason: c.reason,
        reported_at: c.reportedAt,
        urgency: c.urgency,
        status: 'processing',
        lease_owner: c.leaseOwner,
        lease_until: c.leaseUntil,
        created_at: c.reportedAt,
        updated_at: c.reportedAt,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  callOutByKey(key: string): Promise<CallOutRow> {
    return this.db
      .selectFrom('call_outs')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
  }

  /**
   * Takes over a call-out whose completion died (its lease ran out while 'processing'): the row becomes
   * `owner`'s until `until`, and the row is returned; undefined when it is done or someone holds it.
   * One statement, so two repeats at once cannot both take it.
   */
  takeOverCallOut(key: string, owner: string, now: Date, until: Date): Promise<CallOutRow | undefined> {
    return this.db
      .updateTable('call_outs')
      .set({ lease_owner: owner, lease_until: until, updated_at: now })
      .where('idempotency_key', '=', key)
      .where('status', '=', 'processing')
      .where('lease_until', '<', now)
      .returningAll()
      .executeTakeFirst();
  }

  async finishCallOut(
    id: string,
    done: {
      openState: string;
      officeItemId: string | null;
      careAlertItemId: string | null;
      notification: unknown;
      result: unknown;
      at: Date;
    },
  ): Promise<void> {
    await this.db
      .updateTable('call_outs')
      .set({
        status: 'done',
        open_state: done.openState,
        office_item_id: done.officeItemId,
        care_alert_item_id: done.careAlertItemId,
        notification: JSON.stringify(done.notification),
        result: JSON.stringify(done.result),
        lease_owner: null,
        lease_until: null,
        updated_at: done.at,
      })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .execute();
  }

  recentCallOuts(limit: number): Promise<CallOutRow[]> {
    return this.db.selectFrom('call_outs').selectAll().orderBy('reported_at', 'desc').limit(limit).execute();
  }

  visitOf(o: { appointmentId: string; start: Date }): Promise<ShiftVisitRow | undefined> {
    return this.db
      .selectFrom('shift_visits')
      .selectAll()
      .where('appointment_id', '=', o.appointmentId)
      .where('occurrence_start', '=', o.start)
      .executeTakeFirst();
  }

  /** Keeps the visit id against the occurrence (the first record wins; a repeat changes nothing). */
  async keepVisit(
    o: { appointmentId: string; start: Date; caregiverId: string | null },
    visitId: string,
    times: { clockInAt: Date; clockInPosition?: Position; clockOutAt?: Date; clockOutPosition?: Position },
    at: Date,
  ): Promise<void> {
    await this.db
      .insertInto('shift_visits')
      .values({
        appointment_id: o.appointmentId,
        occurrence_start: o.start,
        visit_id: visitId,
        caregiver_id: o.caregiverId,
        clock_in_at: times.clockInAt,
        clock_in_position: times.clockInPosition ? JSON.stringify(times.clockInPosition) : null,
        ...(times.clockOutAt ? { clock_out_at: times.clockOutAt } : {}),
        clock_out_position: times.clockOutPosition ? JSON.stringify(times.clockOutPosition) : null,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['appointment_id', 'occurrence_start']).doNothing())
      .execute();
  }

  async recordClockOut(
    o: { appointmentId: string; start: Date },
    clockOutAt: Date,
    position: Position,
    at: Date,
  ): Promise<void> {
    await this.db
      .updateTable('shift_visits')
      .set({
        clock_out_at: clockOutAt,
        clock_out_position: position ? JSON.stringify(position) : null,
        updated_at: at,
      })
      .where('appointment_id', '=', o.appointmentId)
      .where('occurrence_start', '=', o.start)
      .execute();
  }
}
