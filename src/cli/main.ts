import { Command, CommanderError } from 'commander';
import { ConfigError } from '../connect/config.ts';
import { ConnectError } from '../connect/errors.ts';
import { doctorCommand } from './commands/doctor.ts';
import { simulatorCommand } from './commands/simulator.ts';
import { startCommand } from './commands/start.ts';

const program = new Command()
  .name('skybridge')
  .description('Run a home-care agency on WellSky Personal Care: simulator, client, diagnostics.')
  .showHelpAfterError()
  .exitOverride();

simulatorCommand(program);
doctorCommand(program);
startCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError || error instanceof ConnectError) {
    console.error(`skybridge: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(
      `skybridge: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  }
}
