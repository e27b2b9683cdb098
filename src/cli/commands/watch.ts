import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { TickReport } from '../../operations/watch/watch.ts';
import { SkybridgeApp } from '../../runtime/app.ts';
import { watchRuntime } from '../../runtime/watch.ts';

const Instant = z.iso.datetime({
  offset: true,
  message: '--at: give an ISO instant with its offset, e.g. 2026-03-08T10:40:00-07:00',
});

export function watchCommand(program: Command) {
  const watch = program
    .command('watch')
    .description('the watch: missed clock-ins and clock-outs, confirmations, running late');
  watch
    .command('run-once')
    .description('evaluate every watch rule once at an instant and print what it did (or would do)')
    .option('--at <iso>', 'the instant to evaluate at (default now)')
    .option('--dry-run', 'only say what would be done; send and record nothing')
    .option('--demo', 'run against the embedded simulated agency (synced first) instead of WellSky')
    .option('--json', 'print one JSON object')
    .action(async (f: { at?: string; dryRun?: boolean; demo?: boolean; json?: boolean }) => {
      let fixed: Date | undefined;
      if (f.at !== undefined) {
        const parsed = Instant.safeParse(f.at);
        if (!parsed.success) {
          console.error(`skybridge: ${parsed.error.issues[0]!.message}`);
          process.exitCode = 2;
          return;
        }
        fixed = new Date(parsed.data);
      }
      const app = await SkybridgeApp.create({
        demo: f.demo ? 'always' : 'never',
        ...(fixed ? { now: () => fixed } : {}),
      });
      try {
        if (f.demo) await app.runSync(undefined, true);
        const runtime = watchRuntime(app, { holder: `cli-${process.pid}` });
        const report = await runtime.watch.tick({ dryRun: f.dryRun ?? false });
        if (!f.dryRun) await runtime.watch.repo.release(runtime.watch.holder);
        if (f.json) console.log(JSON.stringify(report, null, 2));
        else printReport(report, app.timezone);
        if (!report.ran) process.exitCode = 3;
      } finally {
        await app.close();
      }
    });
}

function printReport(report: TickReport, zone: string) {
  const when = DateTime.fromISO(report.at, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
  if (!report.ran) {
    console.log(`${when}: another worker holds the watch lease; nothing was done here.`);
    return;
  }
  console.log(
    `${when}: ${report.shiftsChecked} shifts checked, ${report.actions.length} action(s)${report.dryRun ? ' (dry run: nothing sent or recorded)' : ''}`,
  );
  for (const a of report.actions) {
    const start = a.shiftStart ? DateTime.fromISO(a.shiftStart, { zone }).toFormat('ccc HH:mm') : '';
    console.log(
      `  ${a.rule.padEnd(21)} shift ${a.appointmentId ?? '-'} ${start} caregiver ${a.caregiverId ?? '-'}: ${a.state} — ${a.outcome} (${a.reason})`,
    );
  }
  if (report.unconfirmedMarked > 0)
    console.log(`  ${report.unconfirmedMarked} confirmation(s) for tomorrow now shown as unconfirmed`);
}
