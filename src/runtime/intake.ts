import type { ConnectClient } from '../connect/client.ts';
import { DocumentIntake } from '../intake/documents.ts';
import { connectPeople } from '../intake/people.ts';
import { IntakeRepo } from '../intake/repo.ts';
import { IntakeService } from '../intake/service.ts';
import { stageTablesFromEnv } from '../intake/stages.ts';
import { storeTagMemory } from '../intake/tag-memory.ts';
import type { Store } from '../store/index.ts';
import type { DocumentationRuntime } from './documentation.ts';

export interface IntakeRuntime {
  service: IntakeService;
  documents: DocumentIntake;
}

/** Wires the intake: the id map on the store, WellSky people through the client, documents through the pipeline. */
export function intakeRuntime(
  store: Store,
  client: ConnectClient | undefined,
  docs: DocumentationRuntime,
  env: NodeJS.ProcessEnv,
  options: { now?: () => Date } = {},
): IntakeRuntime {
  const repo = new IntakeRepo(store, options.now);
  const service = new IntakeService({
    repo,
    people: client ? connectPeople(client, storeTagMemory(store)) : undefined,
    stages: stageTablesFromEnv(env),
  });
  const documents = new DocumentIntake({
    store,
    repo: docs.repo,
    worker: docs.worker,
    ...(options.now ? { now: options.now } : {}),
  });
  return { service, documents };
}
