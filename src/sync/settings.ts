import { z } from 'zod';
import { DEFAULT_SETTINGS, type SyncSettings } from './engine.ts';

const days = z.coerce.number().int().min(0).max(366);

/** `SKYBRIDGE_SYNC_*` variables → sync settings; a bad value names its variable. */
const EnvSettings = z.object({
  SKYBRIDGE_SYNC_PAST_DAYS: days.optional(),
  SKYBRIDGE_SYNC_FUTURE_DAYS: days.optional(),
  SKYBRIDGE_SYNC_NEAR_PAST_DAYS: days.optional(),
  SKYBRIDGE_SYNC_NEAR_FUTURE_DAYS: days.optional(),
  SKYBRIDGE_SYNC_FULL_WINDOW_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 31)
    .optional(),
  SKYBRIDGE_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
});

export function settingsFromEnv(env: NodeJS.ProcessEnv): SyncSettings {
  const picked = Object.fromEntries(
    Object.keys(EnvSettings.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])),
  );
  const parsed = EnvSettings.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    ...DEFAULT_SETTINGS,
    pastDays: e.SKYBRIDGE_SYNC_PAST_DAYS ?? DEFAULT_SETTINGS.pastDays,
    futureDays: e.SKYBRIDGE_SYNC_FUTURE_DAYS ?? DEFAULT_SETTINGS.futureDays,
    nearPastDays: e.SKYBRIDGE_SYNC_NEAR_PAST_DAYS ?? DEFAULT_SETTINGS.nearPastDays,
    nearFutureDays: e.SKYBRIDGE_SYNC_NEAR_FUTURE_DAYS ?? DEFAULT_SETTINGS.nearFutureDays,
    fullShiftWindowEveryHours:
      e.SKYBRIDGE_SYNC_FULL_WINDOW_HOURS ?? DEFAULT_SETTINGS.fullShiftWindowEveryHours,
    concurrency: e.SKYBRIDGE_SYNC_CONCURRENCY ?? DEFAULT_SETTINGS.concurrency,
  };
}
