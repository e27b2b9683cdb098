import type { Command } from 'commander';
import { startTwilioSimulator } from '../../simulator/twilio/index.ts';
import { integerOption, untilSignal } from '../options.ts';

export function twilioSimulatorCommand(program: Command) {
  program
    .command('twilio-simulator')
    .description(
      'run a local Twilio-compatible endpoint (messages, signed inbound texts and status callbacks)',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', integerOption('--port', 0, 65535), 8789)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option(
      '--inbound-url <url>',
      'where inbound texts are posted, e.g. http://127.0.0.1:8787/webhooks/twilio/sms',
    )
    .action(async (flags: { port: number; host: string; inboundUrl?: string }) => {
      const sim = await startTwilioSimulator({
        port: flags.port,
        host: flags.host,
        ...(flags.inboundUrl ? { inboundUrl: flags.inboundUrl } : {}),
      });
      console.log(`Twilio-compatible endpoint listening on ${sim.url} (number ${sim.number})`);
      console.log(`  messages:  POST ${sim.url}/2010-04-01/Accounts/${sim.accountSid}/Messages.json`);
      console.log(
        `  control:   GET ${sim.url}/__twilio/messages, POST ${sim.url}/__twilio/inbound {"from","body"}, /__twilio/status, /__twilio/numbers, /__twilio/stats`,
      );
      console.log(
        `  use it:    SKYBRIDGE_MESSAGING=twilio TWILIO_API_BASE_URL=${sim.url} TWILIO_ACCOUNT_SID=${sim.accountSid} ` +
          `TWILIO_AUTH_TOKEN=${sim.authToken} TWILIO_FROM=${sim.number} SKYBRIDGE_PUBLIC_URL=http://127.0.0.1:8787`,
      );
      console.log('Press Ctrl-C to stop.');
      const signal = await untilSignal();
      await sim.close();
      console.log(`Stopped (${signal}).`);
    });
}
