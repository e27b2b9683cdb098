import type { AddressInfo } from 'node:net';
import { controlRoutes, createTwilioControl, type TwilioSimControl } from './control.ts';
import { TwilioSimServer } from './server.ts';
import { type TwilioSimOptions, TwilioSimState } from './state.ts';

export type { TwilioSimControl } from './control.ts';
export { twilioSignature } from './signature.ts';
export type { NumberBehaviour, SimMessage, TwilioSimOptions, TwilioSimStats } from './state.ts';

export interface RunningTwilioSimulator {
  /** e.g. http://127.0.0.1:43123 — what TWILIO_API_BASE_URL is set to. */
  url: string;
  accountSid: string;
  authToken: string;
  number: string;
  control: TwilioSimControl;
  close(): Promise<void>;
}

/**
 * A Twilio-compatible endpoint for tests and the demo: the real `twilio` SDK talks to it (through
 * TWILIO_API_BASE_URL), and it sends signed inbound texts and status callbacks back.
 */
export async function startTwilioSimulator(options: TwilioSimOptions = {}): Promise<RunningTwilioSimulator> {
  const state = new TwilioSimState(options);
  const control = createTwilioControl(state);
  const server = new TwilioSimServer(state, controlRoutes(control));
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.http.off('error', reject);
      resolve();
    });
  });
  const address = server.http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address.address}:${address.port}`,
    accountSid: state.accountSid,
    authToken: state.authToken,
    number: state.number,
    control,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.http.close(() => resolve());
        server.http.closeAllConnections();
      });
      return closing;
    },
  };
}
