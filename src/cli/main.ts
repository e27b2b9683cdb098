import { Command, CommanderError } from 'commander';
import { ConfigError } from '../connect/config.ts';
import { ConnectError } from '../connect/errors.ts';
import { IntakeError } from '../documentation/intake.ts';
import { MessagingConfigError } from '../messaging/settings.ts';
import { StoreConfigError } from '../store/errors.ts';
import { calloutCommand } from './commands/callout.ts';
import { candidatesCommand } from './commands/candidates.ts';
import { clockCommand } from './commands/clock.ts';
import { docsCommand } from './commands/docs.ts';
import { doctorCommand } from './commands/doctor.ts';
import { fillCommand } from './commands/fill.ts';
import { intakeCommand } from './commands/intake.ts';
import { keysCommand } from './commands/keys.ts';
import { lookupCommand } from './commands/lookup.ts';
import { mcpCommand } from './commands/mcp.ts';
import { messagesCommand } from './commands/messages.ts';
import { serveCommand } from './commands/serve.ts';
import { shiftsCommand } from './commands/shifts.ts';
import { simulatorCommand } from './commands/simulator.ts';
import { startCommand } from './commands/start.ts';
import { subscriptionsCommand } from './commands/subscriptions.ts';
import { syncCommand } from './commands/sync.ts';
import { twilioSimulatorCommand } from './commands/twilio-simulator.ts';
import { watchCommand } from './commands/watch.ts';

const program = new Command()
  .name('skybridge')
  .description('Run a home-care agency on WellSky Personal Care: simulator, client, diagnostics.')
  .showHelpAfterError()
  .exitOverride();

simulatorCommand(program);
twilioSimulatorCommand(program);
doctorCommand(program);
docsCommand(program);
intakeCommand(program);
startCommand(program);
serveCommand(program);
keysCommand(program);
syncCommand(program);
lookupCommand(program);
shiftsCommand(program);
clockCommand(program);
calloutCommand(program);
candidatesCommand(program);
fillCommand(program);
subscriptionsCommand(program);
mcpCommand(program);
messagesCommand(program);
watchCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (
    error instanceof ConfigError ||
    error instanceof ConnectError ||
    error instanceof IntakeError ||
    error instanceof MessagingConfigError ||
    error instanceof StoreConfigError
  ) {
    console.error(`skybridge: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(
      `skybridge: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  }
}
