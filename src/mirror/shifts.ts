import type { Kysely } from 'kysely';
import type { Database, ShiftRow, VisitRow } from '../store/index.ts';
import { localTimes } from './time.ts';
import type { MirrorPerson, ShiftView } from './types.ts';

type ShiftColumns = Pick<
  ShiftRow,
  'appointment_id' | 'start_at' | 'end_at' | 'client_id' | 'caregiver_id' | 'status' | 'is_open' | 'synced_at'
>;
type VisitColumns = Pick<VisitRow, 'id' | 'appointment_id' | 'status' | 'clock_in_at' | 'clock_out_at'>;

export const SHIFT_COLUMNS = [
  'appointment_id',
  'start_at',
  'end_at',
  'client_id',
  'caregiver_id',
  'status',
  'is_open',
  'synced_at',
] as const;

const HOUR_MS = 3_600_000;
/** A clock-in this long before the scheduled start still belongs to the shift (early arrivals). */
const EARLY_CLOCK_IN_MS = 3 * HOUR_MS;

/**
 * The visits of these shift occurrences. A visit names only the appointment id, which every occurrence
 * of a recurring shift shares (facts §3.5–3.6), so it is matched to the occurrence whose window
 * [start − 3 h, end) holds its clock-in.
 */
export async function visitsFor(
  db: Kysely<Database>,
  shifts: ShiftColumns[],
): Promise<Map<string, VisitColumns>> {
  const out = new Map<string, VisitColumns>();
  if (shifts.length === 0) return out;
  const ids = [...new Set(shifts.map((s) => s.appointment_id))];
  const lo = new Date(Math.min(...shifts.map((s) => s.start_at.getTime())) - EARLY_CLOCK_IN_MS);
  const hi = new Date(Math.max(...shifts.map((s) => s.end_at.getTime())));
  const visits: VisitColumns[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    visits.push(
      ...(await db
        .selectFrom('visits')
        .select(['id', 'appointment_id', 'status', 'clock_in_at', 'clock_out_at'])
        .where('appointment_id', 'in', ids.slice(i, i + 1000))
        .where('removed_at', 'is', null)
        .where('clock_in_at', '>=', lo)
        .where('clock_in_at', '<', hi)
        .execute()),
    );
  }
  for (const s of shifts) {
    const from = s.start_at.getTime() - EARLY_CLOCK_IN_MS;
    const to = s.end_at.getTime();
    const visit = visits.find((v) => {
      const t = v.clock_in_at?.getTime();
      return v.appointment_id === s.appointment_id && t !== undefined && t >= from && t < to;
    });
    if (visit) out.set(shiftKey(s), visit);
  }
  return out;
}

export function shiftKey(s: Pick<ShiftColumns, 'appointment_id' | 'start_at'>): string {
  return `${s.appointment_id}@${s.start_at.toISOString()}`;
}

/**
 * One occurrence as people read it: local day and times in the agency zone. A shift crossing midnight
 * belongs to the day it starts and says that it ends the next day; on DST days the duration is the real
 * elapsed time, not the wall-clock difference.
 */
export function shiftView(
  s: ShiftColumns,
  zone: string,
  people: { caregivers: Map<string, MirrorPerson>; clients: Map<string, MirrorPerson> },
  visit: VisitColumns | undefined,
): ShiftView {
  const start = localTimes(s.start_at, zone);
  const end = localTimes(s.end_at, zone);
  return {
    appointmentId: s.appointment_id,
    startUtc: s.start_at.toISOString(),
    endUtc: s.end_at.toISOString(),
    date: start.day,
    start: start.iso,
    end: end.iso,
    startTime: start.time,
    endTime: end.time,
    endDate: end.day,
    endsNextDay: end.day > start.day,
    durationMinutes: Math.round((s.end_at.getTime() - s.start_at.getTime()) / 60_000),
    status: s.status,
    isOpen: s.is_open,
    // Appointment entries carry ids only (facts §2.4 [V]): names come from the mirror.
    client: { id: s.client_id, name: people.clients.get(s.client_id)?.name ?? null },
    caregiver: s.caregiver_id
      ? { id: s.caregiver_id, name: people.caregivers.get(s.caregiver_id)?.name ?? null }
      : null,
    visit: visit
      ? {
          id: visit.id,
          status: visit.status,
          clockIn: visit.clock_in_at ? localTimes(visit.clock_in_at, zone).iso : null,
          clockOut: visit.clock_out_at ? localTimes(visit.clock_out_at, zone).iso : null,
        }
      : null,
    syncedAt: s.synced_at.toISOString(),
  };
}
