import { z } from 'zod';
import {
  Address,
  CodeableConcept,
  Communication,
  ContactPoint,
  Extension,
  HumanName,
  Meta,
  WireId,
} from './common.ts';

const person = {
  id: WireId,
  active: z.boolean().optional().nullable(),
  name: z.array(HumanName).optional().nullable(),
  telecom: z.array(ContactPoint).optional().nullable(),
  address: z.array(Address).optional().nullable(),
  gender: z.string().optional().nullable(),
  birthDate: z.string().optional().nullable(),
  communication: z.array(Communication).optional().nullable(),
  meta: Meta.optional().nullable(),
  extension: z.array(Extension).optional().nullable(),
};

/**
 * A caregiver or applicant (facts §3.3). Meta tags: `isHired` ("true"/"false"), `status` ("10"…"110"),
 * `agencyId`, `locationId`, `profileTags` (comma-separated tag ids), `deactivationReason`, and the
 * simulator's `created`/`updated` ISO datetimes.
 */
export const Practitioner = z.looseObject({ resourceType: z.literal('Practitioner'), ...person });
export type Practitioner = z.output<typeof Practitioner>;
export type PractitionerWire = z.input<typeof Practitioner>;

/**
 * A client, prospect or referral contact (facts §3.4). `isClient` is the reliable client marker; the
 * `status` tag may read "None". `maritalStatus` is an array (non-standard).
 */
export const Patient = z.looseObject({
  resourceType: z.literal('Patient'),
  ...person,
  maritalStatus: z.array(CodeableConcept).optional().nullable(),
});
export type Patient = z.output<typeof Patient>;
export type PatientWire = z.input<typeof Patient>;

/** Family, emergency contact, POA, payer (facts §3.12). `relationship` is an object, not an array. */
export const RelatedPerson = z.looseObject({
  resourceType: z.literal('RelatedPerson'),
  id: WireId,
  patient: z.looseObject({ reference: z.string() }).optional().nullable(),
  name: z.array(HumanName).optional().nullable(),
  relationship: z
    .union([CodeableConcept, z.array(CodeableConcept)])
    .optional()
    .nullable(),
  telecom: z.array(ContactPoint).optional().nullable(),
  address: z.array(Address).optional().nullable(),
  emergencyContact: z.boolean().optional().nullable(),
  primaryContact: z.boolean().optional().nullable(),
  payer: z.boolean().optional().nullable(),
  poa: z.boolean().optional().nullable(),
});
export type RelatedPerson = z.output<typeof RelatedPerson>;
export type RelatedPersonWire = z.input<typeof RelatedPerson>;

/** Create/update answers for patients, practitioners and most other writes: `{resourceType, id}`. */
export const CreatedRef = z.looseObject({ resourceType: z.string().optional(), id: WireId });
export type CreatedRef = z.output<typeof CreatedRef>;
