import type { AddressInfo } from 'node:net';
import { createControl, type SimulatorControl } from './control.ts';
import { SimServer } from './server.ts';
import { resolveOptions, SimState } from './state.ts';
import type { SimulatorOptions } from './types.ts';

export type {
  ConfigPatch,
  OneOffShift,
  SimConfig,
  SimSummary,
  SimulatorControl,
  SimulatorData,
} from './control.ts';
export { ControlError } from './control.ts';
export { ID_BASE } from './ids.ts';
export { NO_FAULTS, PROFILES } from './profiles.ts';
export type { SimStats } from './stats.ts';
export type { Capability, Faults, Permissions, ProfileName, Quirks, SimulatorOptions } from './types.ts';
export type { WebhookDelivery } from './webhooks.ts';

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:43123 — no trailing slash; the API base is `${url}/v1/`. */
  url: string;
  credentials: { clientId: string; clientSecret: string };
  agencyId: string;
  timezone: string;
  control: SimulatorControl;
  /** Stops the server (idle keep-alive sockets included) and webhook timers; idempotent. */
  close(): Promise<void>;
}

/** A faithful local WellSky Connect API (see docs in /work/shared/wellsky-api-facts.md). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const state = new SimState(resolved, options);
  const control = createControl(state);
  const server = new SimServer(state, control);
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(resolved.port, resolved.host, () => {
      server.http.off('error', reject);
      resolve();
    });
  });
  const address = server.http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    credentials: { clientId: resolved.clientId, clientSecret: resolved.clientSecret },
    agencyId: resolved.agencyId,
    timezone: resolved.timezone,
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        state.webhooks.close();
        server.http.close(() => resolve());
        server.http.closeAllConnections();
      });
      return closing;
    },
  };
}
