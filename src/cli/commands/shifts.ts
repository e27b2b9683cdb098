import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import type { ShiftView } from '../../mirror/types.ts';
import { openContext } from '../../runtime/context.ts';
import { openMirror, userErrors } from './lookup.ts';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates look like 2026-03-08');
const Id = z.string().regex(/^\d+$/, 'WellSky ids are numbers');

const Flags = z
  .object({
    caregiver: Id.optional(),
    client: Id.optional(),
    date: Day.optional(),
    from: Day.optional(),
    to: Day.optional(),
    json: z.boolean().optional(),
  })
  .refine((f) => Boolean(f.caregiver) !== Boolean(f.client), {
    message: 'give exactly one of --caregiver or --client',
  })
  .refine((f) => !(f.date && (f.from || f.to)), { message: 'give either --date or --from and --to' })
  .refine((f) => Boolean(f.from) === Boolean(f.to), { message: 'give both --from and --to' });

function line(s: ShiftView): string {
  const end = s.endsNextDay ? `${s.endTime} (+1 day, ${s.endDate})` : s.endTime;
  const who = s.caregiver ? `caregiver ${s.caregiver.id} ${s.caregiver.name ?? '?'}` : 'OPEN (no caregiver)';
  const visit = s.visit
    ? `  visit ${s.visit.id}: in ${s.visit.clockIn?.slice(11, 16) ?? '—'} out ${s.visit.clockOut?.slice(11, 16) ?? '—'}`
    : '';
  return `  ${s.date} ${s.startTime}–${end}  ${s.status.padEnd(10)} shift ${s.appointmentId}  client ${s.client.id} ${s.client.name ?? '?'}  ${who}${visit}`;
}

export function shiftsCommand(program: Command) {
  program
    .command('shifts')
    .description(
      "a caregiver's or client's shifts in the agency's time zone, with visits (from the local mirror)",
    )
    .option('--caregiver <id>', 'caregiver (practitioner) id')
    .option('--client <id>', 'client (patient) id')
    .option('--date <day>', 'one agency-local day, YYYY-MM-DD (default: today)')
    .option('--from <day>', 'first day, YYYY-MM-DD')
    .option('--to <day>', 'last day, YYYY-MM-DD')
    .option('--json', 'print one JSON document')
    .action(
      userErrors(async (raw: Record<string, unknown>) => {
        const parsed = Flags.safeParse(raw);
        if (!parsed.success)
          throw new InvalidArgumentError(parsed.error.issues.map((i) => i.message).join('; '));
        const f = parsed.data;
        const context = await openContext();
        try {
          const { mirror, lastSync } = await openMirror(context);
          const result = await mirror.shifts({
            caregiverId: f.caregiver,
            clientId: f.client,
            date: f.date,
            from: f.from,
            to: f.to,
          });
          if (f.json) {
            console.log(JSON.stringify({ lastSync, ...result }, null, 2));
            return;
          }
          const who = f.caregiver ? `caregiver ${f.caregiver}` : `client ${f.client}`;
          const span = result.from === result.to ? result.from : `${result.from} … ${result.to}`;
          console.log(`Shifts of ${who}, ${span} (${result.timezone}) · mirror synced ${lastSync}`);
          if (result.shifts.length === 0) console.log('  none');
          for (const s of result.shifts) console.log(line(s));
        } finally {
          await context.close();
        }
      }),
    );
}
