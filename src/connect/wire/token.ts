import { z } from 'zod';

/** Body of `POST /oauth/accesstoken` (JSON or form-encoded; facts §1.2). */
export const TokenRequest = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

/**
 * The Apigee-style response (facts §1.3): counters are strings, `issued_at` is epoch seconds as a number,
 * `token_type` says "BearerToken" but the header must say "Bearer".
 */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number),
  issued_at: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
  client_id: z.string().optional(),
  scope: z.string().optional(),
  refresh_token_expires_in: z.string().optional(),
  refresh_count: z.string().optional(),
  status: z.string().optional(),
});
export type TokenResponse = z.output<typeof TokenResponse>;
export type TokenResponseWire = z.input<typeof TokenResponse>;
