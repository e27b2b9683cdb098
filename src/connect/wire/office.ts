import { z } from 'zod';
import { IsoDate, Meta, WireId } from './common.ts';

const requesterEntry = z.union([
  z.object({ resourceType: z.enum(['Patient', 'Practitioner']), id: z.number().int() }),
  z.number().int(),
]);

/**
 * The Task-style body that `POST /v1/adminTasks/` accepts (facts §3.10). There is no priority field:
 * priority travels in the description.
 */
export const AdminTaskRequest = z.object({
  resourceType: z.literal('Task').optional(),
  status: z.literal('received'),
  description: z.string().min(1).max(5000),
  executionDate: IsoDate,
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:MM:SS'),
  requester: z.array(requesterEntry).min(1),
  owner: z.array(z.number().int()),
  meta: Meta,
});
export type AdminTaskRequest = z.infer<typeof AdminTaskRequest>;

export const AdminTask = z.looseObject({
  resourceType: z.string().optional(),
  id: WireId,
  status: z.string().optional(),
  description: z.string().optional(),
  executionDate: z.string().optional(),
  dueDate: z.string().optional(),
});
export type AdminTask = z.output<typeof AdminTask>;
export type AdminTaskWire = z.input<typeof AdminTask>;

export const DOCUMENT_MIME_TYPES = [
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/bmp',
] as const;

/** The request vendor support confirmed (facts §3.9): `content` an object, `ref` not `reference`. */
export const DocumentReferenceRequest = z.object({
  resourceType: z.literal('DocumentReference'),
  type: z.object({ text: z.string().min(1) }),
  content: z.object({
    attachment: z.object({
      contentType: z.enum(DOCUMENT_MIME_TYPES),
      data: z.string().min(1),
      title: z.string().min(1),
    }),
  }),
  context: z.object({
    related: z.array(z.object({ ref: z.string().regex(/^(Patient|Practitioner)\/\d+$/) })).min(1),
  }),
  meta: Meta,
});
export type DocumentReferenceRequest = z.infer<typeof DocumentReferenceRequest>;

export const DocumentReference = z.looseObject({
  resourceType: z.literal('DocumentReference'),
  id: WireId,
  type: z.looseObject({ text: z.string().optional() }).optional(),
  content: z.unknown().optional(),
  context: z.unknown().optional(),
});
export type DocumentReference = z.output<typeof DocumentReference>;
