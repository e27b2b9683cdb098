import { type Kysely, sql } from 'kysely';
import type { AttendedShift, CaregiverProfile, ShiftInterval } from '../operations/ports.ts';
import type { Database, ShiftRow, VisitRow } from '../store/index.ts';
import { SHIFT_COLUMNS } from './shifts.ts';

// What replacement ranking reads, held in memory and rebuilt with the mirror's other indexes after each
// sync: per caregiver their live shifts sorted by start (overlaps, weekly hours, attendance), per client
// and per caregiver the visits sorted by clock-in (continuity, reliability). A ranking then reads no
// table at all: at 2,000 caregivers and 5,000 clients it is a few binary searches per caregiver instead
// of four queries over the week's shifts (issue #9 §3: p99 ≤ 50 ms).
//
// Its size is the service's memory at agency scale (issue #11 §6): 135,000 occurrences and 46,000 visits
// held as one object per row, with a Date per instant and a string per id per row, took 121 MB of heap,
// and the service keeps the old index while it builds the new one. So rows are columns: instants as
// numbers in typed arrays, each id string once (numbered), the groupings as offsets into index arrays.
// Dates and row objects are made only for what a caller asks for. The store is read in pages along the
// primary keys, so a reload never holds every row as objects either.

const CANCELLED = ['CANCELLED', 'CANCELED'];
/** A clock-in this long before the scheduled start still belongs to the shift (as the mirror matches). */
const EARLY_MS = 3 * 3_600_000;
/** Rows per read while loading: bounds the objects alive at once, not the index. */
const PAGE_ROWS = 5_000;
const NONE = -1;

/** A stored occurrence as the shift views need it (any status, assigned or open). */
export type OccurrenceColumns = Pick<
  ShiftRow,
  'appointment_id' | 'start_at' | 'end_at' | 'client_id' | 'caregiver_id' | 'status' | 'is_open' | 'synced_at'
>;
export type VisitColumns = Pick<
  VisitRow,
  'id' | 'appointment_id' | 'status' | 'clock_in_at' | 'clock_out_at'
>;

export interface Scope {
  except?: ShiftInterval | undefined;
  caregiverIds?: string[] | undefined;
}

/** Strings numbered in the order first seen: one copy of each id, however many rows repeat it. */
class Names {
  readonly list: string[] = [];
  private readonly numbers = new Map<string, number>();

  number(name: string): number {
    let n = this.numbers.get(name);
    if (n === undefined) {
      n = this.list.length;
      this.list.push(name);
      this.numbers.set(name, n);
    }
    return n;
  }

  find(name: string): number {
    return this.numbers.get(name) ?? NONE;
  }
}

/**
 * Row numbers grouped by a key (compressed sparse rows): group g is `items[first(g) … end(g))`, and `at[k]`
 * the time of `items[k]` when the rows were grouped in time order (a binary search then reads one array).
 */
class Groups {
  private constructor(
    private readonly offsets: Int32Array,
    readonly items: Int32Array,
    readonly at: Float64Array,
  ) {}

  /**
   * Groups `rows` (in that order, kept within each group) by `keyOf`; a key of NONE leaves the row out.
   * `times`: the rows' times, copied beside the items.
   */
  static of(
    rows: ArrayLike<number>,
    keyOf: (row: number) => number,
    groups: number,
    times?: Float64Array,
  ): Groups {
    const offsets = new Int32Array(groups + 1);
    for (let i = 0; i < rows.length; i++) {
      const key = keyOf(rows[i]!);
      if (key !== NONE) offsets[key + 1]!++;
    }
    for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
    const next = offsets.slice(0, groups);
    const items = new Int32Array(offsets[groups]!);
    const at = new Float64Array(times ? items.length : 0);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = keyOf(row);
      if (key === NONE) continue;
      const k = next[key]!++;
      items[k] = row;
      if (times) at[k] = times[row]!;
    }
    return new Groups(offsets, items, at);
  }

  /** Where group g starts in `items`; an unknown group (NONE, or none this size) is empty. */
  first(g: number): number {
    return g < 0 || g + 1 >= this.offsets.length ? 0 : this.offsets[g]!;
  }

  end(g: number): number {
    return g < 0 || g + 1 >= this.offsets.length ? 0 : this.offsets[g + 1]!;
  }

  /** The groups holding at least one row. */
  nonEmpty(): number[] {
    const out: number[] = [];
    for (let g = 0; g + 1 < this.offsets.length; g++)
      if (this.offsets[g + 1]! > this.offsets[g]!) out.push(g);
    return out;
  }
}

