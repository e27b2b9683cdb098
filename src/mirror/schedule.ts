import { type Kysely, sql } from 'kysely';
import { normalizePhone } from '../lib/phone.ts';
import type {
  AttendedShift,
  CaregiverProfile,
  OccurrenceRow,
  Schedule,
  ShiftInterval,
} from '../operations/ports.ts';
import type { Database, Store } from '../store/index.ts';
import type { Mirror } from './mirror.ts';
import { SHIFT_COLUMNS } from './shifts.ts';
import { localDay } from './time.ts';
import type { MirrorPerson, ShiftQuery } from './types.ts';

const CANCELLED = ['CANCELLED', 'CANCELED'];
/** A clock-in this long before the scheduled start still belongs to the shift (as the mirror matches). */
const EARLY_MS = 3 * 3_600_000;

type Options = { except?: ShiftInterval | undefined; caregiverIds?: string[] | undefined };

const isExcept = (except: ShiftInterval | undefined, r: { appointment_id: string; start_at: Date }) =>
  except !== undefined &&
  r.appointment_id === except.appointmentId &&
  r.start_at.getTime() === except.start.getTime();

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The mirror answering operations' `Schedule` port: people from memory, shifts and visits from the store. */
export class MirrorSchedule implements Schedule {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly mirror: Mirror,
    store: Store,
  ) {
    this.db = store.db;
  }

  get timezone(): string {
    return this.mirror.timezone;
  }

  async lastSyncedAt(): Promise<Date | null> {
    const run = await this.db
      .selectFrom('sync_runs')
      .select('finished_at')
      .where('status', 'in', ['ok', 'partial'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return run ? (run.finished_at ?? new Date(0)) : null;
  }

  caregiver(id: string): MirrorPerson | undefined {
    return this.mirror.person('caregiver', id);
  }

  client(id: string): MirrorPerson | undefined {
    return this.mirror.person('client', id);
  }

  caregiversByPhone(phone: string): string[] {
    const matches = this.mirror.identify(phone).matches.filter((m) => m.kind === 'caregiver' && m.active);
    return [...new Set(matches.map((m) => m.id))];
  }

  caregiverByPhone(phone: string): string | null {
    if (!normalizePhone(phone)) return null;
    const ids = this.caregiversByPhone(phone);
    return ids.length === 1 ? ids[0]! : null;
  }

  caregiverContact(caregiverId: string): string | null {
    const phones = this.mirror.person('caregiver', caregiverId)?.phones ?? [];
    return (phones.find((p) => p.use === 'mobile') ?? phones[0])?.digits ?? null;
  }

  async occurrences(appointmentId: string): Promise<OccurrenceRow[]> {
    const rows = await this.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('appointment_id', '=', appointmentId)
      .where('removed_at', 'is', null)
      .orderBy('start_at')
      .execute();
    return rows.map((r) => ({
      appointmentId: r.appointment_id,
      start: r.start_at,
      end: r.end_at,
      clientId: r.client_id,
      caregiverId: r.caregiver_id,
      status: r.status,
      isOpen: r.is_open,
    }));
  }

  async occurrenceView(o: { appointmentId: string; start: Date; clientId: string }) {
    const day = localDay(o.start, this.timezone);
    const { shifts } = await this.mirror.shifts({ clientId: o.clientId, date: day });
    return shifts.find((s) => s.appointmentId === o.appointmentId && s.startUtc === o.start.toISOString());
  }

  shifts(query: ShiftQuery) {
    return this.mirror.shifts(query);
  }

  currentOrNextShift(caregiverId: string, now: Date) {
    return this.mirror.currentOrNextShift(caregiverId, now);
  }

  async clientVisitNear(clientId: string, now: Date): Promise<string | null> {
    const visit = await this.db
      .selectFrom('visits')
      .select('id')
      .where('client_id', '=', clientId)
      .where('removed_at', 'is', null)
      .where('clock_in_at', '<=', new Date(now.getTime() + 30 * 60_000))
      .where((eb) =>
        eb.or([
          eb('clock_out_at', 'is', null),
          eb('clock_out_at', '>=', new Date(now.getTime() - 4 * 3_600_000)),
        ]),
      )
      .where('clock_in_at', '>=', new Date(now.getTime() - 24 * 3_600_000))
      .limit(1)
      .executeTakeFirst();
    return visit?.id ?? null;
  }

  async rankingPool(): Promise<CaregiverProfile[]> {
    const [rows] = await Promise.all([this.poolRows(), this.loadTags()]);
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

  private poolRows() {
    return this.db
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
      .execute();
  }

  private tags = new Map<string, string>();

  tagName(id: string): string | undefined {
    return this.tags.get(id);
  }

  /** Tag names for the exclusion reasons, read with the pool. */
  private async loadTags(): Promise<void> {
    const rows = await this.db.selectFrom('profile_tags').select(['id', 'name']).execute();
    this.tags = new Map(rows.map((t) => [t.id, t.name]));
  }

  async busy(from: Date, to: Date, options: Options = {}): Promise<Map<string, ShiftInterval[]>> {
    let q = this.db
      .selectFrom('shifts')
      .select(['appointment_id', 'start_at', 'end_at', 'caregiver_id'])
      .where('caregiver_id', 'is not', null)
      .where('removed_at', 'is', null)
      .where('status', 'not in', CANCELLED)
      .where('start_at', '<', to)
      .where('end_at', '>', from);
    if (options.caregiverIds) q = q.where('caregiver_id', 'in', options.caregiverIds);
    const out = new Map<string, ShiftInterval[]>();
    for (const r of await q.execute()) {
      if (isExcept(options.except, r)) continue;
      push(out, r.caregiver_id!, { appointmentId: r.appointment_id, start: r.start_at, end: r.end_at });
    }
    return out;
  }

  async hoursStarting(from: Date, to: Date, options: Options = {}): Promise<Map<string, number>> {
    let q = this.db
      .selectFrom('shifts')
      .select(['caregiver_id', 'appointment_id', 'start_at'])
      .select(sql<string>`sum(extract(epoch from (end_at - start_at)))`.as('seconds'))
      .where('caregiver_id', 'is not', null)
      .where('removed_at', 'is', null)
      .where('status', 'not in', CANCELLED)
      .where('start_at', '>=', from)
      .where('start_at', '<', to);
    if (options.caregiverIds) q = q.where('caregiver_id', 'in', options.caregiverIds);
    const out = new Map<string, number>();
    for (const r of await q.groupBy(['caregiver_id', 'appointment_id', 'start_at']).execute()) {
      if (isExcept(options.except, r)) continue;
      out.set(r.caregiver_id!, (out.get(r.caregiver_id!) ?? 0) + Number(r.seconds) / 3600);
    }
    return out;
  }

  async visitsWithClient(clientId: string, from: Date, to: Date): Promise<Map<string, Date[]>> {
    const rows = await this.db
      .selectFrom('visits')
      .select(['caregiver_id', 'clock_in_at'])
      .where('client_id', '=', clientId)
      .where('removed_at', 'is', null)
      .where('clock_in_at', '<', to)
      .where('clock_in_at', '>=', from)
      .execute();
    const out = new Map<string, Date[]>();
    for (const v of rows) if (v.caregiver_id && v.clock_in_at) push(out, v.caregiver_id, v.clock_in_at);
    return out;
  }

  async attendance(caregiverIds: string[], from: Date, to: Date): Promise<Map<string, AttendedShift[]>> {
    const out = new Map<string, AttendedShift[]>();
    if (caregiverIds.length === 0) return out;
    const [shifts, visits] = await Promise.all([
      this.db
        .selectFrom('shifts')
        .select(['appointment_id', 'start_at', 'end_at', 'caregiver_id'])
        .where('caregiver_id', 'in', caregiverIds)
        .where('removed_at', 'is', null)
        .where('status', 'not in', CANCELLED)
        .where('start_at', '>=', from)
        .where('end_at', '<', to)
        .execute(),
      this.db
        .selectFrom('visits')
        .select(['appointment_id', 'clock_in_at', 'caregiver_id'])
        .where('caregiver_id', 'in', caregiverIds)
        .where('removed_at', 'is', null)
        .where('clock_in_at', '>=', new Date(from.getTime() - EARLY_MS))
        .execute(),
    ]);
    const byAppointment = new Map<string, Date[]>();
    for (const v of visits) {
      if (v.appointment_id && v.clock_in_at)
        push(byAppointment, `${v.caregiver_id}/${v.appointment_id}`, v.clock_in_at);
    }
    for (const s of shifts) {
      const clockIn = byAppointment
        .get(`${s.caregiver_id}/${s.appointment_id}`)
        ?.find((t) => t.getTime() >= s.start_at.getTime() - EARLY_MS && t.getTime() < s.end_at.getTime());
      push(out, s.caregiver_id!, {
        appointmentId: s.appointment_id,
        start: s.start_at,
        end: s.end_at,
        clockIn: clockIn ?? null,
      });
    }
    return out;
  }
}
