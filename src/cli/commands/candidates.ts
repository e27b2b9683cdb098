import type { Command } from 'commander';
import { rankCandidates } from '../../operations/candidates.ts';
import { withOperations } from './operations-shared.ts';

export function candidatesCommand(program: Command) {
  program
    .command('candidates')
    .description('replacement caregivers for a shift, ranked and explained (from the local mirror)')
    .requiredOption('--shift <id>', 'shift (appointment) id')
    .option('--date <day>', "the occurrence's agency-local day, for a recurring shift (YYYY-MM-DD)")
    .option('--limit <n>', 'how many candidates', '10')
    .option('--json', 'print one JSON object')
    .action((f: { shift: string; date?: string; limit: string; json?: boolean }) =>
      withOperations(async (ops) => {
        const r = await rankCandidates(ops, { shiftId: f.shift, date: f.date, limit: f.limit });
        if (f.json) {
          console.log(JSON.stringify(r, null, 2));
          return 0;
        }
        console.log(
          `Shift ${r.shift.id} ${r.shift.date} ${r.shift.start.slice(11, 16)}–${r.shift.end.slice(11, 16)} (${r.timezone}), client ${r.shift.clientId}` +
            (r.replacing ? `, replacing caregiver ${r.replacing}` : ''),
        );
        console.log(
          `${r.counts.considered} caregivers considered, ${r.counts.excluded} excluded, ${r.counts.eligible} eligible`,
        );
        for (const c of r.candidates) {
          console.log(
            `  #${c.rank} [${c.tier}] ${c.score.toFixed(1).padStart(5)}  ${c.caregiverId} ${c.name} — ${c.reason}`,
          );
        }
        if (r.candidates.length === 0) console.log('  no eligible caregiver');
        for (const e of r.excluded.slice(0, 20)) {
          console.log(`  excluded ${e.caregiverId} ${e.name}: ${e.reasons.map((x) => x.text).join('; ')}`);
        }
        if (r.excluded.length > 20)
          console.log(`  … ${r.excluded.length - 20} more excluded (--json lists all)`);
        return 0;
      }),
    );
}
