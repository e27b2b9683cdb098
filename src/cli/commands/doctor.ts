import type { Command } from 'commander';
import { runDoctor } from '../../capabilities/doctor.ts';
import { formatDoctorReport } from '../../capabilities/format.ts';
import { inspectRateBudget } from '../../capabilities/rate-budget.ts';
import { inspectStorage } from '../../capabilities/storage.ts';
import { ConnectClient } from '../../connect/client.ts';
import { startSimulator } from '../../simulator/index.ts';
import { choiceOption } from '../options.ts';

interface DoctorFlags {
  simulator?: boolean;
  profile: 'feb-2026' | 'full';
  json?: boolean;
  probeWrites?: boolean;
}

export function doctorCommand(program: Command) {
  program
    .command('doctor')
    .description(
      'check credentials, routes and capabilities against WellSky (or --simulator) and explain each',
    )
    .option('--simulator', 'start the WellSky simulator in-process and check against it')
    .option(
      '--profile <name>',
      'simulator profile with --simulator: feb-2026 or full',
      choiceOption('--profile', ['feb-2026', 'full'] as const),
      'feb-2026',
    )
    .option('--json', 'print one JSON object instead of a table')
    .option(
      '--probe-writes',
      'also make real writes (an office task and a small document); never clocks anyone in',
    )
    .action(async (flags: DoctorFlags) => {
      const sim = flags.simulator ? await startSimulator({ profile: flags.profile }) : undefined;
      try {
        const client = new ConnectClient(
          sim
            ? {
                config: {
                  baseUrl: sim.url,
                  clientId: sim.credentials.clientId,
                  clientSecret: sim.credentials.clientSecret,
                  agencyId: sim.agencyId,
                  timezone: sim.timezone,
                },
                env: {},
              }
            : {},
        );
        const report = await runDoctor({
          client,
          probeWrites: flags.probeWrites,
          simulatorProfile: sim ? flags.profile : undefined,
          storage: await inspectStorage(process.env),
          rateBudget: sim ? undefined : await inspectRateBudget(client, process.env),
        });
        console.log(flags.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
        // A script that runs doctor must see what stops every agency-tagged call, not only a failed login.
        if (!report.authentication.ok || report.configuration.agencyIdMatches === false) process.exitCode = 1;
      } finally {
        await sim?.close();
      }
    });
}
