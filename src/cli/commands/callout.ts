import type { Command } from 'commander';
import { reportCallOut } from '../../operations/callout.ts';
import { withOperations } from './operations-shared.ts';

export function calloutCommand(program: Command) {
  program
    .command('callout')
    .description(
      'record a caregiver calling out of a shift: open it, document it, tell staff, rank replacements',
    )
    .requiredOption('--caregiver <phone|id>', 'the caregiver, by phone or WellSky id')
    .option('--shift <id>', 'shift (appointment) id')
    .option('--date <day>', 'the shift day, YYYY-MM-DD (agency zone)')
    .option('--next', 'their shift in progress or next')
    .option('--reason <text>', 'what the caregiver said')
    .option('--json', 'print one JSON object')
    .action(
      (f: {
        caregiver: string;
        shift?: string;
        date?: string;
        next?: boolean;
        reason?: string;
        json?: boolean;
      }) =>
        withOperations(async (ops) => {
          const r = await reportCallOut(ops, {
            caregiver: f.caregiver,
            ...(f.shift ? { shiftId: f.shift } : {}),
            ...(f.date ? { date: f.date } : {}),
            ...(f.next ? { next: true } : {}),
            ...(f.reason ? { reason: f.reason } : {}),
          });
          if (f.json) {
            console.log(JSON.stringify(r, null, 2));
            return r.status === 'ambiguous' ? 3 : 0;
          }
          if (r.status === 'ambiguous') {
            console.log(`${r.message} — nothing was changed:`);
            for (const s of r.shifts)
              console.log(
                `  shift ${s.appointmentId} ${s.date} ${s.startTime}–${s.endTime} client ${s.client.id}`,
              );
            return 3;
          }
          console.log(r.message + (r.repeated ? ' (reported before: nothing done again)' : ''));
          console.log(`  shift in WellSky: ${r.shiftOpen.state} — ${r.shiftOpen.detail}`);
          console.log(
            `  office task: ${r.officeTask.state}${r.officeTask.reason ? ` (${r.officeTask.reason})` : ''}`,
          );
          console.log(
            `  care alert: ${r.careAlert.state}${r.careAlert.reason ? ` (${r.careAlert.reason})` : ''}`,
          );
          console.log(
            `  staff webhook: ${r.notification.state}${r.notification.error ? ` (${r.notification.error})` : ''}`,
          );
          if ('candidates' in r.candidates) {
            for (const c of r.candidates.candidates.slice(0, 5))
              console.log(`  #${c.rank} [${c.tier}] ${c.caregiverId} ${c.name} — ${c.reason}`);
          } else {
            console.log(`  candidates: ${r.candidates.error}`);
          }
          return 0;
        }),
    );
}
