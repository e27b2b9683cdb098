import { CapabilityService } from '../capabilities/service.ts';
import type { ConnectClient } from '../connect/client.ts';
import type { RoutingSettings } from '../documentation/routing.ts';
import { DocumentationService } from '../documentation/service.ts';
import { type KnownSubjects, liveSubjectDirectory } from '../documentation/subjects.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../documentation/worker.ts';
import { storedDocumentContents } from '../intake/documents.ts';
import { DocumentationRepo } from '../store/documentation-repo.ts';
import type { Store } from '../store/store.ts';

export interface DocumentationRuntime {
  repo: DocumentationRepo;
  service: DocumentationService;
  worker: DeliveryWorker | undefined;
  capabilities: CapabilityService | undefined;
}

/** Agency settings for delivery, from the environment. */
export function routingSettings(client: ConnectClient | undefined, env: NodeJS.ProcessEnv): RoutingSettings {
  const flag = env.SKYBRIDGE_PROFILE_NOTES_AS_OFFICE_TASKS;
  if (flag !== undefined && !['true', 'false', '1', '0', ''].includes(flag)) {
    throw new Error('SKYBRIDGE_PROFILE_NOTES_AS_OFFICE_TASKS must be true or false');
  }
  return { profileNotesAsOfficeTasks: flag === 'true' || flag === '1', agencyId: client?.config.agencyId };
}

/** Wires the documentation pipeline on a store and, when configured, a WellSky client. */
export function documentationRuntime(
  store: Store,
  client: ConnectClient | undefined,
  env: NodeJS.ProcessEnv,
  workerOptions: Partial<DeliveryWorkerOptions> = {},
  known?: KnownSubjects,
): DocumentationRuntime {
  const repo = new DocumentationRepo(store, workerOptions.now ? { clock: workerOptions.now } : {});
  const timezone = client?.config.timezone ?? env.WELLSKY_TIMEZONE ?? 'America/Denver';
  if (!client) {
    return {
      repo,
      service: new DocumentationService({ repo, timezone }),
      worker: undefined,
      capabilities: undefined,
    };
  }
  const capabilities = new CapabilityService(store, client);
  const worker = new DeliveryWorker({
    repo,
    capabilities,
    client,
    settings: routingSettings(client, env),
    documents: storedDocumentContents(store),
    ...workerOptions,
  });
  const service = new DocumentationService({
    repo,
    timezone,
    subjects: liveSubjectDirectory(client),
    ...(known ? { known } : {}),
    worker,
    ...(workerOptions.now ? { now: workerOptions.now } : {}),
  });
  return { repo, service, worker, capabilities };
}
