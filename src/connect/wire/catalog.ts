import { z } from 'zod';
import { Address, ContactPoint, Meta, WireId } from './common.ts';

/** A skill, certification or language tag (facts §3.14). */
export const ProfileTag = z.looseObject({
  resourceType: z.string().optional(),
  id: WireId,
  name: z.string(),
  description: z.string().optional().nullable(),
  type: z.string().optional().nullable(),
});
export type ProfileTag = z.output<typeof ProfileTag>;
export type ProfileTagWire = z.input<typeof ProfileTag>;

export const ProfileTagRequest = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  type: z.string().min(1),
});

/**
 * One ADL/IADL definition from `GET /v1/careplan/activity-metadata/` (facts §3.13). The facts record only
 * "activity definitions with ids"; this shape (id, name, activityType) is the simulator's reading.
 */
export const ActivityDefinition = z.looseObject({
  id: WireId,
  name: z.string(),
  activityType: z.enum(['ADL', 'IADL']).optional(),
});
export type ActivityDefinition = z.output<typeof ActivityDefinition>;

/** `POST /v1/careplan/activity/{patientId}/`: the activity id travels in `coding[].display`. */
export const CarePlanActivityRequest = z.object({
  resourceType: z.literal('CarePlan'),
  status: z.string().optional(),
  activity: z
    .array(
      z.object({
        detail: z.object({
          code: z.object({
            coding: z
              .array(z.object({ code: z.literal('activityId'), display: z.string().regex(/^\d+$/) }))
              .min(1),
          }),
          description: z.string().optional(),
          status: z.enum(['scheduled', 'not-started', 'in-progress', 'completed']),
        }),
      }),
    )
    .min(1),
});
export type CarePlanActivityRequest = z.infer<typeof CarePlanActivityRequest>;

export const Location = z.looseObject({
  resourceType: z.literal('Location').optional(),
  id: WireId,
  name: z.string().optional().nullable(),
  address: z
    .union([Address, z.array(Address)])
    .optional()
    .nullable(),
  telecom: z.array(ContactPoint).optional().nullable(),
});
export type Location = z.output<typeof Location>;

export const Organization = z.looseObject({
  resourceType: z.literal('Organization').optional(),
  id: WireId,
  name: z.string().optional().nullable(),
  subdomain: z.string().optional().nullable(),
  address: z
    .union([Address, z.array(Address)])
    .optional()
    .nullable(),
});
export type Organization = z.output<typeof Organization>;

export const SUBSCRIPTION_CRITERIA = [
  'admintask.created',
  'admintask.changed',
  'admintask.status.changed',
  'admintask.status.complete',
  'agency_admin.created',
  'agency_admin.deactivated.changed',
  'encounter.clockout.changed',
  'patient.created',
  'patient.name.changed',
  'patient.address.changed',
  'patient.telecom.changed',
  'patient.deactivated.changed',
  'patient.dateofdeath.changed',
  'prospect.status.changed',
  'practitioner.created',
  'practitioner.name.changed',
  'practitioner.address.changed',
  'practitioner.telecom.changed',
  'practitioner.deactivated.changed',
  'applicant.status.changed',
  'referralsources.created',
  'referralsources.changed',
] as const;
export type SubscriptionCriteria = (typeof SUBSCRIPTION_CRITERIA)[number];

/** Webhook subscription (facts §3.11). `channel.header` holds "Name: value" strings sent on delivery. */
export const SubscriptionRequest = z.object({
  resourceType: z.literal('Subscription'),
  status: z.enum(['active', 'off', 'requested', 'error']),
  criteria: z.enum(SUBSCRIPTION_CRITERIA),
  reason: z.string().optional(),
  channel: z.object({
    type: z.literal('rest-hook'),
    endpoint: z.string().url(),
    payload: z.string().optional(),
    header: z.array(z.string().regex(/^[^:\r\n]+:[^\r\n]*$/, 'expected "Name: value"')).optional(),
  }),
  meta: Meta.optional(),
});
export type SubscriptionRequest = z.infer<typeof SubscriptionRequest>;

export const Subscription = z.looseObject({
  resourceType: z.literal('Subscription'),
  id: WireId,
  status: z.string().optional(),
  criteria: z.string().optional(),
  reason: z.string().optional().nullable(),
  channel: z
    .looseObject({
      type: z.string().optional(),
      endpoint: z.string().optional(),
      header: z.array(z.string()).optional(),
    })
    .optional(),
});
export type Subscription = z.output<typeof Subscription>;
export type SubscriptionWire = z.input<typeof Subscription>;

/** What WellSky POSTs to a subscriber: a thin notification with a numeric id. */
export const WebhookNotification = z.object({
  resourceType: z.string().min(1),
  id: WireId,
});
export type WebhookNotification = z.output<typeof WebhookNotification>;
