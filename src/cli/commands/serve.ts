import type { Command } from 'commander';
import { logFormat } from '../../service/logger.ts';
import { type RunningService, runService } from '../../service/run.ts';
import { SettingsError } from '../../service/settings.ts';
import { progressReporter } from './sync.ts';

/**
 * Runs the whole service until SIGTERM/SIGINT, then shuts down gracefully: the HTTP server stops
 * accepting, in-flight deliveries finish or are released, the store closes, exit 0. A second signal
 * while shutting down exits at once (1).
 */
export async function serveAction(): Promise<void> {
  // Piped, stderr is the JSON log a collector reads: the first sync's progress then goes to stdout, with
  // the start lines a person reads.
  const progress = progressReporter(logFormat() === 'json' ? process.stdout : process.stderr);
  let service: RunningService;
  try {
    service = await runService({ onProgress: progress.update });
  } catch (error) {
    progress.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof SettingsError || code === 'EADDRINUSE' || code === 'EACCES') {
      console.error(
        `skybridge: ${error instanceof SettingsError ? error.message : `cannot listen: ${(error as Error).message} (set PORT to a free port)`}`,
      );
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  progress.stop();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log(`\n${signal}: shutting down (finishing in-flight work)…`);
  const force = (again: NodeJS.Signals) => {
    console.error(`${again} again: exiting without waiting`);
    process.exit(1);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await service.stop();
  console.log('stopped.');
  process.off('SIGINT', force);
  process.off('SIGTERM', force);
}

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description(
      'the gateway service: HTTP API, MCP, dashboard, delivery worker and scheduled sync (demo simulator when no WellSky credentials)',
    )
    .action(serveAction);
}
