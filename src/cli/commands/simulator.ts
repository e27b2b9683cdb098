import type { Command } from 'commander';
import { startSimulator } from '../../simulator/index.ts';
import { choiceOption, integerOption, untilSignal } from '../options.ts';

export interface SimulatorFlags {
  port: number;
  host: string;
  seed: number;
  profile: 'feb-2026' | 'full';
  caregivers: number;
  clients: number;
  weeks: number;
  clientId: string;
  clientSecret: string;
}

export function addSimulatorOptions(command: Command, defaultPort: number): Command {
  return command
    .option(
      '--port <n>',
      'port to listen on (0 picks a free one)',
      integerOption('--port', 0, 65535),
      defaultPort,
    )
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--seed <n>', 'seed of the synthetic agency', integerOption('--seed', 0, 2 ** 31 - 1), 1)
    .option(
      '--profile <name>',
      'permissions and quirks: feb-2026 (as recorded) or full (every documented write works)',
      choiceOption('--profile', ['feb-2026', 'full'] as const),
      'feb-2026',
    )
    .option('--caregivers <n>', 'caregivers and applicants', integerOption('--caregivers', 1, 20000), 50)
    .option('--clients <n>', 'clients and prospects', integerOption('--clients', 1, 50000), 120)
    .option('--weeks <n>', 'weeks of shifts (a third in the past)', integerOption('--weeks', 1, 52), 13)
    .option('--client-id <id>', 'client id the token endpoint accepts', 'demo-client')
    .option('--client-secret <secret>', 'client secret the token endpoint accepts', 'demo-secret');
}

export function simulatorCommand(program: Command) {
  addSimulatorOptions(
    program
      .command('simulator')
      .description('run the WellSky Connect simulator (an HTTP server like connect.clearcareonline.com)'),
    8788,
  ).action(async (flags: SimulatorFlags) => {
    const started = performance.now();
    const sim = await startSimulator({
      port: flags.port,
      host: flags.host,
      seed: flags.seed,
      profile: flags.profile,
      caregivers: flags.caregivers,
      clients: flags.clients,
      weeks: flags.weeks,
      clientId: flags.clientId,
      clientSecret: flags.clientSecret,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `WellSky Connect simulator (profile ${flags.profile}, seed ${flags.seed}) listening on ${sim.url}`,
    );
    console.log(`  API base:       ${sim.url}/v1/`);
    console.log(`  token endpoint: POST ${sim.url}/oauth/accesstoken`);
    console.log(
      `  credentials:    client_id=${sim.credentials.clientId} client_secret=${sim.credentials.clientSecret}`,
    );
    console.log(
      `  agency:         ${sim.agencyId} (${sim.timezone}), ${flags.caregivers} caregivers, ${flags.clients} clients, ${flags.weeks} weeks (${seconds} s to build)`,
    );
    console.log(`  control:        ${sim.url}/__sim/stats, ${sim.url}/__sim/config`);
    console.log(
      `  use it:         WELLSKY_BASE_URL=${sim.url} WELLSKY_CLIENT_ID=${sim.credentials.clientId} WELLSKY_CLIENT_SECRET=… WELLSKY_AGENCY_ID=${sim.agencyId} npx skybridge doctor`,
    );
    console.log('Press Ctrl-C to stop.');
    const signal = await untilSignal();
    await sim.close();
    console.log(`Stopped (${signal}).`);
  });
}
