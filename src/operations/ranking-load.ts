import { DateTime } from 'luxon';
import { localTimes } from '../mirror/time.ts';
import type { CaregiverProfile, Schedule, ShiftInterval } from './ports.ts';
import type { RankingConfig } from './ranking-config.ts';
import type { History, ShiftFacts } from './scoring.ts';

// Step 1 of ranking: load. Everything the rules read about one occurrence, from the schedule port only.

/** The occurrence being ranked for. */
export interface RankedOccurrence {
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
}

export interface RankingFacts {
  shift: ShiftFacts;
  /** Active hired caregivers (only the ones asked, when loading for some). */
  pool: CaregiverProfile[];
  /** Everything but reliability, per caregiver (reliability is loaded later, for the few that can place). */
  history(caregiverId: string): History;
  /** How exclusion texts name times and tags. */
  time(d: Date): string;
  tagName(id: string): string;
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The client's side of the rules: languages, home, preferences. An unknown client has none. */
export function shiftFacts(schedule: Schedule, o: RankedOccurrence): ShiftFacts {
  const client = schedule.client(o.clientId);
  const prefs = client?.preferences ?? {};
  return {
    appointmentId: o.appointmentId,
    start: o.start,
    end: o.end,
    clientId: o.clientId,
    client: {
      languages: client?.languages ?? [],
      home: client?.home ?? null,
      preferred: list(prefs.preferredCaregivers),
      doNotSend: list(prefs.doNotSend),
      genderPreference: prefs.genderPreference?.trim() || null,
      requiredTags: list(prefs.requiredTags),
    },
  };
}

/** The agency workweek holding `start` (`workweekStartsOn`, in the agency zone). */
export function workweekOf(start: Date, zone: string, config: RankingConfig): { from: Date; to: Date } {
  const local = DateTime.fromJSDate(start, { zone });
  const from = local.startOf('day').minus({ days: (local.weekday - config.workweekStartsOn + 7) % 7 });
  return { from: from.toJSDate(), to: from.plus({ weeks: 1 }).toJSDate() };
}

export async function loadRanking(
  schedule: Schedule,
  o: RankedOccurrence,
  config: RankingConfig,
  only?: { caregiverIds: string[] },
): Promise<RankingFacts> {
  const bufferMs = config.travelBufferMinutes * 60_000;
  const zone = schedule.timezone;
  const week = workweekOf(o.start, zone, config);
  const except: ShiftInterval = { appointmentId: o.appointmentId, start: o.start, end: o.end };
  const scope = { except, ...(only ? { caregiverIds: only.caregiverIds } : {}) };
  const [everyone, busy, weekHours, visits] = await Promise.all([
    schedule.rankingPool(),
    schedule.busy(new Date(o.start.getTime() - bufferMs), new Date(o.end.getTime() + bufferMs), scope),
    schedule.hoursStarting(week.from, week.to, scope),
    schedule.visitsWithClient(
      o.clientId,
      new Date(o.start.getTime() - config.continuity.lookbackDays * 86_400_000),
      o.start,
    ),
  ]);
  const wanted = only ? new Set(only.caregiverIds) : undefined;
  const startDay = localTimes(o.start, zone).day;
  // Exclusion texts name the times of overlapping shifts: at agency scale hundreds of caregivers are busy,
  // their shifts start at a few common times, and each zone conversion is costly, so each is made once.
  const times = new Map<number, string>();
  return {
    shift: shiftFacts(schedule, o),
    pool: wanted ? everyone.filter((c) => wanted.has(c.id)) : everyone,
    history: (id) => ({
      visitsWithClient: visits.get(id) ?? [],
      weekHours: weekHours.get(id) ?? 0,
      busy: busy.get(id) ?? [],
      record: { shifts: 0, late: 0, missed: 0 },
    }),
    time: (d) => {
      let text = times.get(d.getTime());
      if (text === undefined) {
        const t = localTimes(d, zone);
        text = t.day === startDay ? t.time : `${t.day} ${t.time}`;
        times.set(d.getTime(), text);
      }
      return text;
    },
    tagName: (id) => schedule.tagName(id) ?? `tag ${id}`,
  };
}
