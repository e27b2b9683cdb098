import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DOCUMENT_MIME_TYPES } from '../connect/wire/office.ts';
import type { DocumentContents } from '../documentation/documents.ts';
import { type ItemView, viewOf } from '../documentation/view.ts';
import type { DeliveryWorker } from '../documentation/worker.ts';
import type { DocumentationRepo } from '../store/documentation-repo.ts';
import type { Store } from '../store/index.ts';
import { IntakeRequestError } from './errors.ts';
import { refuseSocialSecurityNumbers } from './sensitive.ts';

/** WellSky's documented limit (facts §2.6, §3.9). */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

const wellskyId = z.string().regex(/^\d+$/, 'must be a numeric WellSky id');

/**
 * A document for a client's, prospect's or caregiver's profile. The file travels base64-encoded in the
 * JSON body (`data`), as WellSky itself takes it.
 */
export const DocumentRequest = z
  .object({
    clientId: wellskyId.optional(),
    prospectId: wellskyId.optional(),
    caregiverId: wellskyId.optional(),
    title: z.string().trim().min(1).max(200),
    /** WellSky's document type text, e.g. "General", "Intake form", "Referral". */
    type: z.string().trim().min(1).max(100).default('General'),
    contentType: z.enum(DOCUMENT_MIME_TYPES),
    filename: z.string().trim().min(1).max(200).optional(),
    data: z.string().min(1, 'is empty'),
    /** Idempotency key; default: the file's hash and the person, so the same file twice is one document. */
    key: z.string().trim().min(1).max(200).optional(),
    source: z.string().trim().max(100).optional(),
  })
  .strict();
export type DocumentRequest = z.input<typeof DocumentRequest>;

export interface DocumentOutcomeView {
  item: ItemView;
  /** False when this document (key) was already known: the existing item, unchanged. */
  created: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const EXTENSIONS: Record<string, string> = {
  'text/plain': 'txt',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

/**
 * Documents enter the documentation pipeline as `document` items: the bytes are stored first (beside
 * the item, keyed by its idempotency key), then the item; the worker uploads it, or holds it with
 * WellSky's real reason, and replays it once uploads work.
 */
export class DocumentIntake {
  constructor(
    private readonly o: {
      store: Store;
      repo: DocumentationRepo;
      worker: DeliveryWorker | undefined;
      now?: () => Date;
    },
  ) {}

  async submit(raw: unknown, options: { waitMs?: number } = {}): Promise<DocumentOutcomeView> {
    if (raw && typeof raw === 'object') {
      const { data: _bytes, ...meta } = raw as Record<string, unknown>;
      refuseSocialSecurityNumbers(meta);
    }
    const parsed = DocumentRequest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field =
        issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
      throw new IntakeRequestError(`${field}: ${issue.message}`, field, 400);
    }
    const request = parsed.data;
    const subjects = [request.clientId, request.prospectId, request.caregiverId].filter(Boolean);
    if (subjects.length !== 1) {
      throw new IntakeRequestError(
        'name exactly one of clientId, prospectId or caregiverId',
        'clientId',
        400,
      );
    }
    const bytes = decode(request.data);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = request.key ?? `document:${sha256}:${subjects[0]}`;
    const existing = await this.o.repo.getByKey(key);
    if (existing) return { item: viewOf(existing), created: false };
    const filename =
      request.filename ?? `${request.title.replace(/[^\w.-]+/g, '-')}.${EXTENSIONS[request.contentType]}`;
    const now = this.o.now?.() ?? new Date();
    // The bytes first: an item is never visible without its content.
    await this.o.store.db
      .insertInto('intake_documents')
      .values({
        idempotency_key: key,
        content_type: request.contentType,
        filename,
        size_bytes: bytes.length,
        sha256,
        data: request.data.replace(/\s+/g, ''),
        created_at: now,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
    const { item, created } = await this.o.repo.submit({
      idempotencyKey: key,
      kind: 'document',
      occurredAt: now,
      text: '',
      title: request.title,
      source: request.source ?? null,
      clientId: request.clientId ?? null,
      prospectId: request.prospectId ?? null,
      caregiverId: request.caregiverId ?? null,
      payload: {
        documentType: request.type,
        contentType: request.contentType,
        filename,
        sizeBytes: bytes.length,
        sha256,
      },
    });
    let current = item;
    const worker = this.o.worker;
    if (created && worker && (options.waitMs ?? 0) > 0) {
      await Promise.race([
        worker.runOnce({ ids: [item.id] }).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, options.waitMs).unref()),
      ]);
      current = (await this.o.repo.get(item.id)) ?? item;
    } else if (created) {
      worker?.nudge();
    }
    return { item: viewOf(current), created };
  }
}

function decode(data: string): Buffer {
  const compact = data.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    throw new IntakeRequestError('data: must be the file encoded as base64', 'data', 400);
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length === 0) throw new IntakeRequestError('data: the file is empty', 'data', 400);
  if (bytes.length > DOCUMENT_MAX_BYTES) {
    throw new IntakeRequestError(
      `data: the file is ${(bytes.length / 1048576).toFixed(1)} MB; WellSky takes at most 10 MB`,
      'data',
      422,
    );
  }
  return bytes;
}

/** The worker's view of the stored bytes. */
export function storedDocumentContents(store: Store): DocumentContents {
  return async (key) => {
    const row = await store.db
      .selectFrom('intake_documents')
      .select(['content_type', 'filename', 'data'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      contentType: row.content_type as (typeof DOCUMENT_MIME_TYPES)[number],
      filename: row.filename,
      data: row.data,
    };
  };
}
