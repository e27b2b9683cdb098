import { route } from '../routes.ts';
import type { Transport } from '../transport.ts';
import { bundleOf } from '../wire/bundle.ts';
import {
  AdminTask,
  type AdminTaskRequest,
  DocumentReference,
  type DocumentReferenceRequest,
} from '../wire/office.ts';
import { CreatedRef } from '../wire/people.ts';

export function adminTasksResource(transport: Transport) {
  return {
    /** An office to-do on the dashboard Tasks panel (facts §3.10). Reserve for work needing a person. */
    create(body: AdminTaskRequest): Promise<AdminTask> {
      return transport.request({ route: route('adminTaskCreate'), body, schema: AdminTask });
    },
    get(id: string): Promise<AdminTask> {
      return transport.request({ route: route('adminTaskGet', { id }), schema: AdminTask });
    },
  };
}

export function documentsResource(transport: Transport) {
  return {
    /** Upload (facts §3.9): answered 500 for valid payloads in Feb 2026; callers must treat it as unproven. */
    create(body: DocumentReferenceRequest) {
      return transport.request({ route: route('documentCreate'), body, schema: CreatedRef });
    },
    get(id: string): Promise<DocumentReference> {
      return transport.request({ route: route('documentGet', { id }), schema: DocumentReference });
    },
    delete(id: string) {
      return transport.request({ route: route('documentDelete', { id }) });
    },
    /** The documents of one profile (`Patient/<id>` or `Practitioner/<id>`; facts §3.1 DR5 [3P]). A read. */
    async forProfile(reference: string): Promise<DocumentReference[]> {
      const page = await transport.request({
        route: route('documentsForProfile'),
        body: { reference },
        schema: bundleOf(DocumentReference),
        query: { _count: 100 },
        idempotent: true,
      });
      return page.resources;
    },
  };
}
