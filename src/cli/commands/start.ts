import type { Command } from 'commander';
import { runDoctor } from '../../capabilities/doctor.ts';
import { formatDoctorReport } from '../../capabilities/format.ts';
import { ConnectClient } from '../../connect/client.ts';
import { startSimulator } from '../../simulator/index.ts';
import { untilSignal } from '../options.ts';

/**
 * `npm start`. Until the gateway service lands: with WellSky credentials in the environment it checks
 * them; without, it says plainly that it starts the simulator with a demo agency, checks that, and keeps
 * the simulator running for exploration.
 */
export function startCommand(program: Command) {
  program
    .command('start')
    .description(
      'the main job: for now, doctor against WellSky, or against a demo simulator when no credentials are set',
    )
    .action(async () => {
      const live = Boolean(process.env.WELLSKY_CLIENT_ID && process.env.WELLSKY_CLIENT_SECRET);
      if (live) {
        const report = await runDoctor({ client: new ConnectClient() });
        console.log(formatDoctorReport(report));
        if (!report.authentication.ok) process.exitCode = 1;
        return;
      }
      const port = Number(process.env.SIMULATOR_PORT ?? 8788);
      console.log(
        'No WellSky credentials (WELLSKY_CLIENT_ID, WELLSKY_CLIENT_SECRET): starting the SIMULATED WellSky',
      );
      console.log('with a synthetic demo agency. Nothing here talks to the real WellSky.\n');
      const sim = await startSimulator({ port });
      const client = new ConnectClient({
        config: {
          baseUrl: sim.url,
          clientId: sim.credentials.clientId,
          clientSecret: sim.credentials.clientSecret,
          agencyId: sim.agencyId,
          timezone: sim.timezone,
        },
        env: {},
      });
      console.log(formatDoctorReport(await runDoctor({ client, simulatorProfile: 'feb-2026' })));
      console.log(
        `\nSimulator still running at ${sim.url} (client_id ${sim.credentials.clientId}, client_secret ${sim.credentials.clientSecret}).`,
      );
      console.log('Try: npx skybridge doctor --simulator --profile full   — Press Ctrl-C to stop.');
      await untilSignal();
      await sim.close();
    });
}
