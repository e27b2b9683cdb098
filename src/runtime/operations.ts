import type { CapabilityService } from '../capabilities/service.ts';
import type { DocumentationService } from '../documentation/service.ts';
import { MirrorSchedule } from '../mirror/schedule.ts';
import { notifyStaff, staffWebhookUrl } from '../operations/notify.ts';
import type {
  CapabilityStatus,
  DocumentationIntake,
  OperationsPorts,
  StaffNotifier,
} from '../operations/ports.ts';
import { OperationsRepository } from '../operations/repository.ts';
import type { SkybridgeApp } from './app.ts';
import { wellskyScheduling } from './operations-wellsky.ts';

/** The pipeline's intake as operations see it: submit, wait for the first attempt, read the true state. */
export function documentationIntake(service: DocumentationService): DocumentationIntake {
  return {
    async submit(request, options) {
      return (await service.submit(request, options)).item;
    },
    get: (itemId) => service.get(itemId),
  };
}

/** The measured matrix; measured once on demand when it never was (as the call-out always did). */
export function capabilityStatus(capabilities: CapabilityService | undefined): CapabilityStatus {
  return {
    async status(capability) {
      if (!capabilities) return undefined;
      let statuses = await capabilities.statuses();
      if (statuses.size === 0) {
        await capabilities.refresh();
        statuses = await capabilities.statuses();
      }
      return statuses.get(capability);
    },
  };
}

/** The staff webhook from `SKYBRIDGE_STAFF_WEBHOOK_URL`, read when notifying so a bad URL fails that call-out. */
export function webhookNotifier(env: NodeJS.ProcessEnv): StaffNotifier {
  return { notify: (notice) => notifyStaff(staffWebhookUrl(env), notice) };
}

const built = new WeakMap<SkybridgeApp, OperationsPorts>();

/** Operations' ports over this app, built once per app: what the CLI, HTTP and MCP call operations with. */
export function operationsOf(app: SkybridgeApp): OperationsPorts {
  let ports = built.get(app);
  if (!ports) {
    ports = {
      clock: { now: app.now },
      schedule: new MirrorSchedule(app.mirror, app.store),
      wellsky: wellskyScheduling(app.client),
      documentation: documentationIntake(app.docs.service),
      notifier: webhookNotifier(app.env),
      capabilities: capabilityStatus(app.docs.capabilities),
      repo: new OperationsRepository(app.store.db),
    };
    built.set(app, ports);
  }
  return ports;
}
