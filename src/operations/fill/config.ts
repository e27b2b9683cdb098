import { z } from 'zod';

/** How a fill campaign runs. Defaults in code; every key overridable by a `SKYBRIDGE_FILL_*` variable. */
export interface FillConfig {
  /** Start a campaign when a call-out leaves a shift open (`SKYBRIDGE_AUTO_FILL`). */
  autoFill: boolean;
  /** Offers per wave; the last wave goes to everyone eligible left (up to `maxOffers`). */
  firstWave: number;
  secondWave: number;
  /** Minutes from one wave to the next, before shrinking as the start nears. */
  waveGapsMinutes: [number, number];
  /** Never closer than this, however near the start. */
  minGapMinutes: number;
  /** Unfilled this long before the start: escalate to a person. */
  escalateBeforeMinutes: number;
  /** Everyone eligible means at most this many offers in one campaign. */
  maxOffers: number;
  /** Offers for a shift starting within this many hours ignore quiet hours (never opt-outs). */
  urgentWithinHours: number;
  /** How long an acceptance or wave step holds its campaign before another worker may take over. */
  leaseSeconds: number;
  /** How often the service calls `advance` (the engine itself never sleeps). */
  tickSeconds: number;
  /** A reply to an offer closed this recently is the fill's (answered "already taken"); later ones go to the
   *  next handler (the watch's confirmations also take YES). */
  lateReplyHours: number;
}

export const DEFAULT_FILL: Readonly<FillConfig> = {
  autoFill: true,
  firstWave: 5,
  secondWave: 10,
  waveGapsMinutes: [10, 20],
  minGapMinutes: 2,
  escalateBeforeMinutes: 120,
  maxOffers: 200,
  urgentWithinHours: 12,
  leaseSeconds: 60,
  tickSeconds: 20,
  lateReplyHours: 3,
};

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .enum(['true', 'false', '1', '0', 'on', 'off'])
  .transform((v) => ['true', '1', 'on'].includes(v));

/** Each variable with its parser: one table, so the README and the parser cannot drift apart. */
export const FILL_ENV = {
  SKYBRIDGE_AUTO_FILL: ['autoFill', flag],
  SKYBRIDGE_FILL_FIRST_WAVE: ['firstWave', count(1, 100)],
  SKYBRIDGE_FILL_SECOND_WAVE: ['secondWave', count(0, 200)],
  SKYBRIDGE_FILL_SECOND_WAVE_AFTER_MINUTES: ['gap0', count(1, 1440)],
  SKYBRIDGE_FILL_LAST_WAVE_AFTER_MINUTES: ['gap1', count(1, 1440)],
  SKYBRIDGE_FILL_MIN_GAP_MINUTES: ['minGapMinutes', count(1, 120)],
  SKYBRIDGE_FILL_ESCALATE_BEFORE_MINUTES: ['escalateBeforeMinutes', count(0, 10_080)],
  SKYBRIDGE_FILL_MAX_OFFERS: ['maxOffers', count(1, 200)],
  SKYBRIDGE_FILL_URGENT_WITHIN_HOURS: ['urgentWithinHours', count(0, 168)],
  SKYBRIDGE_FILL_TICK_SECONDS: ['tickSeconds', count(5, 600)],
} as const;

/** The configuration from the environment; a bad value throws naming the variable and what it takes. */
export function fillConfig(env: NodeJS.ProcessEnv, base: FillConfig = DEFAULT_FILL): FillConfig {
  const out: FillConfig = { ...base, waveGapsMinutes: [...base.waveGapsMinutes] };
  for (const [name, [key, schema]] of Object.entries(FILL_ENV)) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      throw new Error(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    if (key === 'gap0') out.waveGapsMinutes[0] = parsed.data as number;
    else if (key === 'gap1') out.waveGapsMinutes[1] = parsed.data as number;
    else (out as unknown as Record<string, unknown>)[key] = parsed.data;
  }
  return out;
}
