import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { ConnectClient } from '../../connect/client.ts';
import { openContext } from '../../runtime/context.ts';
import {
  COLLECTIONS,
  type Collection,
  RequestMeter,
  Sync,
  type SyncProgress,
  type SyncSummary,
} from '../../sync/index.ts';
import { settingsFromEnv } from '../../sync/settings.ts';
import { userErrors } from './lookup.ts';

interface SyncFlags {
  full?: boolean;
  json?: boolean;
}

/**
 * Progress with counts only, never names or phones. A terminal gets bars with ETA (cli-progress);
 * a log gets one plain line per phase step, throttled.
 */
export function progressReporter(stream: NodeJS.WriteStream): {
  update(p: SyncProgress): void;
  stop(): void;
} {
  if (stream.isTTY) {
    const bars = new MultiBar(
      {
        format: '{phase} [{bar}] {value}/{total} | ETA {eta_formatted}',
        clearOnComplete: false,
        hideCursor: true,
        stream,
      },
      Presets.shades_classic,
    );
    const byPhase = new Map<Collection, ReturnType<MultiBar['create']>>();
    return {
      update(p) {
        let bar = byPhase.get(p.phase);
        if (!bar) {
          bar = bars.create(p.total, 0, { phase: p.phase.padEnd(14) });
          byPhase.set(p.phase, bar);
        }
        bar.setTotal(p.total);
        bar.update(p.done, { phase: p.phase.padEnd(14) });
      },
      stop: () => bars.stop(),
    };
  }
  let last = 0;
  let lastPhase: string | undefined;
  return {
    update(p) {
      const now = Date.now();
      if (p.phase === lastPhase && p.done < p.total && now - last < 2000) return;
      last = now;
      lastPhase = p.phase;
      stream.write(`sync: ${p.phase} ${p.done}/${p.total}\n`);
    },
    stop: () => undefined,
  };
}

export function formatSummary(s: SyncSummary): string {
  const lines = [
    `Sync run ${s.runId} (${s.kind}): ${s.status.toUpperCase()} in ${(s.durationMs / 1000).toFixed(1)} s, ` +
      `${s.requests ?? '?'} requests (${s.requestsPerSecond ?? '?'}/s), 429s: ${s.rateLimited ?? '?'}`,
    '',
    `${'COLLECTION'.padEnd(16)}${'SEEN'.padStart(8)}${'ADDED'.padStart(8)}${'CHANGED'.padStart(9)}${'REMOVED'.padStart(9)}${'REQUESTS'.padStart(10)}`,
  ];
  for (const c of COLLECTIONS) {
    const n = s.counts[c];
    const phase = s.phases.find((p) => p.phase === c);
    lines.push(
      `${c.padEnd(16)}${String(n.seen).padStart(8)}${String(n.added).padStart(8)}${String(n.changed).padStart(9)}` +
        `${String(n.removed).padStart(9)}${String(phase?.requests ?? '').padStart(10)}${phase?.detail ? `  ${phase.detail}` : ''}`,
    );
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  const shown = s.errors.slice(0, 10);
  for (const e of shown) lines.push(`error: ${e}`);
  if (s.errors.length > shown.length) lines.push(`… and ${s.errors.length - shown.length} more errors`);
  return lines.join('\n');
}

export function syncCommand(program: Command) {
  program
    .command('sync')
    .description('mirror WellSky locally: incremental after the first run, --full to read everything again')
    .option('--full', 'read every collection and the whole shift window, and mark what is gone as removed')
    .option('--json', 'print the run summary as one JSON object')
    .action(
      userErrors(async (flags: SyncFlags) => {
        const settings = settingsFromEnv(process.env);
        const meter = new RequestMeter();
        const client = new ConnectClient({ onEvent: meter.onEvent });
        const context = await openContext({ requireWellSky: true, client });
        const progress = progressReporter(process.stderr);
        try {
          const sync = new Sync({
            client,
            store: context.store,
            meter,
            settings,
            onProgress: progress.update,
          });
          const summary = await sync.run({ full: flags.full ?? false });
          progress.stop();
          console.log(flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
          if (summary.status !== 'ok') process.exitCode = 1;
        } finally {
          progress.stop();
          await context.close();
        }
      }),
    );
}
