import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/**
 * Every command, in the order `--help` lists them, each loaded only when needed: a process pays for the
 * modules of the command it runs (the service's for `start`, a store's for `keys`), not for all of them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  simulator: async () => (await import('./commands/simulator.ts')).simulatorCommand,
  'twilio-simulator': async () => (await import('./commands/twilio-simulator.ts')).twilioSimulatorCommand,
  doctor: async () => (await import('./commands/doctor.ts')).doctorCommand,
  docs: async () => (await import('./commands/docs.ts')).docsCommand,
  intake: async () => (await import('./commands/intake.ts')).intakeCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  sync: async () => (await import('./commands/sync.ts')).syncCommand,
  lookup: async () => (await import('./commands/lookup.ts')).lookupCommand,
  shifts: async () => (await import('./commands/shifts.ts')).shiftsCommand,
  clock: async () => (await import('./commands/clock.ts')).clockCommand,
  callout: async () => (await import('./commands/callout.ts')).calloutCommand,
  candidates: async () => (await import('./commands/candidates.ts')).candidatesCommand,
  fill: async () => (await import('./commands/fill.ts')).fillCommand,
  subscriptions: async () => (await import('./commands/subscriptions.ts')).subscriptionsCommand,
  mcp: async () => (await import('./commands/mcp.ts')).mcpCommand,
  messages: async () => (await import('./commands/messages.ts')).messagesCommand,
  watch: async () => (await import('./commands/watch.ts')).watchCommand,
};

const program = new Command()
  .name('skybridge')
  .description('Run a home-care agency on WellSky Personal Care: simulator, client, diagnostics.')
  .showHelpAfterError()
  .exitOverride();

// The first argument names the command. Anything else (--help, no command, a misspelt one) registers all
// of them, so the overview, the error and its suggestion are what they would be with every one loaded.
const named = process.argv[2];
const load =
  named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]!] : Object.values(COMMANDS);
for (const register of await Promise.all(load.map((loader) => loader()))) register(program);

/** `error` when it is the user's to fix (configuration, WellSky's answer, input): a message, no stack. */
async function usageError(error: unknown): Promise<Error | undefined> {
  const [{ ConfigError }, { ConnectError }, { IntakeError }, { MessagingConfigError }, { StoreConfigError }] =
    await Promise.all([
      import('../connect/config.ts'),
      import('../connect/errors.ts'),
      import('../documentation/intake.ts'),
      import('../messaging/settings.ts'),
      import('../store/errors.ts'),
    ]);
  const usage =
    error instanceof ConfigError ||
    error instanceof ConnectError ||
    error instanceof IntakeError ||
    error instanceof MessagingConfigError ||
    error instanceof StoreConfigError;
  return usage ? error : undefined;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    const usage = await usageError(error);
    if (usage) {
      console.error(`skybridge: ${usage.message}`);
      process.exitCode = 2;
    } else {
      console.error(
        `skybridge: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exitCode = 1;
    }
  }
}
