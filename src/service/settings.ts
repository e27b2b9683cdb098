import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Requests a minute one key (or, without a key, one address) may make: generous, so that it stops a
 * runaway loop rather than a busy assistant (`npm run bench` sends 1,000 identify requests a second).
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60_000;

const Size = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, `${name} must be a whole number`))
    .transform(Number)
    .pipe(z.number().int().min(1, `${name} must be at least 1`).max(20_000, `${name} must be at most 20000`));

/** The service's environment, checked once at start; a bad value stops it with the variable's name. */
const ServiceEnv = z.object({
  PORT: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '8787' : v.trim()))
    .pipe(z.string().regex(/^\d+$/, 'PORT must be a port number'))
    .transform(Number)
    .pipe(z.number().int().min(0).max(65_535, 'PORT must be at most 65535')),
  HOST: z
    .string()
    .optional()
    .transform((v) => v?.trim() || '127.0.0.1'),
  SKYBRIDGE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .pipe(z.string().min(16, 'SKYBRIDGE_WEBHOOK_SECRET must be at least 16 characters').optional()),
  SKYBRIDGE_DEMO_CAREGIVERS: Size('SKYBRIDGE_DEMO_CAREGIVERS', 50),
  SKYBRIDGE_DEMO_CLIENTS: Size('SKYBRIDGE_DEMO_CLIENTS', 120),
  SKYBRIDGE_DEMO_SHIFT_WRITES: z
    .string()
    .optional()
    .transform((v) => v?.trim().toLowerCase() || 'on')
    .pipe(
      z.enum(['on', 'off'], {
        error:
          'SKYBRIDGE_DEMO_SHIFT_WRITES must be on (the demo agency may assign shifts) or off (as recorded)',
      }),
    ),
  SKYBRIDGE_RATE_LIMIT: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(DEFAULT_RATE_LIMIT_PER_MINUTE) : v.trim()))
    .pipe(
      z.string().regex(/^\d+$/, 'SKYBRIDGE_RATE_LIMIT must be a whole number of requests a minute (0: off)'),
    )
    .transform(Number),
  SKYBRIDGE_DATA_DIR: z
    .string()
    .optional()
    .transform((v) => resolve(v?.trim() || './.skybridge')),
});

export interface ServiceSettings {
  port: number;
  host: string;
  webhookSecret: string | undefined;
  /**
   * The demo agency. `permissions.appointmentsWrite`: the recorded agency (feb-2026) was refused shift
   * writes; the demo grants them by default so a fill ends with the assignment in (simulated) WellSky, as
   * it does for an agency that asked WellSky for `shifts.write`.
   */
  demo: { caregivers: number; clients: number; permissions: { appointmentsWrite: boolean } };
  dataDir: string;
  /** Requests a minute per API key (per address without one); 0 = no limit. */
  rateLimitPerMinute: number;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function serviceSettings(env: NodeJS.ProcessEnv): ServiceSettings {
  const parsed = ServiceEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingsError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const s = parsed.data;
  return {
    port: s.PORT,
    host: s.HOST,
    webhookSecret: s.SKYBRIDGE_WEBHOOK_SECRET,
    demo: {
      caregivers: s.SKYBRIDGE_DEMO_CAREGIVERS,
      clients: s.SKYBRIDGE_DEMO_CLIENTS,
      permissions: { appointmentsWrite: s.SKYBRIDGE_DEMO_SHIFT_WRITES === 'on' },
    },
    dataDir: s.SKYBRIDGE_DATA_DIR,
    rateLimitPerMinute: s.SKYBRIDGE_RATE_LIMIT,
  };
}
