import type { ConnectClient } from '../connect/client.ts';
import { ConnectError } from '../connect/errors.ts';
import type { DocumentReference, DocumentReferenceRequest } from '../connect/wire/office.ts';
import type { DocumentationItem } from '../store/types.ts';
import { referenceLine } from './bodies.ts';
import type { HoldCode } from './routing.ts';

/** A document's bytes as they wait in the store (base64), found by the item's idempotency key. */
export interface DocumentContent {
  contentType: DocumentReferenceRequest['content']['attachment']['contentType'];
  filename: string;
  data: string;
}

/** Where the worker reads a document's content; the intake owns the table (a port, wired by the runtime). */
export type DocumentContents = (idempotencyKey: string) => Promise<DocumentContent | undefined>;

export type DocumentOutcome =
  | { delivered: string }
  | { hold: HoldCode; reason: string; httpStatus?: number | undefined; errorKind?: string | undefined };

/** `Patient/<id>` or `Practitioner/<id>`: where the document goes (facts §3.9: `context.related[].ref`). */
export function profileReference(item: DocumentationItem): string | undefined {
  const patient = item.client_id ?? item.prospect_id;
  if (patient) return `Patient/${patient}`;
  if (item.caregiver_id) return `Practitioner/${item.caregiver_id}`;
  return undefined;
}

/** The attachment title carries the reference, so a lost answer can be looked up on the profile. */
export function attachmentTitle(item: DocumentationItem, filename: string): string {
  return `${item.title?.trim() || filename} (${referenceLine(item.marker)})`;
}

/**
 * Uploads one document item exactly once. Before sending again after an unknown outcome, and after a
 * vendor 500, the profile's documents are read back: one carrying the reference is the upload. A 500
 * with nothing stored is WellSky's known upload failure (facts §3.9): held with WellSky's own words and
 * sent again on replay once uploads work.
 */
export async function deliverDocument(
  client: ConnectClient,
  item: DocumentationItem,
  contents: DocumentContents,
  agencyId: string,
  verify: boolean,
): Promise<DocumentOutcome> {
  const ref = profileReference(item);
  if (!ref) return { hold: 'no-route', reason: 'the document names no client, prospect or caregiver' };
  const content = await contents(item.idempotency_key);
  if (!content) {
    return {
      hold: 'gave-up',
      reason: 'the document content is no longer in the store; upload it again',
    };
  }
  const title = attachmentTitle(item, content.filename);
  if (verify) {
    const found = await findUpload(client, ref, title);
    if (found) return { delivered: found };
  }
  const body: DocumentReferenceRequest = {
    resourceType: 'DocumentReference',
    type: { text: String(item.payload.documentType ?? 'General') },
    content: { attachment: { contentType: content.contentType, data: content.data, title } },
    context: { related: [{ ref }] },
    meta: { tag: [{ code: 'agencyId', display: agencyId }] },
  };
  try {
    const created = await client.documents.create(body);
    return { delivered: created.id };
  } catch (error) {
    if (!(error instanceof ConnectError) || error.kind !== 'server') throw error;
    // WellSky failed on its side; whether it kept the document is not known until it is looked for.
    let found: string | undefined;
    try {
      found = await findUpload(client, ref, title);
    } catch {
      return {
        hold: 'outcome-unknown',
        reason: `WellSky answered HTTP ${error.status ?? '5xx'} to the upload and could not be asked whether it kept it; look for "${referenceLine(item.marker)}" on the profile's documents, then resolve or retry`,
        httpStatus: error.status,
        errorKind: error.kind,
      };
    }
    if (found) return { delivered: found };
    return {
      hold: 'capability',
      reason: `WellSky's document upload failed on its side (HTTP ${error.status ?? '5xx'}${error.serverMessage ? `: ${error.serverMessage.slice(0, 80)}` : ''}); nothing was stored. This is the vendor fault seen since Feb 2026 (facts §3.9); the document is kept and sent again on replay once uploads work`,
      httpStatus: error.status,
      errorKind: error.kind,
    };
  }
}

async function findUpload(client: ConnectClient, ref: string, title: string): Promise<string | undefined> {
  const docs = await client.documents.forProfile(ref);
  return docs.find((doc) => attachmentTitleOf(doc) === title)?.id;
}

function attachmentTitleOf(doc: DocumentReference): string | undefined {
  const content = doc.content as { attachment?: { title?: unknown } } | undefined;
  return typeof content?.attachment?.title === 'string' ? content.attachment.title : undefined;
}
