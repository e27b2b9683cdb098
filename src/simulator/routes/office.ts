import { AdminTaskRequest, DocumentReferenceRequest } from '../../connect/wire/index.ts';
import { tagOf } from '../agency/store.ts';
import { type Ctx, fail, json, objectBody, type RouteDef, route, serverErrorPage } from '../http.ts';
import { readPaging, searchBundle } from '../search/paging.ts';
import type { SimState } from '../state.ts';
import { denyForeignAgencyTag, must, OK } from './common.ts';

/**
 * Facts §3.10 [V]: the Task-style body works; an ad-hoc body (`title`, `priority`, `due_date`…) got 422.
 * The 422 envelope was not recorded; `{"message":"Unprocessable Entity: …"}` is the simulator's choice.
 */
function createAdminTask(ctx: Ctx) {
  const { state } = ctx;
  const result = AdminTaskRequest.safeParse(ctx.body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw fail(422, { message: `Unprocessable Entity: ${where}: ${issue?.message ?? 'invalid'}` });
  }
  denyForeignAgencyTag(state, result.data.meta);
  const id = state.store.next.adminTask++;
  const task = { resourceType: 'Task', id: String(id), ...result.data };
  task.resourceType = 'Task';
  state.store.adminTasks.set(id, { id, body: task, at: new Date(state.nowMs()).toISOString() });
  state.webhooks.emit('admintask.created', 'Task', id);
  return json(201, task);
}

/** The four §3.9 [V] messages, in the order the vendor's validator appears to check them. */
function documentProblem(body: Record<string, unknown>): string | undefined {
  const type = body.type as { text?: unknown } | undefined;
  if (typeof type?.text !== 'string' || type.text === '') return "'text' in 'type' is required.";
  if (body.context === undefined || body.context === null) return "'context' is required.";
  const attachment = (body.content as { attachment?: Record<string, unknown> } | undefined)?.attachment;
  if (!attachment?.data || !attachment.title || !attachment.contentType) {
    return "'data', 'title' and 'contentType' are mandatory.";
  }
  if (!tagOf(body.meta, 'agencyId')) return "'agencyId' is required.";
  return undefined;
}

function uploadDocument(ctx: Ctx) {
  const { state } = ctx;
  const body = objectBody(ctx);
  const at = new Date(state.nowMs()).toISOString();
  const record = (outcome: 'stored' | 'rejected-422' | 'failed-500') => {
    const id = state.store.next.document++;
    state.store.documents.set(id, { id, body, at, outcome });
    return id;
  };
  // Facts §3.9 [V]: an array `content` crashes before validation (500, HTML).
  if (state.quirks.documentUploadBroken && Array.isArray(body.content)) {
    record('failed-500');
    return serverErrorPage();
  }
  const problem = documentProblem(body);
  if (problem) {
    record('rejected-422');
    throw fail(422, { message: problem });
  }
  denyForeignAgencyTag(state, body.meta);
  // Facts §3.9 [V]: a fully valid payload still fails with the HTML 500 (vendor-side).
  if (state.quirks.documentUploadBroken) {
    record('failed-500');
    return serverErrorPage();
  }
  const parsed = DocumentReferenceRequest.safeParse(body);
  if (!parsed.success) {
    record('rejected-422');
    const issue = parsed.error.issues[0];
    throw fail(422, { message: `'${issue?.path.join('.') ?? 'body'}' ${issue?.message ?? 'is invalid'}.` });
  }
  const id = record('stored');
  return json(201, { resourceType: 'DocumentReference', id: String(id) });
}

function storedDocument(state: SimState, id: number) {
  const doc = state.store.documents.get(id);
  return must(doc && doc.outcome === 'stored' && !doc.deleted ? doc : undefined);
}

function renderDocument(id: number, body: unknown) {
  return { ...(body as Record<string, unknown>), resourceType: 'DocumentReference', id: String(id) };
}

export const officeRoutes: RouteDef[] = [
  route('POST', '/v1/adminTasks/', 'adminTasksWrite', createAdminTask),
  route('GET', '/v1/adminTasks/{id}/', 'adminTasksRead', ({ state, params }) =>
    json(200, must(state.store.adminTasks.get(params.id as number)).body),
  ),
  route('POST', '/v1/documentReferences/', 'documentsWrite', uploadDocument),
  route('GET', '/v1/documentReferences/{id}/', 'documentsRead', ({ state, params }) => {
    const doc = storedDocument(state, params.id as number);
    return json(200, renderDocument(doc.id, doc.body));
  }),
  route('PUT', '/v1/documentReferences/{id}/', 'documentsWrite', (ctx) => {
    const doc = storedDocument(ctx.state, ctx.params.id as number);
    doc.body = { ...(doc.body as Record<string, unknown>), ...objectBody(ctx) };
    return json(200, { resourceType: 'DocumentReference', id: String(doc.id) });
  }),
  route('DELETE', '/v1/documentReferences/{id}/', 'documentsWrite', ({ state, params }) => {
    storedDocument(state, params.id as number).deleted = true;
    return json(200, OK);
  }),
  // Facts §3.1 DR5 [3P]: documents of one profile; the body must carry a `reference`.
  route('POST', '/v1/documentReferences/_profile/', 'documentsRead', (ctx) => {
    const { state } = ctx;
    const reference = objectBody(ctx).reference;
    if (typeof reference !== 'string' || reference === '')
      throw fail(422, { message: "'reference' is required." });
    const docs = [...state.store.documents.values()]
      .filter((d) => d.outcome === 'stored' && !d.deleted)
      .filter((d) => {
        const related = (d.body as { context?: { related?: { ref?: string }[] } }).context?.related ?? [];
        return related.some((r) => r.ref === reference);
      })
      .map((d) => renderDocument(d.id, d.body));
    return json(200, searchBundle(docs, readPaging(ctx.query, 30, state.quirks.onePagedRoutes)));
  }),
];
