import { DateTime } from 'luxon';
import { z } from 'zod';
import { ITEM_KINDS, type ItemKind } from '../store/types.ts';
import { ADMIN_TASK_LIMIT, TASK_LOG_PART_LIMIT } from './bodies.ts';
import { sanitizeText } from './sanitize.ts';
import { parseAgencyTime } from './time.ts';

/** The longest note accepted: five task-log parts. Longer text is an error, never a silent cut. */
export const NOTE_TEXT_LIMIT = TASK_LOG_PART_LIMIT * 5 - 500;
/** Office tasks travel in one admin-task description with a title, priority and reference line. */
export const OFFICE_TEXT_LIMIT = ADMIN_TASK_LIMIT - 400;
export const TITLE_LIMIT = 200;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

const wellskyId = (what: string) =>
  z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^\d+$/, `${what} must be a numeric WellSky id`));

/** What a caller submits, from the CLI, HTTP or MCP. One schema; each interface maps its input to it. */
export const DocumentationRequest = z
  .object({
    kind: z.enum(ITEM_KINDS),
    clientId: wellskyId('the client id').optional(),
    caregiverId: wellskyId('the caregiver id').optional(),
    prospectId: wellskyId('the prospect id').optional(),
    appointmentId: wellskyId('the shift id').optional(),
    text: z.string().default(''),
    title: z.string().optional(),
    /** When it happened; default now. */
    at: z.string().optional(),
    /** Office tasks: when it is due. */
    due: z.string().optional(),
    priority: z.enum(PRIORITIES).optional(),
    /** Idempotency key; generated when absent. */
    key: z.string().trim().min(1).max(200).optional(),
    showInFamilyRoom: z.boolean().optional(),
    source: z.string().max(100).optional(),
  })
  .strict();
export type DocumentationRequest = z.input<typeof DocumentationRequest>;

export class IntakeError extends Error {
  override name = 'IntakeError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface AcceptedRequest {
  kind: ItemKind;
  clientId?: string | undefined;
  caregiverId?: string | undefined;
  prospectId?: string | undefined;
  appointmentId?: string | undefined;
  text: string;
  title?: string | undefined;
  occurredAt: DateTime;
  dueAt?: DateTime | undefined;
  priority?: Priority | undefined;
  key?: string | undefined;
  payload: Record<string, unknown>;
  source?: string | undefined;
  /** Characters replaced while sanitising, so the caller is told. */
  sanitized: number;
}

const SUBJECT: Record<ItemKind, { field: 'clientId' | 'caregiverId' | 'prospectId'; what: string } | null> = {
  'client-note': { field: 'clientId', what: 'a client note needs the client (--client ID)' },
  'caregiver-note': { field: 'caregiverId', what: 'a caregiver note needs the caregiver (--caregiver ID)' },
  'prospect-note': { field: 'prospectId', what: 'a prospect note needs the prospect (--prospect ID)' },
  'call-out': {
    field: 'caregiverId',
    what: 'a call-out needs the caregiver who called out (--caregiver ID)',
  },
  'office-task': null,
  document: null,
};

/**
 * Validates and normalises a request before anything is stored: a clear error names the field and
 * what to do; nothing partial is ever written.
 */
export function acceptRequest(raw: unknown, options: { timezone: string; now: DateTime }): AcceptedRequest {
  const parsed = DocumentationRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field =
      issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'request');
    throw new IntakeError(`${field}: ${issue.message}`, field);
  }
  const request = parsed.data;
  if (request.kind === 'document') {
    throw new IntakeError('documents are uploaded with POST /api/v1/documents (they carry a file)', 'kind');
  }
  const subject = SUBJECT[request.kind];
  if (subject && !request[subject.field]) throw new IntakeError(subject.what, subject.field);

  const { text, replaced } = sanitizeText(request.text);
  const title = request.title === undefined ? undefined : sanitizeText(request.title);
  if (request.kind === 'office-task') {
    if (!title?.text) throw new IntakeError('an office task needs a title (--title)', 'title');
  } else if (text === '') {
    throw new IntakeError('the text is empty (after removing control characters and spaces)', 'text');
  }
  if (title && title.text.length > TITLE_LIMIT) {
    throw new IntakeError(`the title is ${title.text.length} characters; at most ${TITLE_LIMIT}`, 'title');
  }
  const limit =
    request.kind === 'office-task' || request.kind === 'call-out' ? OFFICE_TEXT_LIMIT : NOTE_TEXT_LIMIT;
  if (text.length > limit) {
    throw new IntakeError(
      `the text is ${text.length} characters; at most ${limit} for a ${request.kind}`,
      'text',
    );
  }

  const occurredAt = request.at === undefined ? options.now : parseAgencyTime(request.at, options.timezone);
  if (!DateTime.isDateTime(occurredAt)) throw new IntakeError(`at: ${occurredAt.error}`, 'at');
  if (occurredAt > options.now.plus({ minutes: 10 })) {
    throw new IntakeError('at: the time is in the future; a note records what already happened', 'at');
  }
  if (occurredAt < options.now.minus({ years: 2 })) {
    throw new IntakeError('at: the time is more than two years ago; check the date', 'at');
  }
  let dueAt: DateTime | undefined;
  if (request.due !== undefined) {
    const due = /^\d{4}-\d{2}-\d{2}$/.test(request.due.trim())
      ? parseAgencyTime(`${request.due.trim()}T17:00`, options.timezone)
      : parseAgencyTime(request.due, options.timezone);
    if (!DateTime.isDateTime(due)) throw new IntakeError(`due: ${due.error}`, 'due');
    dueAt = due;
  }

  const payload: Record<string, unknown> = {};
  if (request.showInFamilyRoom) payload.showInFamilyRoom = true;
  return {
    kind: request.kind,
    clientId: request.clientId,
    caregiverId: request.caregiverId,
    prospectId: request.prospectId,
    appointmentId: request.appointmentId,
    text,
    title: title?.text || undefined,
    occurredAt,
    dueAt,
    priority: request.priority,
    key: request.key,
    payload,
    source: request.source,
    sanitized: replaced + (title?.replaced ?? 0),
  };
}
