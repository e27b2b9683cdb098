import type { Command } from 'commander';
import { serveAction } from './serve.ts';

/** `npm start`: the full service, the same as `skybridge serve`. */
export function startCommand(program: Command) {
  program
    .command('start')
    .description(
      'the main job: run the gateway service (same as `serve`); a demo agency when no WellSky credentials are set',
    )
    .action(serveAction);
}
