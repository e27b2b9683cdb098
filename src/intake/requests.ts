import { createHash } from 'node:crypto';
import { z } from 'zod';
import { normalizePhone } from '../lib/phone.ts';
import { IntakeRequestError } from './errors.ts';
import { refuseSocialSecurityNumbers } from './sensitive.ts';

const Name = z.string().trim().min(1, 'is empty').max(100);
const Phone = z
  .object({
    use: z.enum(['mobile', 'home', 'work']),
    number: z.string().trim().min(1).max(40),
  })
  .strict();
const Address = z
  .object({
    line: z.string().trim().min(1).max(200),
    city: z.string().trim().min(1).max(100),
    state: z.string().trim().min(2).max(40),
    postalCode: z
      .string()
      .trim()
      .regex(/^\d{5}(-\d{4})?$/, 'must be a US ZIP code such as 80202'),
  })
  .strict();
const BirthDate = z.iso.date('must be a date such as 1948-07-02');

const person = {
  givenName: Name,
  familyName: Name,
  phones: z.array(Phone).max(5),
  email: z.email('must be an e-mail address').max(200).optional(),
  address: Address.optional(),
  stage: z.string().trim().min(1).max(100),
  birthDate: BirthDate.optional(),
  notes: z.string().trim().max(2000).optional(),
};

/** A deal from the sales CRM (issue #12). */
export const ProspectRequest = z
  .object({
    ...person,
    payer: z.string().trim().min(1).max(100).optional(),
    referralSource: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** A lead from recruiting. Skills and languages become WellSky profile tags. */
export const ApplicantRequest = z
  .object({
    ...person,
    gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
    hireDate: z.iso.date('must be a date such as 2026-03-02').optional(),
    skills: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
    languages: z.array(z.string().trim().min(1).max(60)).max(10).optional(),
  })
  .strict();

export type ProspectInput = z.input<typeof ProspectRequest>;
export type ApplicantInput = z.input<typeof ApplicantRequest>;

export interface NormalizedPhoneEntry {
  use: 'mobile' | 'home' | 'work';
  digits: string;
  extension?: string | undefined;
}

/** A validated request: phones as WellSky stores them, e-mail lowercased, stage as typed. */
export interface PersonRequest {
  givenName: string;
  familyName: string;
  phones: NormalizedPhoneEntry[];
  email?: string | undefined;
  address?: z.output<typeof Address> | undefined;
  stage: string;
  birthDate?: string | undefined;
  notes?: string | undefined;
  payer?: string | undefined;
  referralSource?: string | undefined;
  gender?: string | undefined;
  hireDate?: string | undefined;
  skills?: string[] | undefined;
  languages?: string[] | undefined;
}

export const IntakeKey = z.object({
  source: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
      'must be a short name such as "hubspot" (letters, digits, . _ -)',
    ),
  externalId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be the id in that system (letters, digits, . _ : -)'),
});

/**
 * Parses a prospect or applicant request. A Social Security number anywhere is refused first; then the
 * first problem is reported with its field and what to do. Nothing has been stored when this throws.
 */
export function parsePersonRequest(kind: 'prospect' | 'applicant', raw: unknown): PersonRequest {
  refuseSocialSecurityNumbers(raw);
  const schema = kind === 'prospect' ? ProspectRequest : ApplicantRequest;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field =
      issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
    const message =
      issue.code === 'unrecognized_keys' ? `not a ${kind} field (${issue.keys.join(', ')})` : issue.message;
    throw new IntakeRequestError(`${field}: ${message}`, field, 400);
  }
  const data = parsed.data as z.output<typeof ApplicantRequest> & z.output<typeof ProspectRequest>;
  const phones: NormalizedPhoneEntry[] = [];
  for (const [index, phone] of data.phones.entries()) {
    const normalized = normalizePhone(phone.number);
    if (!normalized) {
      throw new IntakeRequestError(
        `phones.${index}.number: not a US phone number (10 digits, area code first; "+1 (303) 555-0100" is fine)`,
        `phones.${index}.number`,
        400,
      );
    }
    if (phones.some((p) => p.digits === normalized.digits && p.use === phone.use)) continue;
    phones.push({ use: phone.use, ...normalized });
  }
  return {
    ...data,
    phones,
    ...(data.email ? { email: data.email.toLowerCase() } : {}),
    ...(data.skills ? { skills: unique(data.skills) } : {}),
    ...(data.languages ? { languages: unique(data.languages) } : {}),
  };
}

function unique(values: string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) if (!seen.has(value.toLowerCase())) seen.set(value.toLowerCase(), value);
  return [...seen.values()];
}

/** Same request, same hash, whatever the key order or phone formatting it arrived with. */
export function requestHash(request: PersonRequest): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Crockford base32, as documentation markers use: survives being read aloud or retyped from WellSky.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The marker a created record carries in its `externalId` tag: derived from (source, external id), so
 * it can be found again even if the local row were lost.
 */
export function markerFor(source: string, externalId: string): string {
  const digest = createHash('sha256').update(`${source.toLowerCase()}\u0000${externalId}`).digest();
  let out = '';
  for (const byte of digest.subarray(0, 12)) out += ALPHABET[byte & 31];
  return `SBI-${out}`;
}
