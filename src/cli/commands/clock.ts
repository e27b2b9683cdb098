import type { Command } from 'commander';
import { clockIn, clockOut } from '../../operations/clock.ts';
import { number, withOperations } from './operations-shared.ts';

interface Flags {
  shift: string;
  date?: string;
  at?: string;
  lat?: string;
  lon?: string;
  comment?: string;
  json?: boolean;
}

export function clockCommand(program: Command) {
  const clock = program
    .command('clock')
    .description('clock a caregiver in or out of a shift (EVV) in WellSky');
  for (const which of ['in', 'out'] as const) {
    const cmd = clock
      .command(which)
      .description(
        `clock ${which}: the time given (default now) and the position only if given — never invented`,
      )
      .requiredOption('--shift <id>', 'shift (appointment) id')
      .option('--date <day>', "the occurrence's agency-local day, for a recurring shift (YYYY-MM-DD)")
      .option('--at <time>', 'when: agency time 2026-03-02T08:04 or ISO with offset (default now)')
      .option('--lat <n>', 'latitude of the caregiver (with --lon)')
      .option('--lon <n>', 'longitude of the caregiver (with --lat)')
      .option('--json', 'print one JSON object');
    if (which === 'out') cmd.option('--comment <text>', 'general comment on the visit (≤ 1000 characters)');
    cmd.action((f: Flags) =>
      withOperations(async (ops) => {
        const input = {
          shiftId: f.shift,
          date: f.date,
          at: f.at,
          lat: number(f.lat, 'lat'),
          lon: number(f.lon, 'lon'),
          ...(which === 'out' && f.comment !== undefined ? { comment: f.comment } : {}),
        };
        const result = which === 'in' ? await clockIn(ops, input) : await clockOut(ops, input);
        console.log(f.json ? JSON.stringify(result, null, 2) : result.message);
        return 0;
      }),
    );
  }
}
