import type { Kysely } from 'kysely';
import type { WatchSchedule, WatchShift } from '../operations/watch/ports.ts';
import type { Database, Store } from '../store/index.ts';
import type { Mirror } from './mirror.ts';
import { SHIFT_COLUMNS, shiftKey, visitsFor } from './shifts.ts';

/**
 * The mirror answering the watch's `WatchSchedule` port: shifts and visits from the store (the visit
 * WellSky reported, else the one Skybridge's own clock-in recorded), people and phones from memory.
 */
export class MirrorWatchSchedule implements WatchSchedule {
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

  async shifts(from: Date, to: Date): Promise<WatchShift[]> {
    const rows = await this.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('removed_at', 'is', null)
      .where('start_at', '<', to)
      .where('end_at', '>', from)
      .orderBy('start_at')
      .execute();
    if (rows.length === 0) return [];
    const visits = await visitsFor(this.db, rows);
    const own = await this.db
      .selectFrom('shift_visits')
      .select(['appointment_id', 'occurrence_start', 'visit_id', 'clock_in_at', 'clock_out_at'])
      .where('occurrence_start', '>=', new Date(Math.min(...rows.map((r) => r.start_at.getTime()))))
      .where('occurrence_start', '<', to)
      .execute();
    const ownByKey = new Map(own.map((v) => [`${v.appointment_id}@${v.occurrence_start.toISOString()}`, v]));
    return rows.map((r) => {
      const key = shiftKey(r);
      const mirrored = visits.get(key);
      const mine = ownByKey.get(key);
      const caregiver = r.caregiver_id ? this.mirror.person('caregiver', r.caregiver_id) : undefined;
      const phones = caregiver?.phones ?? [];
      return {
        appointmentId: r.appointment_id,
        start: r.start_at,
        end: r.end_at,
        status: r.status,
        isOpen: r.is_open,
        clientId: r.client_id,
        clientFirstName: this.mirror.person('client', r.client_id)?.givenName || null,
        caregiverId: r.caregiver_id,
        caregiverFirstName: caregiver?.givenName || null,
        caregiverPhone: (phones.find((p) => p.use === 'mobile') ?? phones[0])?.digits ?? null,
        visit: mirrored
          ? {
              id: mirrored.id,
              clockIn: mirrored.clock_in_at,
              // Skybridge's own clock-out is known before the next sync reads it back.
              clockOut: mirrored.clock_out_at ?? mine?.clock_out_at ?? null,
            }
          : mine
            ? { id: mine.visit_id, clockIn: mine.clock_in_at, clockOut: mine.clock_out_at }
            : null,
      };
    });
  }

  async caregiverByPhone(phone: string): Promise<{ id: string; firstName: string } | null> {
    let matches: ReturnType<Mirror['identify']>['matches'];
    try {
      matches = this.mirror.identify(phone).matches;
    } catch {
      return null;
    }
    const ids = [...new Set(matches.filter((m) => m.kind === 'caregiver' && m.active).map((m) => m.id))];
    if (ids.length !== 1) return null;
    const person = this.mirror.person('caregiver', ids[0]!);
    return { id: ids[0]!, firstName: person?.givenName ?? '' };
  }

  async clientContactPhone(clientId: string): Promise<string | null> {
    const contacts = await this.db
      .selectFrom('related_persons')
      .select(['phones', 'primary_contact'])
      .where('client_id', '=', clientId)
      .where('removed_at', 'is', null)
      .where('primary_contact', '=', true)
      .execute();
    for (const c of contacts) {
      const phone = (c.phones.find((p) => p.use === 'mobile') ?? c.phones[0])?.digits;
      if (phone) return phone;
    }
    const phones = this.mirror.person('client', clientId)?.phones ?? [];
    return (phones.find((p) => p.use === 'mobile') ?? phones[0])?.digits ?? null;
  }
}
