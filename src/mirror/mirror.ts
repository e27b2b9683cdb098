import { normalizePhone } from '../lib/phone.ts';
import type { Store } from '../store/index.ts';
import { type LoadedPeople, loadPeople } from './load.ts';
import { PhoneIndex } from './phone-index.ts';
import { ScheduleIndex } from './schedule-index.ts';
import { SHIFT_COLUMNS, shiftKey, shiftView, visitsFor } from './shifts.ts';
import { foldName } from './text.ts';
import { checkDay, dayBounds, localDay } from './time.ts';
import type {
  IdentifyResult,
  MirrorPerson,
  PersonKind,
  ShiftQuery,
  ShiftsResult,
  ShiftView,
} from './types.ts';

export interface MirrorOptions {
  store: Store;
  /** The agency's IANA zone (`WELLSKY_TIMEZONE`); every day and time shown is in it. */
  timezone: string;
  now?: () => Date;
}

export interface SearchOptions {
  kinds?: PersonKind[];
  limit?: number;
}

const PEOPLE_KINDS: PersonKind[] = ['caregiver', 'applicant', 'client', 'prospect'];

/**
 * The read model: answers "who is calling?" and "what is my shift?" from the local mirror, never from
 * a live search (original §2.5). People and phones live in memory, loaded from the store after each
 * sync (`reload`); shifts and visits are read from the store, indexed by owner and start.
 */
export class Mirror {
  readonly timezone: string;
  private readonly store: Store;
  private readonly now: () => Date;
  private people: LoadedPeople = { caregivers: new Map(), clients: new Map(), family: new Map() };
  private phones = new PhoneIndex();
  private names: { key: string; person: MirrorPerson }[] = [];
  private loadedAt: Date | undefined;
  private schedule = ScheduleIndex.empty();

  private constructor(options: MirrorOptions) {
    this.store = options.store;
    this.timezone = options.timezone;
    this.now = options.now ?? (() => new Date());
  }

  static async open(options: MirrorOptions): Promise<Mirror> {
    const mirror = new Mirror(options);
    await mirror.reload();
    return mirror;
  }

  /** Rebuild the in-memory indexes from the store (after a sync or a webhook refresh). */
  async reload(): Promise<void> {
    const [people, schedule] = await Promise.all([
      loadPeople(this.store.db),
      ScheduleIndex.load(this.store.db),
    ]);
    const phones = new PhoneIndex();
    const names: { key: string; person: MirrorPerson }[] = [];
    for (const map of [people.caregivers, people.clients, people.family]) {
      for (const person of map.values()) {
        phones.add(person);
        names.push({ key: foldName(person.name), person });
      }
    }
    // Swap at once, so a lookup never sees half an index.
    this.people = people;
    this.phones = phones;
    this.names = names;
    this.schedule = schedule;
    this.loadedAt = this.now();
  }

  /** What ranking reads (shifts per caregiver, visits per client), as of the last reload. */
  get scheduleIndex(): ScheduleIndex {
    return this.schedule;
  }

  /** One stored occurrence as people read it (names, local times, its visit), from memory. */
  occurrenceView(appointmentId: string, start: Date): ShiftView | undefined {
    const row = this.schedule
      .occurrencesOf(appointmentId)
      .find((r) => r.start_at.getTime() === start.getTime());
    return row && shiftView(row, this.timezone, this.people, this.schedule.visitOf(row));
  }

  get size(): {
    caregivers: number;
    clients: number;
    family: number;
    phones: number;
    loadedAt: string | null;
  } {
    return {
      caregivers: this.people.caregivers.size,
      clients: this.people.clients.size,
      family: this.people.family.size,
      phones: this.phones.size,
      loadedAt: this.loadedAt?.toISOString() ?? null,
    };
  }

  person(kind: 'caregiver' | 'client' | 'family', id: string): MirrorPerson | undefined {
    const map =
      kind === 'caregiver'
        ? this.people.caregivers
        : kind === 'client'
          ? this.people.clients
          : this.people.family;
    return map.get(id);
  }

  /**
   * Everyone holding this number, in any format people type: `(303) 555-0100`, `+1 303-555-0100`,
   * `3035550100`, `303.555.0100 x12` (facts §2.6: WellSky keeps 10 digits). Several matches come back as
   * several, active first; none is guessed. Throws a RangeError for something that is not a US number.
   */
  identify(phone: string): IdentifyResult {
    const normalized = normalizePhone(phone);
    if (!normalized) throw new RangeError('not a 10-digit US phone number');
    const now = this.now().getTime();
    const matches = this.phones.get(normalized.digits).map(({ person, use }) => ({
      kind: person.kind,
      id: person.id,
      name: person.name,
      active: person.active,
      phoneUse: use,
      syncedAt: person.syncedAt,
      ageSeconds: Math.max(0, Math.round((now - Date.parse(person.syncedAt)) / 1000)),
      ...(person.client ? { client: person.client, relationship: person.relationship?.display ?? null } : {}),
      person,
    }));
    return {
      digits: normalized.digits,
      ...(normalized.extension ? { extension: normalized.extension } : {}),
      matches,
    };
  }

