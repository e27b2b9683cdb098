import { z } from 'zod';
import { IsoDateTime, WireId } from './common.ts';

// Added with the simulator: write bodies the facts describe but no schema covered yet.

const BILL_METHODS = ['Hourly', 'perVisit', 'liveIn', 'notBillable'] as const;
const PAY_METHODS = ['Hourly', 'perVisit', 'liveIn', 'notPayable'] as const;

/**
 * `POST /v1/encounter/` — a flat body, not FHIR (facts §3.6 [D]). `agencyId` is a top-level string.
 */
export const EncounterCreateRequest = z.object({
  resourceType: z.literal('Encounter'),
  agencyId: z.string().min(1),
  status: z.string().min(1),
  patientId: WireId,
  practitionerId: WireId,
  startDateTime: IsoDateTime,
  endDateTime: IsoDateTime,
  billRateMethod: z.enum(BILL_METHODS),
  billRateId: WireId.optional(),
  payRateMethod: z.enum(PAY_METHODS),
  payRateId: WireId.optional(),
});
export type EncounterCreateRequest = z.infer<typeof EncounterCreateRequest>;

/** `PUT /v1/encounter/{id}/` — the same flat fields, all optional (facts §3.6 [D]). */
export const EncounterUpdateRequest = EncounterCreateRequest.partial().extend({
  resourceType: z.literal('Encounter'),
});
export type EncounterUpdateRequest = z.infer<typeof EncounterUpdateRequest>;