/** First position in `at[from, to)` holding a time ≥ `value` (`at` sorted there). */
function lowerBound(at: Float64Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Row numbers 0…n−1 ordered by `times` (stable: equal times keep their row order). */
function orderBy(n: number, times: Float64Array): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Every stored occurrence, one column per field, in primary-key order (appointment, start). */
interface Occurrences {
  appointment: Int32Array;
  start: Float64Array;
  end: Float64Array;
  synced: Float64Array;
  client: Int32Array;
  caregiver: Int32Array;
  status: Int32Array;
  open: Uint8Array;
}

/** Every stored visit with a clock-in, one column per field, by id. */
interface Visits {
  id: string[];
  appointment: Int32Array;
  client: Int32Array;
  caregiver: Int32Array;
  status: Int32Array;
  clockIn: Float64Array;
  /** NaN: not clocked out. */
  clockOut: Float64Array;
}

export class ScheduleIndex {
  private constructor(
    readonly pool: CaregiverProfile[],
    private readonly tags: Map<string, string>,
    /** Appointment ids (of occurrences and of visits). */
    private readonly appointments: Names,
    /** Client and caregiver ids. */
    private readonly people: Names,
    private readonly statuses: Names,
    private readonly occ: Occurrences,
    /** Occurrences by appointment, by start. */
    private readonly occurrencesByAppointment: Groups,
    /** Per caregiver, their live (assigned, not cancelled) occurrences by start. */
    private readonly slots: Groups,
    /** The caregivers (people numbers) with at least one live occurrence. */
    private readonly scheduled: number[],
    /** The longest shift: how far before a window a shift may start and still reach into it. */
    private readonly longestMs: number,
    private readonly visits: Visits,
    private readonly visitsByAppointment: Groups,
    /** Per client, visits with a caregiver, by clock-in. */
    private readonly clientVisits: Groups,
    /** Per caregiver, visits of an appointment, by clock-in. */
    private readonly caregiverVisits: Groups,
    /** The last sync that succeeded (fully or partly) when the index was built; null = never. */
    readonly lastSyncedAt: Date | null,
  ) {}

  static empty(): ScheduleIndex {
    const people = new Names();
    return ScheduleIndex.build([], new Map(), new Names(), people, new Names(), [], [], null);
  }

  /** `pageRows`: rows read per query (tests use a few, to read many pages). */
  static async load(db: Kysely<Database>, { pageRows = PAGE_ROWS } = {}): Promise<ScheduleIndex> {
    const [pool, tags, lastRun] = await Promise.all([
      loadPool(db),
      db.selectFrom('profile_tags').select(['id', 'name']).execute(),
      db
        .selectFrom('sync_runs')
        .select('finished_at')
        .where('status', 'in', ['ok', 'partial'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    const appointments = new Names();
    const people = new Names();
    const statuses = new Names();
    const shiftRows = await loadShifts(db, pageRows, appointments, people, statuses);
    const visitRows = await loadVisits(db, pageRows, appointments, people, statuses);
    return ScheduleIndex.build(
      pool,
      new Map(tags.map((t) => [t.id, t.name])),
      appointments,
      people,
      statuses,
      shiftRows,
      visitRows,
      lastRun ? (lastRun.finished_at ?? new Date(0)) : null,
    );
  }

  private static build(
    pool: CaregiverProfile[],
    tags: Map<string, string>,
    appointments: Names,
    people: Names,
    statuses: Names,
    shiftRows: ShiftNumbers[],
    visitRows: VisitNumbers[],
    lastSyncedAt: Date | null,
  ): ScheduleIndex {
    const occ: Occurrences = {
      appointment: Int32Array.from(shiftRows, (r) => r.appointment),
      start: Float64Array.from(shiftRows, (r) => r.start),
      end: Float64Array.from(shiftRows, (r) => r.end),
      synced: Float64Array.from(shiftRows, (r) => r.synced),
      client: Int32Array.from(shiftRows, (r) => r.client),
      caregiver: Int32Array.from(shiftRows, (r) => r.caregiver),
      status: Int32Array.from(shiftRows, (r) => r.status),
      open: Uint8Array.from(shiftRows, (r) => (r.open ? 1 : 0)),
    };
    const visits: Visits = {
      id: visitRows.map((r) => r.id),
      appointment: Int32Array.from(visitRows, (r) => r.appointment),
      client: Int32Array.from(visitRows, (r) => r.client),
      caregiver: Int32Array.from(visitRows, (r) => r.caregiver),
      status: Int32Array.from(visitRows, (r) => r.status),
      clockIn: Float64Array.from(visitRows, (r) => r.clockIn),
      clockOut: Float64Array.from(visitRows, (r) => r.clockOut),
    };
    const nOcc = shiftRows.length;
    const nVisits = visitRows.length;
    const cancelled = new Set(CANCELLED.map((s) => statuses.find(s)).filter((n) => n !== NONE));
    const live = (i: number) => occ.caregiver[i] !== NONE && !cancelled.has(occ.status[i]!);
    let longestMs = 0;
    for (let i = 0; i < nOcc; i++) if (live(i)) longestMs = Math.max(longestMs, occ.end[i]! - occ.start[i]!);
    const occByStart = orderBy(nOcc, occ.start);
    const visitsByClockIn = orderBy(nVisits, visits.clockIn);
    const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    const slots = Groups.of(
      occByStart,
      (i) => (live(i) ? occ.caregiver[i]! : NONE),
      people.list.length,
      occ.start,
    );
    return new ScheduleIndex(
      pool,
      tags,
      appointments,
      people,
      statuses,
      occ,
      Groups.of(identity(nOcc), (i) => occ.appointment[i]!, appointments.list.length),
      slots,
      slots.nonEmpty(),
      longestMs,
      visits,
      Groups.of(identity(nVisits), (i) => visits.appointment[i]!, appointments.list.length),
      Groups.of(
        visitsByClockIn,
        (i) => (visits.caregiver[i] === NONE ? NONE : visits.client[i]!),
        people.list.length,
        visits.clockIn,
      ),
      Groups.of(
        visitsByClockIn,
        (i) => (visits.appointment[i] === NONE ? NONE : visits.caregiver[i]!),
        people.list.length,
        visits.clockIn,
      ),
      lastSyncedAt,
    );
  }

  private occurrence(i: number): OccurrenceColumns {
    const caregiver = this.occ.caregiver[i]!;
    return {
      appointment_id: this.appointments.list[this.occ.appointment[i]!]!,
      start_at: new Date(this.occ.start[i]!),
      end_at: new Date(this.occ.end[i]!),
      client_id: this.people.list[this.occ.client[i]!]!,
      caregiver_id: caregiver === NONE ? null : this.people.list[caregiver]!,
      status: this.statuses.list[this.occ.status[i]!]!,
      is_open: this.occ.open[i] === 1,
      synced_at: new Date(this.occ.synced[i]!),
    };
  }

  private visit(v: number): VisitColumns {
    const appointment = this.visits.appointment[v]!;
    const status = this.visits.status[v]!;
    const clockOut = this.visits.clockOut[v]!;
    return {
      id: this.visits.id[v]!,
      appointment_id: appointment === NONE ? null : this.appointments.list[appointment]!,
      status: status === NONE ? null : this.statuses.list[status]!,
      clock_in_at: new Date(this.visits.clockIn[v]!),
      clock_out_at: Number.isNaN(clockOut) ? null : new Date(clockOut),
    };
  }

  private interval(i: number): ShiftInterval {
    return {
      appointmentId: this.appointments.list[this.occ.appointment[i]!]!,
      start: new Date(this.occ.start[i]!),
      end: new Date(this.occ.end[i]!),
    };
  }

  /** The occurrence a scope leaves out, as (appointment number, start); NONE when none or unknown. */
  private excepted(scope: Scope): { appointment: number; start: number } {
    const except = scope.except;
    return except
      ? { appointment: this.appointments.find(except.appointmentId), start: except.start.getTime() }
      : { appointment: NONE, start: Number.NaN };
  }

  /** People numbers of the caregivers asked for (NONE for one the index does not know), else all scheduled. */
  private scoped(scope: Scope): number[] {
    return scope.caregiverIds ? scope.caregiverIds.map((id) => this.people.find(id)) : this.scheduled;
  }

  /** Every stored occurrence of this shift, by start. */
  occurrencesOf(appointmentId: string): OccurrenceColumns[] {
    const g = this.appointments.find(appointmentId);
    const [from, to] = [this.occurrencesByAppointment.first(g), this.occurrencesByAppointment.end(g)];
    const out: OccurrenceColumns[] = [];
    for (let k = from; k < to; k++) out.push(this.occurrence(this.occurrencesByAppointment.items[k]!));
    return out;
  }

  /**
   * The visit of one occurrence: a visit names only the appointment id, which every occurrence of a
   * recurring shift shares, so it is the one whose clock-in falls in [start − 3 h, end) (as `visitsFor`).
   */
  visitOf(o: Pick<OccurrenceColumns, 'appointment_id' | 'start_at' | 'end_at'>): VisitColumns | undefined {
    const from = o.start_at.getTime() - EARLY_MS;
    const to = o.end_at.getTime();
    const g = this.appointments.find(o.appointment_id);
    const [first, last] = [this.visitsByAppointment.first(g), this.visitsByAppointment.end(g)];
    for (let k = first; k < last; k++) {
      const v = this.visitsByAppointment.items[k]!;
      const t = this.visits.clockIn[v]!;
      if (t >= from && t < to) return this.visit(v);
    }
    return undefined;
  }

  tagName(id: string): string | undefined {
    return this.tags.get(id);
  }

  /** How much the index holds, for `size` and the bench. */
  get counts(): { caregivers: number; shifts: number; visits: number } {
    return {
      caregivers: this.pool.length,
      shifts: this.slots.items.length,
      visits: this.caregiverVisits.items.length,
    };
  }

  busy(from: Date, to: Date, scope: Scope = {}): Map<string, ShiftInterval[]> {
    const lo = from.getTime();
    const hi = to.getTime();
    const { items, at } = this.slots;
    const except = this.excepted(scope);
    const out = new Map<string, ShiftInterval[]>();
    for (const g of this.scoped(scope)) {
      const first = this.slots.first(g);
      const found: ShiftInterval[] = [];
      // Shifts starting before `to`, walking back while one could still reach past `from`.
      for (
        let k = lowerBound(at, first, this.slots.end(g), hi) - 1;
        k >= first && at[k]! > lo - this.longestMs;
        k--
      ) {
        const i = items[k]!;
        if (
          this.occ.end[i]! > lo &&
          !(this.occ.appointment[i] === except.appointment && at[k] === except.start)
        )
          found.push(this.interval(i));
      }
      if (found.length > 0) out.set(this.people.list[g]!, found.reverse());
    }
    return out;
  }

  hoursStarting(from: Date, to: Date, scope: Scope = {}): Map<string, number> {
    const { items, at } = this.slots;
    const except = this.excepted(scope);
    const out = new Map<string, number>();
    for (const g of this.scoped(scope)) {
      const first = this.slots.first(g);
      const last = this.slots.end(g);
      let ms = 0;
      let any = false;
      const end = lowerBound(at, first, last, to.getTime());
      for (let k = lowerBound(at, first, end, from.getTime()); k < end; k++) {
        const i = items[k]!;
        if (this.occ.appointment[i] === except.appointment && at[k] === except.start) continue;
        ms += this.occ.end[i]! - at[k]!;
        any = true;
      }
      if (any) out.set(this.people.list[g]!, ms / 3_600_000);
    }
    return out;
  }

  visitsWithClient(clientId: string, from: Date, to: Date): Map<string, Date[]> {
    const { items, at } = this.clientVisits;
    const g = this.people.find(clientId);
    const out = new Map<string, Date[]>();
    const end = lowerBound(at, this.clientVisits.first(g), this.clientVisits.end(g), to.getTime());
    for (let k = lowerBound(at, this.clientVisits.first(g), end, from.getTime()); k < end; k++)
      push(out, this.people.list[this.visits.caregiver[items[k]!]!]!, new Date(at[k]!));
    return out;
  }

  attendance(caregiverIds: string[], from: Date, to: Date): Map<string, AttendedShift[]> {
    const out = new Map<string, AttendedShift[]>();
    const slots = this.slots;
    const visits = this.caregiverVisits;
    const until = to.getTime();
    for (const id of caregiverIds) {
      const g = this.people.find(id);
      const last = slots.end(g);
      const firstVisit = visits.first(g);
      const lastVisit = visits.end(g);
      const attended: AttendedShift[] = [];
      for (let k = lowerBound(slots.at, slots.first(g), last, from.getTime()); k < last; k++) {
        const i = slots.items[k]!;
        const startMs = slots.at[k]!;
        const endMs = this.occ.end[i]!;
        if (startMs >= until) break;
        if (endMs >= until) continue;
        let clockIn: Date | null = null;
        for (let j = lowerBound(visits.at, firstVisit, lastVisit, startMs - EARLY_MS); j < lastVisit; j++) {
          if (visits.at[j]! >= endMs) break;
          if (this.visits.appointment[visits.items[j]!] === this.occ.appointment[i]) {
            clockIn = new Date(visits.at[j]!);
            break;
          }
        }
        attended.push({
          appointmentId: this.appointments.list[this.occ.appointment[i]!]!,
          start: new Date(startMs),
          end: new Date(endMs),
          clockIn,
        });
      }
      if (attended.length > 0) out.set(id, attended);
    }
    return out;
  }
}

/** One stored occurrence as numbers: instants in ms, ids by their number. */
interface ShiftNumbers {
  appointment: number;
  start: number;
  end: number;
  synced: number;
  client: number;
  caregiver: number;
  status: number;
  open: boolean;
}

interface VisitNumbers {
  id: string;
  appointment: number;
  client: number;
  caregiver: number;
  status: number;
  clockIn: number;
  clockOut: number;
}

/**
 * The live occurrences, page by page along the primary key (appointment, start). Removed rows are skipped
 * here, not in SQL: with the filter PostgreSQL (no statistics on the mirror's tables) expects a few rows
 * and sorts the whole rest of the table for each page instead of walking the key's index.
 */
async function loadShifts(
  db: Kysely<Database>,
  pageRows: number,
  appointments: Names,
  people: Names,
  statuses: Names,
): Promise<ShiftNumbers[]> {
  const out: ShiftNumbers[] = [];
  let after: { appointmentId: string; start: Date } | undefined;
  for (;;) {
    let q = db.selectFrom('shifts').select([...SHIFT_COLUMNS, 'removed_at']);
    if (after) {
      const { appointmentId, start } = after;
      q = q.where((eb) => eb(eb.refTuple('appointment_id', 'start_at'), '>', eb.tuple(appointmentId, start)));
    }
    const rows = await q.orderBy('appointment_id').orderBy('start_at').limit(pageRows).execute();
    for (const r of rows) {
      if (r.removed_at !== null) continue;
      out.push({
        appointment: appointments.number(r.appointment_id),
        start: r.start_at.getTime(),
        end: r.end_at.getTime(),
        synced: r.synced_at.getTime(),
        client: people.number(r.client_id),
        caregiver: r.caregiver_id === null ? NONE : people.number(r.caregiver_id),
        status: statuses.number(r.status),
        open: r.is_open,
      });
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageRows) return out;
    after = { appointmentId: last.appointment_id, start: last.start_at };
  }
}

/** The live visits with a clock-in, page by page along the primary key (id); the rest skipped here. */
async function loadVisits(
  db: Kysely<Database>,
  pageRows: number,
  appointments: Names,
  people: Names,
  statuses: Names,
): Promise<VisitNumbers[]> {
  const out: VisitNumbers[] = [];
  let after: string | undefined;
  for (;;) {
    let q = db
      .selectFrom('visits')
      .select([
        'id',
        'appointment_id',
        'client_id',
        'caregiver_id',
        'status',
        'clock_in_at',
        'clock_out_at',
        'removed_at',
      ]);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.orderBy('id').limit(pageRows).execute();
    for (const r of rows) {
      if (r.removed_at !== null || r.clock_in_at === null) continue;
      out.push({
        id: r.id,
        appointment: r.appointment_id === null ? NONE : appointments.number(r.appointment_id),
        client: r.client_id === null ? NONE : people.number(r.client_id),
        caregiver: r.caregiver_id === null ? NONE : people.number(r.caregiver_id),
        status: r.status === null ? NONE : statuses.number(r.status),
        clockIn: r.clock_in_at.getTime(),
        clockOut: r.clock_out_at?.getTime() ?? Number.NaN,
      });
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageRows) return out;
    after = last.id;
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
