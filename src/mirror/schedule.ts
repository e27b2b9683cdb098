import type { Kysely } from 'kysely';
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
import type { Scope } from './schedule-index.ts';
import type { MirrorPerson, ShiftQuery } from './types.ts';

/** The mirror answering operations' `Schedule` port: from memory, but for a few call-out reads from the store. */
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

  /** As of the last reload, which follows every sync. */
  async lastSyncedAt(): Promise<Date | null> {
    return this.mirror.scheduleIndex.lastSyncedAt;
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
    return this.mirror.scheduleIndex.occurrencesOf(appointmentId).map((r) => ({
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
    return this.mirror.occurrenceView(o.appointmentId, o.start);
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

  // Ranking reads come from the mirror's in-memory index, rebuilt after each sync (schedule-index.ts).

  async rankingPool(): Promise<CaregiverProfile[]> {
    return this.mirror.scheduleIndex.pool;
  }

  tagName(id: string): string | undefined {
    return this.mirror.scheduleIndex.tagName(id);
  }

  async busy(from: Date, to: Date, options: Scope = {}): Promise<Map<string, ShiftInterval[]>> {
    return this.mirror.scheduleIndex.busy(from, to, options);
  }

  async hoursStarting(from: Date, to: Date, options: Scope = {}): Promise<Map<string, number>> {
    return this.mirror.scheduleIndex.hoursStarting(from, to, options);
  }

  async visitsWithClient(clientId: string, from: Date, to: Date): Promise<Map<string, Date[]>> {
    return this.mirror.scheduleIndex.visitsWithClient(clientId, from, to);
  }

  async attendance(caregiverIds: string[], from: Date, to: Date): Promise<Map<string, AttendedShift[]>> {
    return this.mirror.scheduleIndex.attendance(caregiverIds, from, to);
  }
}
