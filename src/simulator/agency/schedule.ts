import { ID_BASE } from '../ids.ts';
import { type AgencyZone, weekdayOf } from './calendar.ts';
import { unit } from './random.ts';

/** A change to one occurrence of a series: the exception a full-replacement PUT creates (facts §3.5). */
export interface OccurrenceOverride {
  removed?: boolean;
  caregiverId?: number | null;
  startMs?: number;
  endMs?: number;
  status?: string;
  updatedMs: number;
}

/**
 * A shift as stored: recurring shifts are one series with one id (facts §3.5 "recurring shifts share the
 * id of the original"); occurrences are expanded per query so 13 weeks of 5,000 clients cost nothing.
 */
export interface Series {
  id: number;
  ordinal: number;
  clientId: number;
  caregiverId: number | null;
  /** Local weekday (Monday = 0) for weekly series; null for a one-off. */
  weekday: number | null;
  firstDay: number;
  lastDay: number;
  /** Local wall-clock start (minutes after midnight) and duration; overnight shifts cross midnight. */
  startMinute: number;
  durationMin: number;
  /** One-offs created through the API keep the exact instants they were given. */
  fixedStartMs?: number;
  fixedEndMs?: number;
  /** Status given at creation (API-created shifts); generated ones derive it from the clock. */
  status?: string;
  /** Generated series leave ~3 % of occurrences open; created ones never do. */
  generated: boolean;
  overrides: Map<number, OccurrenceOverride>;
  tasks: { id: string; description: string }[];
  scheduledItems: { id: string; name: string }[];
  removed: boolean;
  updatedMs: number;
}

export interface Occurrence {
  series: Series;
  /** The local day the occurrence belongs to (its scheduled start day). */
  day: number;
  startMs: number;
  endMs: number;
  caregiverId: number | null;
  /** Explicit status (override or creation), else derived from the clock. */
  status: string | undefined;
  encounterId: number;
  updatedMs: number;
}

/** Encounter ids encode the occurrence: base + ordinal·1000 + (day − origin). */
const DAYS_PER_SERIES = 1000;

export class Schedule {
  readonly series: Series[] = [];
  private readonly byId = new Map<number, Series>();
  private readonly byClient = new Map<number, Series[]>();
  private readonly byCaregiver = new Map<number, Set<Series>>();
  private nextId: number = ID_BASE.appointment;

  constructor(
    readonly zone: AgencyZone,
    readonly seed: number,
    /** 300 days before the generated window: encounter ids cover origin … origin + 999. */
    readonly originDay: number,
  ) {}

  add(fields: Omit<Series, 'id' | 'ordinal' | 'overrides' | 'removed'>): Series {
    const series: Series = {
      ...fields,
      id: this.nextId++,
      ordinal: this.series.length,
      overrides: new Map(),
      removed: false,
    };
    this.series.push(series);
    this.byId.set(series.id, series);
    const list = this.byClient.get(series.clientId) ?? [];
    list.push(series);
    this.byClient.set(series.clientId, list);
    if (series.caregiverId !== null) this.indexCaregiver(series.caregiverId, series);
    return series;
  }

  get(id: number): Series | undefined {
    const s = this.byId.get(id);
    return s && !s.removed ? s : undefined;
  }

  seriesOfClient(clientId: number): Series[] {
    return (this.byClient.get(clientId) ?? []).filter((s) => !s.removed);
  }

  indexCaregiver(caregiverId: number, series: Series): void {
    const set = this.byCaregiver.get(caregiverId) ?? new Set();
    set.add(series);
    this.byCaregiver.set(caregiverId, set);
  }

  /** Occurrences of one series whose scheduled start day lies in [fromDay, toDay]. */
  occurrences(series: Series, fromDay: number, toDay: number): Occurrence[] {
    if (series.removed) return [];
    const from = Math.max(fromDay, series.firstDay);
    const to = Math.min(toDay, series.lastDay);
    const out: Occurrence[] = [];
    if (from > to) return out;
    if (series.weekday === null) {
      const occ = this.occurrenceOn(series, series.firstDay);
      if (occ) out.push(occ);
      return out;
    }
    let day = from + ((series.weekday - weekdayOf(from) + 7) % 7);
    for (; day <= to; day += 7) {
      const occ = this.occurrenceOn(series, day);
      if (occ) out.push(occ);
    }
    return out;
  }

