import { z } from 'zod';

/**
 * IDs are numeric, but their JSON type varies by endpoint (facts §2.9): strings in resource bodies,
 * numbers from clock-in, subscriptions and webhooks. Accept both on the wire; callers always see a string.
 */
export const WireId = z
  .union([z.string().regex(/^\d+$/, 'expected a numeric id'), z.number().int().nonnegative()])
  .transform(String);
export type WireIdInput = z.input<typeof WireId>;

/** "true"/"false" as WellSky writes booleans in tags and `_search` bodies; real booleans are tolerated. */
export const StringBoolean = z
  .union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])])
  .transform((v) => (typeof v === 'boolean' ? v : v.toLowerCase() === 'true'));

export const Coding = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
});
export type Coding = z.infer<typeof Coding>;

export const CodeableConcept = z.looseObject({
  coding: z.array(Coding).optional(),
  text: z.string().optional(),
});

export const HumanName = z.looseObject({
  use: z.string().optional(),
  family: z.string().optional().nullable(),
  given: z.array(z.string()).optional().nullable(),
  text: z.string().optional().nullable(),
});
export type HumanName = z.infer<typeof HumanName>;

export const ContactPoint = z.looseObject({
  system: z.string().optional(),
  value: z.string().optional().nullable(),
  use: z.string().optional().nullable(),
});
export type ContactPoint = z.infer<typeof ContactPoint>;

/** Standard FHIR geolocation extension; WellSky's facts do not show coordinates on addresses (an assumption). */
export const GEOLOCATION_URL = 'http://hl7.org/fhir/StructureDefinition/geolocation';

export const Extension: z.ZodType<Extension> = z.lazy(() =>
  z.looseObject({
    url: z.string(),
    valueDate: z.string().optional(),
    valueDateTime: z.string().optional(),
    valueDecimal: z.number().optional(),
    valueString: z.string().optional(),
    extension: z.array(Extension).optional(),
  }),
);
export interface Extension {
  url: string;
  valueDate?: string | undefined;
  valueDateTime?: string | undefined;
  valueDecimal?: number | undefined;
  valueString?: string | undefined;
  extension?: Extension[] | undefined;
  [key: string]: unknown;
}

export const Address = z.looseObject({
  use: z.string().optional().nullable(),
  line: z.array(z.string()).optional().nullable(),
  city: z.string().optional().nullable(),
  state: z.string().optional().nullable(),
  postalCode: z.string().optional().nullable(),
  country: z.string().optional().nullable(),
  extension: z.array(Extension).optional(),
});
export type Address = z.infer<typeof Address>;

/** `display` is always a string on the wire, even for booleans, numbers and lists (facts §3.2). */
export const MetaTag = z.looseObject({
  code: z.string(),
  display: z.string().nullable().optional(),
});
export type MetaTag = z.infer<typeof MetaTag>;

export const Meta = z.looseObject({
  tag: z.array(MetaTag).optional(),
  lastUpdated: z.string().optional(),
});
export type Meta = z.infer<typeof Meta>;

/** WellSky puts `coding` directly on the entry; standard FHIR nests it under `language`. Parse both. */
export const Communication = z.looseObject({
  coding: z.array(Coding).optional(),
  language: CodeableConcept.optional(),
  preferred: z.boolean().optional(),
});
export type Communication = z.infer<typeof Communication>;

export const Reference = z.looseObject({
  reference: z.string(),
  display: z.string().optional().nullable(),
});

export const Position = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
export type Position = z.infer<typeof Position>;

/** ISO 8601 datetime with optional offset or Z, as WellSky writes and accepts it (facts §2.5). */
export const IsoDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/,
    'expected an ISO 8601 datetime such as 2026-02-05T08:00:00+00:00',
  );
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-02-05');
/** `YYYYMMDD`, the compact form appointment and encounter searches use. */
export const CompactDate = z.string().regex(/^\d{8}$/, 'expected a date such as 20260205');

export const AgencyTag = (agencyId: string) => ({ tag: [{ code: 'agencyId', display: agencyId }] });

/** The first tag with this code, as the string WellSky sent. */
export function tagValue(meta: Meta | undefined | null, code: string): string | undefined {
  const tag = meta?.tag?.find((t) => t.code === code);
  return tag?.display ?? undefined;
}

/** Gateway and application error bodies: `{message}`, `{Message}` or `{error}` (facts §4.1). */
export const ErrorBody = z.looseObject({
  message: z.string().optional(),
  Message: z.string().optional(),
  error: z.string().optional(),
  success: z.boolean().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Action endpoints answer with a success flag rather than a resource (facts §4.1 #15). */
export const SuccessFlag = z.looseObject({ success: z.boolean(), error: z.string().optional() });