  /**
   * Caregivers, applicants, clients and prospects whose name contains every word of `query`, ignoring
   * case and accents ("jose nunez" finds "José Núñez"). Names starting with the query come first.
   */
  searchPeople(query: string, options: SearchOptions = {}): MirrorPerson[] {
    const words = foldName(query).split(' ').filter(Boolean);
    if (words.length === 0) throw new RangeError('give at least one letter of a name');
    const kinds = new Set(options.kinds ?? PEOPLE_KINDS);
    const limit = options.limit ?? 25;
    const whole = words.join(' ');
    const hits = this.names.filter((n) => kinds.has(n.person.kind) && words.every((w) => n.key.includes(w)));
    const rank = (key: string) =>
      key.startsWith(whole) ? 0 : key.split(' ').some((part) => part.startsWith(words[0] ?? '')) ? 1 : 2;
    return hits
      .sort(
        (a, b) =>
          rank(a.key) - rank(b.key) ||
          Number(b.person.active) - Number(a.person.active) ||
          a.key.localeCompare(b.key) ||
          a.person.id.localeCompare(b.person.id),
      )
      .slice(0, limit)
      .map((n) => n.person);
  }

  /**
   * Shifts of one caregiver or one client whose start falls on the agency-local days asked for (default:
   * today). Open shifts are included for a client; each shift carries who is assigned and its visit.
   */
  async shifts(query: ShiftQuery): Promise<ShiftsResult> {
    const hasCaregiver = Boolean(query.caregiverId);
    if (hasCaregiver === Boolean(query.clientId))
      throw new RangeError('give exactly one of caregiverId or clientId');
    const { from, to } = this.days(query);
    const { lo, hi } = dayBounds(from, to, this.timezone);
    let q = this.store.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('removed_at', 'is', null)
      .where('start_at', '>=', lo)
      .where('start_at', '<', hi);
    q = hasCaregiver
      ? q.where('caregiver_id', '=', query.caregiverId!)
      : q.where('client_id', '=', query.clientId!);
    const rows = await q.orderBy('start_at').orderBy('appointment_id').execute();
    return {
      timezone: this.timezone,
      from,
      to,
      ...(hasCaregiver ? { caregiverId: query.caregiverId } : { clientId: query.clientId }),
      shifts: await this.views(rows),
    };
  }

  /** Unstaffed shifts of the whole agency starting on these local days. */
  async openShifts(query: Pick<ShiftQuery, 'date' | 'from' | 'to'> = {}): Promise<ShiftsResult> {
    const { from, to } = this.days(query);
    const { lo, hi } = dayBounds(from, to, this.timezone);
    const rows = await this.store.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('removed_at', 'is', null)
      .where('is_open', '=', true)
      .where('start_at', '>=', lo)
      .where('start_at', '<', hi)
      .orderBy('start_at')
      .execute();
    return { timezone: this.timezone, from, to, shifts: await this.views(rows) };
  }

  /**
   * The shift the caregiver is in now, else the next one (original D-16 compared UTC shift times with a
   * local "now"; here both are instants). Cancelled shifts are skipped.
   */
  async currentOrNextShift(
    caregiverId: string,
    now: Date = this.now(),
  ): Promise<{ state: 'in-progress' | 'upcoming'; shift: ShiftView } | null> {
    const row = await this.store.db
      .selectFrom('shifts')
      .select(SHIFT_COLUMNS)
      .where('caregiver_id', '=', caregiverId)
      .where('removed_at', 'is', null)
      .where('end_at', '>', now)
      .where('status', 'not in', ['CANCELLED', 'CANCELED'])
      .orderBy('start_at')
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    const [shift] = await this.views([row]);
    return { state: row.start_at <= now ? 'in-progress' : 'upcoming', shift: shift! };
  }

  private days(query: Pick<ShiftQuery, 'date' | 'from' | 'to'>): { from: string; to: string } {
    if (query.date !== undefined) {
      if (query.from !== undefined || query.to !== undefined)
        throw new RangeError('give either date or from and to');
      return { from: checkDay(query.date), to: query.date };
    }
    if ((query.from === undefined) !== (query.to === undefined))
      throw new RangeError('give both from and to');
    if (query.from !== undefined && query.to !== undefined) {
      return { from: checkDay(query.from, 'from'), to: checkDay(query.to, 'to') };
    }
    const today = localDay(this.now(), this.timezone);
    return { from: today, to: today };
  }

  private async views(rows: Parameters<typeof shiftView>[0][]): Promise<ShiftView[]> {
    const visits = await visitsFor(this.store.db, rows);
    return rows.map((r) => shiftView(r, this.timezone, this.people, visits.get(shiftKey(r))));
  }
}
