import { z } from 'zod';
import { CompactDate, IsoDateTime, Position, Reference, WireId } from './common.ts';

/** One shift occurrence (facts §3.5). Recurring shifts reuse the original's id across dates. */
export const Appointment = z.looseObject({
  resourceType: z.literal('Appointment'),
  id: WireId,
  client: z.looseObject({ id: WireId, name: z.string().optional().nullable() }),
  caregiver: z.looseObject({ id: WireId, name: z.string().optional().nullable() }).nullable().optional(),
  start: IsoDateTime,
  end: IsoDateTime,
  status: z.string(),
  position: Position.optional().nullable(),
  scheduledItems: z
    .array(z.looseObject({ id: WireId, name: z.string() }))
    .optional()
    .nullable(),
  tasks: z
    .array(z.looseObject({ id: WireId, description: z.string(), status: z.string().optional().nullable() }))
    .optional()
    .nullable(),
});
export type Appointment = z.output<typeof Appointment>;
export type AppointmentWire = z.input<typeof Appointment>;

/** Appointment search filters (GET query or `_search` body). camelCase, unlike patients (facts §2.2). */
export const AppointmentSearch = z.object({
  caregiverId: WireId.optional(),
  clientId: WireId.optional(),
  startDate: CompactDate.optional(),
  additionalDays: z.coerce.number().int().min(0).max(6).optional(),
  weekNo: z
    .string()
    .regex(/^\d{6}$/, 'expected YYYYWW')
    .optional(),
  monthNo: z
    .string()
    .regex(/^\d{6}$/, 'expected YYYYMM')
    .optional(),
});
export type AppointmentSearch = z.input<typeof AppointmentSearch>;

const Individual = z.looseObject({ reference: z.string(), display: z.string().optional().nullable() });

/**
 * A visit (facts §3.6). `participant` is an object keyed "Individual" (non-standard); a standard FHIR
 * array is tolerated too.
 */
export const Encounter = z.looseObject({
  resourceType: z.literal('Encounter'),
  id: WireId,
  status: z.string().optional().nullable(),
  subject: Reference.optional().nullable(),
  participant: z
    .union([
      z.looseObject({ Individual: z.array(Individual).optional() }),
      z.array(z.looseObject({ individual: Individual.optional() })),
    ])
    .optional()
    .nullable(),
  appointment: z.looseObject({ reference: z.string() }).optional().nullable(),
  period: z
    .looseObject({ start: IsoDateTime.nullable().optional(), end: IsoDateTime.nullable().optional() })
    .optional()
    .nullable(),
  rates: z
    .looseObject({
      payRate: z
        .array(z.looseObject({ id: WireId.optional(), amount: z.number(), method: z.string() }))
        .optional(),
      billRate: z
        .array(z.looseObject({ id: WireId.optional(), amount: z.number(), method: z.string() }))
        .optional(),
    })
    .optional()
    .nullable(),
});
export type Encounter = z.output<typeof Encounter>;
export type EncounterWire = z.input<typeof Encounter>;

/** `POST /v1/encounter/_search/` body; dates are `YYYYMMDD` strings, one of the ids required. */
export const EncounterSearch = z.object({
  clientId: WireId.optional(),
  caregiverId: WireId.optional(),
  startDate: CompactDate,
  endDate: CompactDate,
});
export type EncounterSearch = z.input<typeof EncounterSearch>;

/** `POST /v1/encounter/{appointmentId}/clockin/` (facts §3.7). Position only when the caller has one. */
export const ClockInRequest = z.object({
  resourceType: z.literal('Encounter'),
  period: z.object({ start: IsoDateTime }),
  position: Position.optional(),
});
export type ClockInRequest = z.infer<typeof ClockInRequest>;

export const ClockInResponse = z.looseObject({
  clockedOut: z.boolean().optional(),
  id: WireId,
  period: z
    .looseObject({ start: IsoDateTime.nullable().optional(), end: IsoDateTime.nullable().optional() })
    .optional(),
  resourceType: z.string().optional(),
  status: z.string().optional(),
  success: z.boolean(),
});
export type ClockInResponse = z.output<typeof ClockInResponse>;
export type ClockInResponseWire = z.input<typeof ClockInResponse>;

/** `PUT /v1/encounter/{encounterId}/clockout/`. */
export const ClockOutRequest = z.object({
  resourceType: z.literal('Encounter'),
  period: z.object({ end: IsoDateTime }),
  position: Position.optional(),
  generalComment: z.string().max(1000).optional(),
  mileage: z.number().nonnegative().optional(),
  mileageDescription: z.string().optional(),
});
export type ClockOutRequest = z.infer<typeof ClockOutRequest>;

/** A shift note / care alert (facts §3.8). */
export const TaskLogRequest = z.object({
  resourceType: z.literal('TaskLog'),
  title: z.string(),
  description: z.string(),
  status: z.enum(['COMPLETE', 'NOT_COMPLETE']),
  comment: z.string().optional(),
  recorded: IsoDateTime,
  show_in_family_room: z.boolean(),
  message_for_next_caregiver: z.boolean().optional(),
});
export type TaskLogRequest = z.infer<typeof TaskLogRequest>;

export const TaskLogCreated = z.looseObject({
  success: z.boolean(),
  taskLogId: WireId.optional(),
  error: z.string().optional(),
});
export type TaskLogCreated = z.output<typeof TaskLogCreated>;
export type TaskLogCreatedWire = z.input<typeof TaskLogCreated>;

/** An entry of `GET …/tasklog/` (bare, documented with `total`). */
export const TaskLog = z.looseObject({
  id: WireId,
  title: z.string().optional().nullable(),
  description: z.string().optional().nullable(),
  status: z.string().optional().nullable(),
  comment: z.string().optional().nullable(),
  recorded: z.string().optional().nullable(),
});
export type TaskLog = z.output<typeof TaskLog>;
export type TaskLogWire = z.input<typeof TaskLog>;

/** `PUT /v1/encounter/{encounterId}/task/{taskId}/`; `comment` is required when NOT_COMPLETE. */
export const TaskStatusRequest = z
  .object({
    resourceType: z.literal('Task'),
    status: z.enum(['COMPLETE', 'NOT_COMPLETE']),
    comment: z.string().optional(),
  })
  .refine((t) => t.status === 'COMPLETE' || (t.comment ?? '').trim().length > 0, {
    message: 'comment is required when status is NOT_COMPLETE',
    path: ['comment'],
  });

/** ChargeItem search (facts §3.15): integers, unlike every other search. */
export const ChargeItemSearch = z.object({
  startDate: z.number().int(),
  endDate: z.number().int(),
  clientId: z.number().int().optional(),
  caregiverId: z.number().int().optional(),
});
export const ChargeItem = z.looseObject({
  resourceType: z.string().optional(),
  id: WireId,
  occurrencePeriod: z.looseObject({ start: z.string().optional(), end: z.string().optional() }).optional(),
  quantity: z.looseObject({ value: z.number() }).optional(),
  performer: z.array(z.looseObject({ reference: z.string() })).optional(),
  subject: z.looseObject({ reference: z.string() }).optional(),
});
export type ChargeItem = z.output<typeof ChargeItem>;
