import { after } from 'node:test';
import { ConnectClient, type ConnectClientOptions } from '../../src/connect/client.ts';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';

/** Starts a simulator for the current test file and stops it when the file's tests end. */
export async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  after(() => sim.close());
  return sim;
}

/** A client pointed at `sim`, ignoring the machine's WELLSKY_* variables. */
export function clientFor(sim: RunningSimulator, options: ConnectClientOptions = {}): ConnectClient {
  return new ConnectClient({
    ...options,
    env: {},
    config: {
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      agencyId: sim.agencyId,
      timezone: sim.timezone,
      ...options.config,
    },
  });
}

/** A sleep that records what it was asked to wait and waits only a token amount, to keep tests fast. */
export function recordingSleep() {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    },
  };
}
