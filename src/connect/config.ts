import { IANAZone } from 'luxon';
import { z } from 'zod';

export const PRODUCTION_HOST = 'https://connect.clearcareonline.com';
export const SANDBOX_HOST = 'https://connect-sandbox.clearcareonline.com';
/** Decommissioned: answers 404 for every path (facts §1.1 [V]). */
export const LEGACY_HOST = 'https://api.clearcareonline.com';

const baseUrl = z
  .string()
  .url('WELLSKY_BASE_URL must be a URL such as https://connect.clearcareonline.com')
  .transform((value) => value.replace(/\/+$/, ''))
  .refine((value) => !/\/v1$/i.test(value), {
    message:
      'WELLSKY_BASE_URL is the host only: drop the trailing /v1 (the client adds it; /v1/v1/ is a gateway 403)',
  });

const timezone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  message: 'WELLSKY_TIMEZONE must be an IANA time zone such as America/Denver',
});

/** The closed set of client settings; an unknown key is a mistake worth an error, not a silent default. */
export const ConnectConfigSchema = z
  .object({
    baseUrl: baseUrl.default(PRODUCTION_HOST),
    clientId: z.string().min(1, 'WELLSKY_CLIENT_ID is empty'),
    clientSecret: z.string().min(1, 'WELLSKY_CLIENT_SECRET is empty'),
    agencyId: z.string().regex(/^\d+$/, 'WELLSKY_AGENCY_ID must be the numeric agency id').optional(),
    timezone: timezone.default('America/Denver'),
    /** Requests per second this process allows itself; 90 % of the documented 100/s ceiling. */
    rateLimitPerSecond: z.number().positive().max(1000).default(90),
    timeoutMs: z.number().int().positive().default(30_000),
    maxRetries: z.number().int().min(0).max(10).default(4),
    /** Refresh the token this long before it expires (the source project used 5 minutes). */
    refreshAheadMs: z
      .number()
      .int()
      .nonnegative()
      .default(5 * 60_000),
  })
  .strict();

export type ConnectConfig = z.output<typeof ConnectConfigSchema>;
export type ConnectConfigInput = z.input<typeof ConnectConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `WELLSKY_*` variables; explicit options win over the environment. */
export function loadConnectConfig(
  options: Partial<ConnectConfigInput> = {},
  env: NodeJS.ProcessEnv = process.env,
): ConnectConfig {
  const fromEnv: Partial<ConnectConfigInput> = {};
  if (env.WELLSKY_BASE_URL) fromEnv.baseUrl = env.WELLSKY_BASE_URL;
  if (env.WELLSKY_CLIENT_ID) fromEnv.clientId = env.WELLSKY_CLIENT_ID;
  if (env.WELLSKY_CLIENT_SECRET) fromEnv.clientSecret = env.WELLSKY_CLIENT_SECRET;
  if (env.WELLSKY_AGENCY_ID) fromEnv.agencyId = env.WELLSKY_AGENCY_ID;
  if (env.WELLSKY_TIMEZONE) fromEnv.timezone = env.WELLSKY_TIMEZONE;
  if (env.WELLSKY_RATE_LIMIT) fromEnv.rateLimitPerSecond = Number(env.WELLSKY_RATE_LIMIT);
  const merged = { ...fromEnv, ...stripUndefined(options) };
  const parsed = ConnectConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key =
        issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'config');
      if (issue.code === 'invalid_type' && issue.input === undefined) return `${envName(key)} is not set`;
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(`WellSky configuration is incomplete or invalid: ${problems.join('; ')}`);
  }
  if (parsed.data.baseUrl.toLowerCase().startsWith(LEGACY_HOST)) {
    throw new ConfigError(
      `WELLSKY_BASE_URL points at ${LEGACY_HOST}, which WellSky decommissioned (404 for every path); use ${PRODUCTION_HOST}`,
    );
  }
  return parsed.data;
}

function envName(key: string): string {
  const names: Record<string, string> = {
    clientId: 'WELLSKY_CLIENT_ID',
    clientSecret: 'WELLSKY_CLIENT_SECRET',
    baseUrl: 'WELLSKY_BASE_URL',
    agencyId: 'WELLSKY_AGENCY_ID',
    timezone: 'WELLSKY_TIMEZONE',
  };
  return names[key] ?? key;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
