import { type Kysely, sql } from 'kysely';
import type { AttendedShift, CaregiverProfile, ShiftInterval } from '../operations/ports.ts';
import type { Database, ShiftRow, VisitRow } from '../store/index.ts';

// What replacement ranking reads, held in memory and rebuilt with the mirror's other indexes after each
// sync: per caregiver their live shifts sorted by start (overlaps, weekly hours, attendance), per client
// and per caregiver the visits sorted by clock-in (continuity, reliability). A ranking then reads no
// table at all: at 2,000 caregivers and 5,000 clients it is a few binary searches per caregiver instead
// of four queries over the week's shifts (issue #9 §3: p99 ≤ 50 ms).

const CANCELLED = ['CANCELLED', 'CANCELED'];
/** A clock-in this long before the scheduled start still belongs to the shift (as the mirror matches). */
const EARLY_MS = 3 * 3_600_000;

interface Slot {
  appointmentId: string;
  start: Date;
  end: Date;
  startMs: number;
  endMs: number;
}

/** A stored occurrence as the shift views need it (any status, assigned or open). */
export type OccurrenceColumns = Pick<
  ShiftRow,
  'appointment_id' | 'start_at' | 'end_at' | 'client_id' | 'caregiver_id' | 'status' | 'is_open' | 'synced_at'
>;
export type VisitColumns = Pick<
  VisitRow,
  'id' | 'appointment_id' | 'status' | 'clock_in_at' | 'clock_out_at'
>;

interface ClientVisit {
  caregiverId: string;
  clockIn: Date;
  at: number;
}

interface CaregiverVisit {
  appointmentId: string;
  clockIn: Date;
  at: number;
}

export interface Scope {
  except?: ShiftInterval | undefined;
  caregiverIds?: string[] | undefined;
}

