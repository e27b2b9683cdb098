import { z } from 'zod';

/** Every rule's setting; one object, defaults from issue #10, overridable from the environment. */
export interface WatchSettings {
  clockInGraceMinutes: number;
  clockInEscalateMinutes: number;
  clockOutGraceMinutes: number;
  /** Agency-local `HH:mm` at which tomorrow's confirmations go out. */
  confirmAt: string;
  /** Agency-local `HH:mm` after which an unanswered confirmation shows as unconfirmed. */
  confirmDeadline: string;
  notifyClientLate: boolean;
  /** How far back the clock-in/out rules look (a shift that started earlier is left to people). */
  lookbackHours: number;
  /** A "LATE n" text concerns a shift starting within this many minutes (or already started). */
  lateWindowMinutes: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  clockInGraceMinutes: 10,
  clockInEscalateMinutes: 25,
  clockOutGraceMinutes: 20,
  confirmAt: '17:00',
  confirmDeadline: '20:00',
  notifyClientLate: false,
  lookbackHours: 6,
  lateWindowMinutes: 120,
};

const minutes = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 60);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'give a 24-hour time such as 17:00');
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const Env = z.object({
  SKYBRIDGE_CLOCKIN_GRACE_MINUTES: minutes.optional(),
  SKYBRIDGE_CLOCKIN_ESCALATE_MINUTES: minutes.optional(),
  SKYBRIDGE_CLOCKOUT_GRACE_MINUTES: minutes.optional(),
  SKYBRIDGE_CONFIRM_AT: hhmm.optional(),
  SKYBRIDGE_CONFIRM_DEADLINE: hhmm.optional(),
  SKYBRIDGE_NOTIFY_CLIENT_LATE: flag.optional(),
});

/** `SKYBRIDGE_*` watch variables → settings; a bad value names its variable and what to write. */
export function watchSettingsFromEnv(env: NodeJS.ProcessEnv): WatchSettings {
  const picked = Object.fromEntries(
    Object.keys(Env.shape).flatMap((k) => (env[k]?.trim() ? [[k, env[k]!.trim()]] : [])),
  );
  const parsed = Env.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const s: WatchSettings = {
    ...DEFAULT_WATCH_SETTINGS,
    clockInGraceMinutes: e.SKYBRIDGE_CLOCKIN_GRACE_MINUTES ?? DEFAULT_WATCH_SETTINGS.clockInGraceMinutes,
    clockInEscalateMinutes:
      e.SKYBRIDGE_CLOCKIN_ESCALATE_MINUTES ?? DEFAULT_WATCH_SETTINGS.clockInEscalateMinutes,
    clockOutGraceMinutes: e.SKYBRIDGE_CLOCKOUT_GRACE_MINUTES ?? DEFAULT_WATCH_SETTINGS.clockOutGraceMinutes,
    confirmAt: e.SKYBRIDGE_CONFIRM_AT ?? DEFAULT_WATCH_SETTINGS.confirmAt,
    confirmDeadline: e.SKYBRIDGE_CONFIRM_DEADLINE ?? DEFAULT_WATCH_SETTINGS.confirmDeadline,
    notifyClientLate: e.SKYBRIDGE_NOTIFY_CLIENT_LATE ?? DEFAULT_WATCH_SETTINGS.notifyClientLate,
  };
  if (s.clockInEscalateMinutes <= s.clockInGraceMinutes)
    throw new RangeError(
      'SKYBRIDGE_CLOCKIN_ESCALATE_MINUTES must be later than SKYBRIDGE_CLOCKIN_GRACE_MINUTES (the text comes first)',
    );
  if (s.confirmDeadline <= s.confirmAt)
    throw new RangeError('SKYBRIDGE_CONFIRM_DEADLINE must be later in the day than SKYBRIDGE_CONFIRM_AT');
  return s;
}