  /** The occurrence on that local day, if the series has one there. */
  occurrenceOn(series: Series, day: number): Occurrence | undefined {
    if (series.removed || day < series.firstDay || day > series.lastDay) return undefined;
    if (series.weekday !== null && weekdayOf(day) !== series.weekday) return undefined;
    const override = series.overrides.get(day);
    if (override?.removed) return undefined;
    const baseStart = series.fixedStartMs ?? this.zone.toUtc(day, series.startMinute);
    const baseEnd = series.fixedEndMs ?? baseStart + series.durationMin * 60_000;
    let caregiverId = series.caregiverId;
    // Facts §3.5/brief: about 3 % of generated occurrences are open shifts.
    if (series.generated && unit(this.seed, series.id, day, 3) < 0.03) caregiverId = null;
    if (override && override.caregiverId !== undefined) caregiverId = override.caregiverId;
    return {
      series,
      day,
      startMs: override?.startMs ?? baseStart,
      endMs: override?.endMs ?? baseEnd,
      caregiverId,
      status: override?.status ?? series.status,
      encounterId: this.encounterIdFor(series, day),
      updatedMs: Math.max(series.updatedMs, override?.updatedMs ?? 0),
    };
  }

  /** Occurrences for a client, sorted by start. */
  forClient(clientId: number, fromDay: number, toDay: number): Occurrence[] {
    return sortOccurrences(this.seriesOfClient(clientId).flatMap((s) => this.occurrences(s, fromDay, toDay)));
  }

  /** Occurrences a caregiver works, including ones assigned to them by an override. */
  forCaregiver(caregiverId: number, fromDay: number, toDay: number): Occurrence[] {
    const series = [...(this.byCaregiver.get(caregiverId) ?? [])];
    return sortOccurrences(
      series.flatMap((s) => this.occurrences(s, fromDay, toDay)).filter((o) => o.caregiverId === caregiverId),
    );
  }

  /** The occurrence nearest to an instant: same local day first (facts §3.7 clock-in, §3.5 "nearest"). */
  nearest(series: Series, ms: number, sameDayFirst: boolean): Occurrence | undefined {
    if (sameDayFirst) {
      const day = this.zone.dayOf(ms);
      for (const d of [day, day - 1]) {
        const occ = this.occurrenceOn(series, d);
        // An overnight shift that began the evening before still counts as "that" shift.
        if (occ && (d === day || (occ.startMs <= ms && occ.endMs > ms))) return occ;
      }
    }
    let best: Occurrence | undefined;
    for (const occ of this.occurrences(series, series.firstDay, series.lastDay)) {
      if (!best || Math.abs(occ.startMs - ms) < Math.abs(best.startMs - ms)) best = occ;
    }
    return best;
  }

  encounterIdFor(series: Series, day: number): number {
    const offset = day - this.originDay;
    if (offset < 0 || offset >= DAYS_PER_SERIES) return 0;
    return ID_BASE.encounter + series.ordinal * DAYS_PER_SERIES + offset;
  }

  /** Which occurrence an encounter id stands for, if it is one of ours. */
  decodeEncounterId(id: number): { series: Series; day: number } | undefined {
    if (id < ID_BASE.encounter || id >= ID_BASE.directEncounter) return undefined;
    const rel = id - ID_BASE.encounter;
    const series = this.series[Math.floor(rel / DAYS_PER_SERIES)];
    if (!series || series.removed) return undefined;
    return { series, day: this.originDay + (rel % DAYS_PER_SERIES) };
  }

  setOverride(
    series: Series,
    day: number,
    patch: Omit<OccurrenceOverride, 'updatedMs'>,
    nowMs: number,
  ): void {
    const merged = { ...series.overrides.get(day), ...patch, updatedMs: nowMs };
    series.overrides.set(day, merged);
    if (typeof patch.caregiverId === 'number') this.indexCaregiver(patch.caregiverId, series);
  }

  remove(series: Series, nowMs: number): void {
    series.removed = true;
    series.updatedMs = nowMs;
  }
}

function sortOccurrences(list: Occurrence[]): Occurrence[] {
  return list.sort((a, b) => a.startMs - b.startMs || a.series.id - b.series.id);
}