/** First index whose key is ≥ `value` in a list sorted by that key. */
function lowerBound<T>(list: T[], value: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const byStart = (s: Slot) => s.startMs;
const byClockIn = (v: { at: number }) => v.at;

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const isExcept = (except: ShiftInterval | undefined, s: Slot) =>
  except !== undefined && s.appointmentId === except.appointmentId && s.startMs === except.start.getTime();

export class ScheduleIndex {
  private constructor(
    readonly pool: CaregiverProfile[],
    private readonly tags: Map<string, string>,
    private readonly shifts: Map<string, Slot[]>,
    /** The longest shift: how far before a window a shift may start and still reach into it. */
    private readonly longestMs: number,
    private readonly clientVisits: Map<string, ClientVisit[]>,
    private readonly caregiverVisits: Map<string, CaregiverVisit[]>,
    /** Every stored occurrence by shift id, by start: resolving an occurrence reads no table either. */
    private readonly occurrences: Map<string, OccurrenceColumns[]>,
    private readonly appointmentVisits: Map<string, VisitColumns[]>,
    /** The last sync that succeeded (fully or partly) when the index was built; null = never. */
    readonly lastSyncedAt: Date | null,
  ) {}

  static empty(): ScheduleIndex {
    return new ScheduleIndex([], new Map(), new Map(), 0, new Map(), new Map(), new Map(), new Map(), null);
  }

  static async load(db: Kysely<Database>): Promise<ScheduleIndex> {
    const [pool, tags, shiftRows, visitRows, lastRun] = await Promise.all([
      loadPool(db),
      db.selectFrom('profile_tags').select(['id', 'name']).execute(),
      db
        .selectFrom('shifts')
        .select([
          'appointment_id',
          'start_at',
          'end_at',
          'client_id',
          'caregiver_id',
          'status',
          'is_open',
          'synced_at',
        ])
        .where('removed_at', 'is', null)
        .orderBy('start_at')
        .execute(),
      db
        .selectFrom('visits')
        .select([
          'id',
          'appointment_id',
          'client_id',
          'caregiver_id',
          'status',
          'clock_in_at',
          'clock_out_at',
        ])
        .where('removed_at', 'is', null)
        .where('clock_in_at', 'is not', null)
        .execute(),
      db
        .selectFrom('sync_runs')
        .select('finished_at')
        .where('status', 'in', ['ok', 'partial'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    const shifts = new Map<string, Slot[]>();
    const occurrences = new Map<string, OccurrenceColumns[]>();
    let longestMs = 0;
    for (const r of shiftRows) {
      push(occurrences, r.appointment_id, r);
      if (!r.caregiver_id || CANCELLED.includes(r.status)) continue;
      const slot = {
        appointmentId: r.appointment_id,
        start: r.start_at,
        end: r.end_at,
        startMs: r.start_at.getTime(),
        endMs: r.end_at.getTime(),
      };
      longestMs = Math.max(longestMs, slot.endMs - slot.startMs);
      push(shifts, r.caregiver_id!, slot);
    }
    const clientVisits = new Map<string, ClientVisit[]>();
    const caregiverVisits = new Map<string, CaregiverVisit[]>();
    const appointmentVisits = new Map<string, VisitColumns[]>();
    for (const v of visitRows) {
      if (v.appointment_id) push(appointmentVisits, v.appointment_id, v);
      if (!v.caregiver_id) continue;
      const at = v.clock_in_at!.getTime();
      if (v.client_id)
        push(clientVisits, v.client_id, { caregiverId: v.caregiver_id!, clockIn: v.clock_in_at!, at });
      if (v.appointment_id)
        push(caregiverVisits, v.caregiver_id!, {
          appointmentId: v.appointment_id,
          clockIn: v.clock_in_at!,
          at,
        });
    }
    for (const list of shifts.values()) list.sort((a, b) => a.startMs - b.startMs);
    for (const list of clientVisits.values()) list.sort((a, b) => a.at - b.at);
    for (const list of caregiverVisits.values()) list.sort((a, b) => a.at - b.at);
    return new ScheduleIndex(
      pool,
      new Map(tags.map((t) => [t.id, t.name])),
      shifts,
      longestMs,
      clientVisits,
      caregiverVisits,
      occurrences,
      appointmentVisits,
      lastRun ? (lastRun.finished_at ?? new Date(0)) : null,
    );
  }

  /** Every stored occurrence of this shift, by start. */
  occurrencesOf(appointmentId: string): OccurrenceColumns[] {
    return this.occurrences.get(appointmentId) ?? [];
  }

  /**
   * The visit of one occurrence: a visit names only the appointment id, which every occurrence of a
   * recurring shift shares, so it is the one whose clock-in falls in [start − 3 h, end) (as `visitsFor`).
   */
  visitOf(o: Pick<OccurrenceColumns, 'appointment_id' | 'start_at' | 'end_at'>): VisitColumns | undefined {
    const from = o.start_at.getTime() - EARLY_MS;
    const to = o.end_at.getTime();
    return this.appointmentVisits.get(o.appointment_id)?.find((v) => {
      const t = v.clock_in_at!.getTime();
      return t >= from && t < to;
    });
  }

  tagName(id: string): string | undefined {
    return this.tags.get(id);
  }

  /** How much the index holds, for `size` and the bench. */
  get counts(): { caregivers: number; shifts: number; visits: number } {
    let shifts = 0;
    let visits = 0;
    for (const l of this.shifts.values()) shifts += l.length;
    for (const l of this.caregiverVisits.values()) visits += l.length;
    return { caregivers: this.pool.length, shifts, visits };
  }

  private ids(scope: Scope): Iterable<string> {
    return scope.caregiverIds ?? this.shifts.keys();
  }

  busy(from: Date, to: Date, scope: Scope = {}): Map<string, ShiftInterval[]> {
    const lo = from.getTime();
    const hi = to.getTime();
    const out = new Map<string, ShiftInterval[]>();
    for (const id of this.ids(scope)) {
      const list = this.shifts.get(id);
      if (!list) continue;
      const found: ShiftInterval[] = [];
      // Shifts starting before `to`, walking back while one could still reach past `from`.
      for (let i = lowerBound(list, hi, byStart) - 1; i >= 0 && list[i]!.startMs > lo - this.longestMs; i--) {
        const s = list[i]!;
        if (s.endMs > lo && !isExcept(scope.except, s))
          found.push({ appointmentId: s.appointmentId, start: s.start, end: s.end });
      }
      if (found.length > 0) out.set(id, found.reverse());
    }
    return out;
  }

  hoursStarting(from: Date, to: Date, scope: Scope = {}): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of this.ids(scope)) {
      const list = this.shifts.get(id);
      if (!list) continue;
      let ms = 0;
      let any = false;
      const end = lowerBound(list, to.getTime(), byStart);
      for (let i = lowerBound(list, from.getTime(), byStart); i < end; i++) {
        const s = list[i]!;
        if (isExcept(scope.except, s)) continue;
        ms += s.endMs - s.startMs;
        any = true;
      }
      if (any) out.set(id, ms / 3_600_000);
    }
    return out;
  }

  visitsWithClient(clientId: string, from: Date, to: Date): Map<string, Date[]> {
    const out = new Map<string, Date[]>();
    const list = this.clientVisits.get(clientId) ?? [];
    const end = lowerBound(list, to.getTime(), byClockIn);
    for (let i = lowerBound(list, from.getTime(), byClockIn); i < end; i++)
      push(out, list[i]!.caregiverId, list[i]!.clockIn);
    return out;
  }

  attendance(caregiverIds: string[], from: Date, to: Date): Map<string, AttendedShift[]> {
    const out = new Map<string, AttendedShift[]>();
    for (const id of caregiverIds) {
      const shifts = this.shifts.get(id) ?? [];
      const visits = this.caregiverVisits.get(id) ?? [];
      const attended: AttendedShift[] = [];
      for (let i = lowerBound(shifts, from.getTime(), byStart); i < shifts.length; i++) {
        const s = shifts[i]!;
        if (s.startMs >= to.getTime()) break;
        if (s.endMs >= to.getTime()) continue;
        let clockIn: Date | null = null;
        for (let j = lowerBound(visits, s.startMs - EARLY_MS, byClockIn); j < visits.length; j++) {
          const v = visits[j]!;
          if (v.at >= s.endMs) break;
          if (v.appointmentId === s.appointmentId) {
            clockIn = v.clockIn;
            break;
          }
        }
        attended.push({ appointmentId: s.appointmentId, start: s.start, end: s.end, clockIn });
      }
      if (attended.length > 0) out.set(id, attended);
    }
    return out;
  }
}

/** Active hired caregivers with what ranking reads; the hire date comes from the raw resource's tags. */
async function loadPool(db: Kysely<Database>): Promise<CaregiverProfile[]> {
  const rows = await db
    .selectFrom('caregivers')
    .select(['id', 'full_name', 'gender', 'languages', 'tag_ids', 'home_lat', 'home_lon', 'phones'])
    .select(
      sql<
        string | null
      >`(SELECT t->>'display' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(raw->'meta'->'tag') = 'array' THEN raw->'meta'->'tag' ELSE '[]'::jsonb END) t WHERE t->>'code' = 'hireDate' LIMIT 1)`.as(
        'hire_date',
      ),
    )
    .where('kind', '=', 'caregiver')
    .where('active', '=', true)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.full_name,
    gender: row.gender,
    languages: row.languages,
    tagIds: row.tag_ids,
    home: row.home_lat !== null && row.home_lon !== null ? { lat: row.home_lat, lon: row.home_lon } : null,
    hireDate: row.hire_date,
    hasPhone: row.phones.length > 0,
  }));
}
